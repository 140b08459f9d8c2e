import type PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import { DataSource } from 'typeorm';
import type { QueueDefinition } from '../../jobs/queues';
import { nextRunAt, parseFrequency } from '../schedule/frequency';
import type { SyncRunService } from '../sync-run.service';
import { claimDueConfigs } from '../sql/claim-due-configs';
import { clearSeenOfEndedRuns } from '../sql/clear-seen-of-ended-runs';
import { setNextSyncAt } from '../sql/set-next-sync-at';
import { abandonedRuns, orphanedRuns } from '../sql/stale-runs';
import { SyncTrigger } from '../sync.enums';
import { cancelSyncRunJob, enqueueSyncRun } from './sync-run.job';
import { SyncRunRecorder } from './sync-run.recorder';

/** Run by the maintenance job; exported from here too, where its tests find it. */
export { clearSeenOfEndedRuns };

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

export async function recoverOrphans(db: DataSource, boss: PgBoss, log: Logger): Promise<number> {
  const recorder = new SyncRunRecorder(db);
  const orphans = await orphanedRuns(db, ORPHAN_AFTER_SECONDS);
  for (const run of orphans) {
    if (run.job_id) await cancelSyncRunJob(boss, run.job_id);
    const jobId = await enqueueSyncRun(boss, { runId: run.id, syncConfigId: run.sync_config_id });
    if (!jobId) continue; // another job for this config is already queued
    await recorder.reassignJob(run.id, jobId);
    log.warn({ runId: run.id }, 'resuming a sync run whose worker stopped');
  }
  // A run cancelled while RUNNING keeps its job until its worker notices; if that worker died,
  // the job would hold the config's slot until it expires: cancel it.
  const abandoned = await abandonedRuns(db, ORPHAN_AFTER_SECONDS);
  for (const run of abandoned) {
    await cancelSyncRunJob(boss, run.job_id);
    await recorder.forgetAbandonedJob(run.id);
  }
  return orphans.length;
}

async function startDueSyncs(db: DataSource, runs: SyncRunService, log: Logger): Promise<void> {
  const due = await claimDueConfigs(db);
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
    await setNextSyncAt(db, config.id, next);
  }
}
