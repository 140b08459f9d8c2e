import type { Queryable } from '../../db/sql/queryable';

/** Deliveries still owed whose subscription can no longer receive: FAILED, no attempt, no next one. */
export async function failUnsendableDeliveries(db: Queryable, ids: string[]): Promise<void> {
  await db.query(
    `UPDATE webhook_delivery SET status = 'FAILED', next_attempt_at = NULL, updated_at = now() ` +
      `WHERE id = ANY($1::uuid[]) AND status IN ('PENDING', 'RETRYING')`,
    [ids],
  );
}
