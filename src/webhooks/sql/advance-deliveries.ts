import type { Queryable } from '../../db/sql/queryable';
import type { WebhookDeliveryStatus } from '../webhook.enums';

export interface DeliveryAdvance {
  id: string;
  status: WebhookDeliveryStatus;
  /** The attempt that produced this state. */
  attempt: number;
  nextAttemptAt: Date | null;
  deliveredAt: Date | null;
}

/**
 * Each delivery's state after an attempt, in one statement. A delivery already past this attempt
 * (a concurrent duplicate job) is left as it is.
 */
export async function advanceDeliveries(db: Queryable, changes: DeliveryAdvance[]): Promise<void> {
  await db.query(
    `UPDATE webhook_delivery d
        SET status = v.status, attempt_count = v.attempt, next_attempt_at = v.next_at, delivered_at = v.delivered_at, updated_at = now()
       FROM unnest($1::uuid[], $2::text[], $3::int[], $4::timestamptz[], $5::timestamptz[]) AS v(id, status, attempt, next_at, delivered_at)
      WHERE d.id = v.id AND d.attempt_count < v.attempt`,
    [
      changes.map((c) => c.id),
      changes.map((c) => c.status),
      changes.map((c) => c.attempt),
      changes.map((c) => c.nextAttemptAt),
      changes.map((c) => c.deliveredAt),
    ],
  );
}
