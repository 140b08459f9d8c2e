import type PgBoss from 'pg-boss';
import type { QueueDefinition } from '../jobs/queues';

export const AUTOMATION_RUN_QUEUE = 'automation.run';

/** One attempt of one run; the run's row says which attempt is due, so a duplicate job is harmless. */
export interface AutomationRunJobData {
  runId: string;
}

/** What the queue needs of the runner (AutomationRunner), named here so the two do not import each other. */
export interface RunsAutomations {
  runBatch(runIds: string[]): Promise<void>;
}

/**
 * A job dies with its worker (kill -9 mid-call): pg-boss expires it and runs it again, and the
 * runner then finds the run RUNNING past its lease. These job-level retries are for crashes only;
 * the automation's retry policy schedules a new job per attempt.
 */
const CRASH_RETRIES = 10;

export function automationRunJobs(items: AutomationRunJobData[], startAfter?: Date, expireInSeconds?: number): PgBoss.JobInsert<AutomationRunJobData>[] {
  return items.map((data) => ({
    name: AUTOMATION_RUN_QUEUE,
    data,
    retryLimit: CRASH_RETRIES,
    retryDelay: 1,
    ...(expireInSeconds ? { expireInSeconds } : {}),
    ...(startAfter ? { startAfter } : {}),
  }));
}

/** `expireSeconds`: the run's lease (AUTOMATION_RUN_TIMEOUT_SECONDS plus a margin), so pg-boss retries only what has stopped. */
export function automationRunQueue(runner: RunsAutomations, expireSeconds: number): QueueDefinition<AutomationRunJobData> {
  return {
    name: AUTOMATION_RUN_QUEUE,
    options: { policy: 'standard', expireInSeconds: expireSeconds, retryLimit: CRASH_RETRIES, retryDelay: 1 },
    // Runs of a batch go concurrently: most of a run's time is the provider's answer or the budget's wait.
    batchSize: 50,
    workers: 2,
    work: (job) => runner.runBatch([job.data.runId]),
    workBatch: (jobs) => runner.runBatch(jobs.map((job) => job.data.runId)),
  };
}
