import type PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import type { QueueDefinition } from '../../jobs/queues';
import { nextRunAt, parseFrequency } from '../schedule/frequency';
import type { SyncRunService } from '../sync-run.service';
import { SyncTrigger } from '../sync.enums';
import { cancelSyncRunJob, enqueueSyncRun } from './sync-run.job';
import { SyncRunRecorder } from './sync-run.recorder';

export const SYNC_MAINTENANCE_QUEUE = 'sync.maintenance';

/** A RUNNING run whose heartbeat is older than this lost its worker (a page never takes this long). */
export const ORPHAN_AFTER_SECONDS = 45;

/**
 * Every minute (and once when a worker starts): resume runs whose worker died, by cancelling the
 * dead job and handing the run to a new one that continues from the last committed page; and
 * start the runs of active configs whose nextSyncAt has come, moving nextSyncAt on.
 */
export function syncMaintenanceQueue(db: DataSource, boss: PgBoss, runs: SyncRunService, log: Logger): QueueDefinition {
  return {
    name: SYNC_MAINTENANCE_QUEUE,
    schedule: '* * * * *',
    // A worker coming back after a crash resumes its runs as soon as their heartbeat is stale,
    // rather than at the next minute that happens to pass the threshold.
    runAfterStartSeconds: ORPHAN_AFTER_SECONDS + 5,
    options: { policy: 'singleton', retryLimit: 0, expireInSeconds: 300 },
    async work() {
      await recoverOrphans(db, boss, log);
      await startDueSyncs(db, runs, log);
      await clearSeenOfEndedRuns(db);
    },
  };
}

/**
 * The ids a full read saw are only needed until its sweep, which clears them; a run that failed
 * or was cancelled before sweeping leaves them behind, so they go here.
 */
export async function clearSeenOfEndedRuns(db: DataSource): Promise<void> {
  await db.query(
    `DELETE FROM sync_run_seen s USING sync_run r
      WHERE r.id = s.sync_run_id AND r.status IN ('COMPLETED', 'FAILED', 'CANCELLED')`,
  );
}

export async function recoverOrphans(db: DataSource, boss: PgBoss, log: Logger): Promise<number> {
  const recorder = new SyncRunRecorder(db);
  const orphans: { id: string; sync_config_id: string; job_id: string | null }[] = await db.query(
    `SELECT id, sync_config_id, job_id FROM sync_run
      WHERE status = 'RUNNING' AND heartbeat_at < now() - make_interval(secs => $1)`,
    [ORPHAN_AFTER_SECONDS],
  );
  for (const run of orphans) {
    if (run.job_id) await cancelSyncRunJob(boss, run.job_id);
    const jobId = await enqueueSyncRun(boss, { runId: run.id, syncConfigId: run.sync_config_id });
    if (!jobId) continue; // another job for this config is already queued
    await recorder.reassignJob(run.id, jobId);
    log.warn({ runId: run.id }, 'resuming a sync run whose worker stopped');
  }
  // A run cancelled while RUNNING keeps its job until its worker notices; if that worker died,
  // the job would hold the config's slot until it expires: cancel it.
  const abandoned: { id: string; job_id: string }[] = await db.query(
    `SELECT id, job_id FROM sync_run
      WHERE status = 'CANCELLED' AND job_id IS NOT NULL AND heartbeat_at < now() - make_interval(secs => $1)`,
    [ORPHAN_AFTER_SECONDS],
  );
  for (const run of abandoned) {
    await cancelSyncRunJob(boss, run.job_id);
    await recorder.forgetAbandonedJob(run.id);
  }
  return orphans.length;
}

async function startDueSyncs(db: DataSource, runs: SyncRunService, log: Logger): Promise<void> {
  // In a CTE so the statement is a SELECT: TypeORM returns [rows, rowCount] for a bare UPDATE.
  const due: { id: string; organization_id: string; frequency: string }[] = await db.query(
    `WITH due AS (
       UPDATE sync_config SET next_sync_at = NULL
        WHERE id IN (SELECT id FROM sync_config WHERE is_active AND next_sync_at <= now() FOR UPDATE SKIP LOCKED)
        RETURNING id, organization_id, frequency)
     SELECT * FROM due`,
  );
  for (const config of due) {
    try {
      await runs.trigger(config.organization_id, config.id, null, SyncTrigger.SCHEDULE);
    } catch (error) {
      log.warn({ syncConfigId: config.id, err: (error as Error).message }, 'scheduled sync could not start');
    }
    let next: Date | null = null;
    try {
      next = nextRunAt(parseFrequency(config.frequency), new Date());
    } catch {
      next = null; // a frequency that no longer parses stops scheduling rather than looping
    }
    await db.query('UPDATE sync_config SET next_sync_at = $2 WHERE id = $1 AND is_active', [config.id, next]);
  }
}
