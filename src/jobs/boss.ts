import PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import type { QueueDefinition } from './queues';

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
    // Expired jobs (their worker died) are retried on maintenance: every 30 s, not pg-boss's 2 min.
    maintenanceIntervalSeconds: 30,
  });
  // pg-boss reports lost connections here; it reconnects by itself, so this must not crash.
  boss.on('error', (error) => log.error({ err: error.message }, 'pg-boss error'));
  await boss.start();
  return boss;
}

/** Creates every queue (idempotent), and in worker processes its schedule and its worker. */
export async function startQueues(boss: PgBoss, queues: QueueDefinition<unknown>[], runsWorkers: boolean, log: Logger): Promise<void> {
  for (const queue of queues) {
    await boss.createQueue(queue.name, { name: queue.name, ...queue.options });
    if (!runsWorkers) continue;
    if (queue.schedule) await boss.schedule(queue.name, queue.schedule, {}, { tz: 'UTC' });
    if (queue.runAfterStartSeconds !== undefined) await boss.send(queue.name, {}, { startAfter: queue.runAfterStartSeconds });
    for (let i = 0; i < (queue.workers ?? 1); i++) await startWorker(boss, queue, log);
  }
}

async function startWorker(boss: PgBoss, queue: QueueDefinition<unknown>, log: Logger): Promise<void> {
  const batchSize = queue.batchSize ?? 1;
  const workerId: string = await boss.work(queue.name, { batchSize, pollingIntervalSeconds: 0.5 }, async (jobs: PgBoss.Job<unknown>[]) => {
    try {
      if (queue.workBatch) await queue.workBatch(jobs);
      else for (const job of jobs) await runOne(queue, job, log);
    } finally {
      // pg-boss waits a polling interval after every batch; a full batch means more are waiting.
      if (jobs.length >= batchSize) boss.notifyWorker(workerId);
    }
  });
}

async function runOne(queue: QueueDefinition<unknown>, job: PgBoss.Job<unknown>, log: Logger): Promise<void> {
  try {
    await queue.work(job);
  } catch (error) {
    log.warn({ queue: queue.name, jobId: job.id, err: (error as Error).message }, 'job failed');
    throw error;
  }
}

/** Lets in-flight jobs finish (up to `timeoutMs`) before closing pg-boss's pool. */
export async function stopBoss(boss: PgBoss, timeoutMs: number): Promise<void> {
  await boss.stop({ graceful: true, wait: true, timeout: timeoutMs, close: true });
}
