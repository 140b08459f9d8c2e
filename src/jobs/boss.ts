import PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import { QUEUES } from './queues';

/**
 * pg-boss in the service's own database (schema `pgboss`), so a job and the rows it concerns can
 * commit together. Only worker processes supervise (maintenance) and run schedules; api
 * processes only send.
 */
export async function startBoss(databaseUrl: string, runsWorkers: boolean, log: Logger): Promise<PgBoss> {
  const boss = new PgBoss({
    connectionString: databaseUrl,
    schema: 'pgboss',
    application_name: 'integration-pgboss',
    max: 5,
    supervise: runsWorkers,
    schedule: runsWorkers,
    migrate: true,
  });
  // pg-boss reports lost connections here; it reconnects by itself, so this must not crash.
  boss.on('error', (error) => log.error({ err: error.message }, 'pg-boss error'));
  await boss.start();
  for (const queue of QUEUES) {
    await boss.createQueue(queue.name);
    if (runsWorkers && queue.work) await boss.work(queue.name, queue.work as never);
  }
  return boss;
}

/** Lets in-flight jobs finish (up to `timeoutMs`) before closing pg-boss's pool. */
export async function stopBoss(boss: PgBoss, timeoutMs: number): Promise<void> {
  await boss.stop({ graceful: true, wait: true, timeout: timeoutMs, close: true });
}
