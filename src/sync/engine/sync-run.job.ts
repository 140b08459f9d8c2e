import type { QueueDefinition } from '../../jobs/queues';

export const SYNC_RUN_QUEUE = 'sync.run';

export interface SyncRunJob {
  runId: string;
}

/** What the queue needs of the executor (SyncRunExecutor), named here so the two do not import each other. */
export interface RunsSyncJobs {
  execute(runId: string, jobId: string): Promise<void>;
}

/**
 * One job per run. `stately` with the config id as singleton key: at most one queued and one
 * active run per config across every worker (DESIGN.md). The executor resumes a run from its
 * committed page, so a redelivered or recovered job continues rather than restarts.
 */
export function syncRunQueue(executor: RunsSyncJobs): QueueDefinition<SyncRunJob> {
  return {
    name: SYNC_RUN_QUEUE,
    options: { policy: 'stately', retryLimit: 2, retryDelay: 30, retryBackoff: true, expireInSeconds: 6 * 3600 },
    async work(job) {
      if (typeof job.data?.runId !== 'string') return; // not ours: nothing to retry
      await executor.execute(job.data.runId, job.id);
    },
  };
}
