import type { Queryable } from '../../db/sql/queryable';

export interface AttemptRow {
  organizationId: string;
  deliveryId: string;
  attemptNumber: number;
  at: Date;
  responseStatus: number | null;
  responseBody: string | null;
  durationMs: number;
  error: string | null;
}

/** A batch of attempts in one statement; an attempt already recorded (a duplicate job) is skipped. */
export async function insertAttempts(db: Queryable, attempts: AttemptRow[]): Promise<void> {
  await db.query(
    `INSERT INTO webhook_attempt (organization_id, delivery_id, attempt_number, at, response_status, response_body, duration_ms, error)
     SELECT * FROM unnest($1::text[], $2::uuid[], $3::int[], $4::timestamptz[], $5::int[], $6::text[], $7::int[], $8::text[])
     ON CONFLICT (delivery_id, attempt_number) DO NOTHING`,
    [
      attempts.map((a) => a.organizationId),
      attempts.map((a) => a.deliveryId),
      attempts.map((a) => a.attemptNumber),
      attempts.map((a) => a.at),
      attempts.map((a) => a.responseStatus),
      attempts.map((a) => a.responseBody),
      attempts.map((a) => a.durationMs),
      attempts.map((a) => a.error),
    ],
  );
}
