import type PgBoss from 'pg-boss';

/**
 * A pg-boss queue: its name, its policy and retry options, an optional schedule, and the
 * handler. Each queue is one `<queue>.job.ts` file under its capability; the process registers
 * them all (workers only where ROLE runs them).
 */
export interface QueueDefinition<T = unknown> {
  name: string;
  options?: Omit<PgBoss.Queue, 'name'>;
  /** A 5-field cron on which pg-boss (in worker processes) sends an empty job. */
  schedule?: string;
  /** Also run once this many seconds after a worker starts (not only on the schedule). */
  runAfterStartSeconds?: number;
  /** How many jobs one worker fetches at once. */
  batchSize?: number;
  /** How many workers this process runs for the queue (default 1). */
  workers?: number;
  work(job: PgBoss.Job<T>): Promise<void>;
  /** Handles a whole fetched batch at once instead of job by job (work is then unused by workers). */
  workBatch?(jobs: PgBoss.Job<T>[]): Promise<void>;
}
