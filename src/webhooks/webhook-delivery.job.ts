import type PgBoss from 'pg-boss';
import type { QueueDefinition } from '../jobs/queues';

export const WEBHOOK_DELIVERY_QUEUE = 'webhook.deliver';

/** One attempt of one delivery. `attempt` makes a stale job (superseded by a retry or a replay) a no-op. */
export interface DeliveryJobData {
  deliveryId: string;
  attempt: number;
}

/**
 * A job dies with its worker (kill -9 mid-POST): pg-boss expires it after EXPIRE_SECONDS (the
 * 15 s send timeout plus the batch's bookkeeping) and runs it again, with the same delivery and
 * therefore the same webhook-id. These job-level retries are for crashes only; the delivery's own
 * retry policy schedules a new job per attempt.
 */
const EXPIRE_SECONDS = 30;

/** What the queue needs of the worker (WebhookDeliveryWorker), named here so the two do not import each other. */
export interface DeliversWebhooks {
  deliver(items: DeliveryJobData[]): Promise<void>;
}
const CRASH_RETRIES = 10;

export function deliveryJobs(items: DeliveryJobData[], startAfter?: Date): PgBoss.JobInsert<DeliveryJobData>[] {
  return items.map((data) => ({
    name: WEBHOOK_DELIVERY_QUEUE,
    data,
    expireInSeconds: EXPIRE_SECONDS,
    retryLimit: CRASH_RETRIES,
    retryDelay: 1,
    ...(startAfter ? { startAfter } : {}),
  }));
}

export function webhookDeliveryQueue(worker: DeliversWebhooks): QueueDefinition<DeliveryJobData> {
  return {
    name: WEBHOOK_DELIVERY_QUEUE,
    options: { policy: 'standard', expireInSeconds: EXPIRE_SECONDS, retryLimit: CRASH_RETRIES, retryDelay: 1 },
    // Deliveries of a batch are sent concurrently and recorded in one transaction.
    batchSize: 50,
    workers: 2,
    work: (job) => worker.deliver([job.data]),
    workBatch: (jobs) => worker.deliver(jobs.map((job) => job.data)),
  };
}
