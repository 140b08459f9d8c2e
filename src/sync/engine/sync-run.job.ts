import type PgBoss from 'pg-boss';
import { ProviderError } from '../../connectors/http/provider-error';
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
 * The whole retry policy of a sync run, in one place. Two kinds of failure, two mechanisms:
 * - a transient provider failure (5xx, 429, network: `retriesLater`) is the executor's: it re-queues
 *   the run (`enqueueSyncRun` with a delay) up to `maxAttempts` attempts, backing off from the configured
 *   base (SYNC_RETRY_BASE_SECONDS) as `retryDelaySeconds` says, and resumes from its last page;
 * - a worker that dies mid-run (its job fails or expires) is pg-boss's: the job is retried
 *   `crashRetries` times, and the executor again resumes from the committed page.
 */
export const SYNC_RUN_RETRY = {
  maxAttempts: 3,
  defaultBaseSeconds: 30,
  crashRetries: 2,
  crashRetryDelaySeconds: 30,
  expireInSeconds: 6 * 3600,
} as const;

/** Whether a run that failed with `error` on attempt `attempts` goes back on the queue (the provider's 5xx or 429, a network error). */
export function retriesLater(error: unknown, attempts: number): boolean {
  if (!(error instanceof ProviderError) || attempts >= SYNC_RUN_RETRY.maxAttempts) return false;
  return error.code === 'RATE_LIMITED' || error.status === null || (error.status ?? 0) >= 500;
}

/** Backoff before attempt `attempts + 1`: base, 2 x base, 4 x base, ... */
export function retryDelaySeconds(attempts: number, baseSeconds: number): number {
  return baseSeconds * 2 ** (attempts - 1);
}

/**
 * The one way a run is put on the queue (a new run, a retry, a recovered orphan): the config id is
 * the singleton key, so with the queue's `stately` policy a config has at most one queued and one
 * active run across every worker. Returns null when another job of the config is queued already.
 * `db` sends the job in the caller's transaction (the run row and its job commit together).
 */
export async function enqueueSyncRun(
  boss: PgBoss,
  run: { runId: string; syncConfigId: string },
  options: { startAfterSeconds?: number; db?: PgBoss.Db } = {},
): Promise<string | null> {
  const { startAfterSeconds, db } = options;
  return boss.send(SYNC_RUN_QUEUE, { runId: run.runId } satisfies SyncRunJob, {
    singletonKey: run.syncConfigId,
    ...(startAfterSeconds ? { startAfter: startAfterSeconds } : {}),
    ...(db ? { db } : {}),
  });
}

/** Takes a run's job off the queue; a job already gone (done, expired, cancelled) is no error. */
export async function cancelSyncRunJob(boss: PgBoss, jobId: string): Promise<void> {
  await boss.cancel(SYNC_RUN_QUEUE, jobId).catch(() => undefined);
}

/**
 * One job per run. The executor resumes a run from its committed page, so a redelivered or
 * recovered job continues rather than restarts.
 */
export function syncRunQueue(executor: RunsSyncJobs): QueueDefinition<SyncRunJob> {
  return {
    name: SYNC_RUN_QUEUE,
    options: {
      policy: 'stately',
      retryLimit: SYNC_RUN_RETRY.crashRetries,
      retryDelay: SYNC_RUN_RETRY.crashRetryDelaySeconds,
      retryBackoff: true,
      expireInSeconds: SYNC_RUN_RETRY.expireInSeconds,
    },
    async work(job) {
      if (typeof job.data?.runId !== 'string') return; // not ours: nothing to retry
      await executor.execute(job.data.runId, job.id);
    },
  };
}
