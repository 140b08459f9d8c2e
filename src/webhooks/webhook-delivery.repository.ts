import type { EntityManager } from 'typeorm';
import { PgPubSub } from '../realtime/pg-pubsub';
import type { Outcome } from './delivery-outcome';
import type { SendResult } from './webhook-sender';
import { RetryPolicy, WebhookDeliveryStatus, WebhookStatus } from './webhook.enums';

/** A delivery as the worker needs it, with its subscription's target and (sealed) secrets. */
export interface DeliveryToSend {
  id: string;
  organizationId: string;
  subscriptionId: string;
  messageId: string;
  payload: unknown;
  status: WebhookDeliveryStatus;
  attemptCount: number;
  targetUrl: string;
  subscriptionStatus: WebhookStatus;
  retryPolicy: RetryPolicy;
  maxRetries: number;
  secretSealed: string;
  previousSecretSealed: string | null;
  previousSecretExpiresAt: Date | null;
}

export interface AttemptRecord {
  delivery: DeliveryToSend;
  attemptNumber: number;
  at: Date;
  result: SendResult;
  outcome: Outcome;
}

/** A subscription stops after this long with every attempt failing (DESIGN.md). */
const DISABLE_AFTER_FAILING = '5 days';

export async function loadDeliveries(db: EntityManager, ids: string[]): Promise<DeliveryToSend[]> {
  return db.query(
    `SELECT d.id, d.organization_id AS "organizationId", d.subscription_id AS "subscriptionId", d.message_id AS "messageId",
            d.payload, d.status, d.attempt_count AS "attemptCount",
            s.target_url AS "targetUrl", s.status AS "subscriptionStatus", s.retry_policy AS "retryPolicy", s.max_retries AS "maxRetries",
            s.secret_encrypted AS "secretSealed", s.previous_secret_encrypted AS "previousSecretSealed",
            s.previous_secret_expires_at AS "previousSecretExpiresAt"
       FROM webhook_delivery d JOIN webhook_subscription s ON s.id = d.subscription_id AND s.organization_id = d.organization_id
      WHERE d.id = ANY($1::uuid[])`,
    [ids],
  );
}

/**
 * Records a batch of attempts in one transaction: the attempt rows, each delivery's new state,
 * the subscriptions' health (FAILED while failing, back to ACTIVE on a success, DISABLED after a
 * 410 or five days of failures) and one NOTIFY per delivery for webhookDeliveryUpdated.
 * A delivery already past this attempt (a concurrent duplicate job) is left as it is.
 */
export async function recordAttempts(tx: EntityManager, records: AttemptRecord[]): Promise<void> {
  if (!records.length) return;
  const col = <T>(pick: (r: AttemptRecord) => T) => records.map(pick);
  await tx.query(
    `INSERT INTO webhook_attempt (organization_id, delivery_id, attempt_number, at, response_status, response_body, duration_ms, error)
     SELECT * FROM unnest($1::text[], $2::uuid[], $3::int[], $4::timestamptz[], $5::int[], $6::text[], $7::int[], $8::text[])
     ON CONFLICT (delivery_id, attempt_number) DO NOTHING`,
    [
      col((r) => r.delivery.organizationId),
      col((r) => r.delivery.id),
      col((r) => r.attemptNumber),
      col((r) => r.at),
      col((r) => r.result.status),
      col((r) => r.result.body),
      col((r) => Math.round(r.result.durationMs)),
      col((r) => r.result.error),
    ],
  );
  await tx.query(
    `UPDATE webhook_delivery d
        SET status = v.status, attempt_count = v.attempt, next_attempt_at = v.next_at, delivered_at = v.delivered_at, updated_at = now()
       FROM unnest($1::uuid[], $2::text[], $3::int[], $4::timestamptz[], $5::timestamptz[]) AS v(id, status, attempt, next_at, delivered_at)
      WHERE d.id = v.id AND d.attempt_count < v.attempt`,
    [
      col((r) => r.delivery.id),
      col((r) => r.outcome.status),
      col((r) => r.attemptNumber),
      col((r) => r.outcome.nextAttemptAt),
      col((r) => r.outcome.deliveredAt),
    ],
  );
  // lastTriggeredAt moves here, once per batch, not in the publishing transaction: there every
  // concurrent publisher would queue on the subscription's row lock.
  for (const [subscriptionId, last] of lastPerSubscription(records)) await updateHealth(tx, subscriptionId, last);
  await tx.query(
    `SELECT pg_notify('integration_changes', json_build_object('topic', 'webhook_delivery', 'organizationId', o, 'id', i, 'parentId', p)::text)
       FROM unnest($1::text[], $2::uuid[], $3::uuid[]) AS n(o, i, p)`,
    [col((r) => r.delivery.organizationId), col((r) => r.delivery.id), col((r) => r.delivery.subscriptionId)],
  );
}

/** Deliveries that cannot be sent (their subscription was paused or disabled) end FAILED without an attempt. */
export async function failUnsendable(tx: EntityManager, deliveries: DeliveryToSend[]): Promise<void> {
  if (!deliveries.length) return;
  await tx.query(
    `UPDATE webhook_delivery SET status = 'FAILED', next_attempt_at = NULL, updated_at = now() WHERE id = ANY($1::uuid[]) AND status IN ('PENDING', 'RETRYING')`,
    [deliveries.map((d) => d.id)],
  );
  for (const d of deliveries) await PgPubSub.notify(tx, { topic: 'webhook_delivery', organizationId: d.organizationId, id: d.id, parentId: d.subscriptionId });
}

function lastPerSubscription(records: AttemptRecord[]): Map<string, AttemptRecord> {
  const last = new Map<string, AttemptRecord>();
  for (const r of records) {
    const seen = last.get(r.delivery.subscriptionId);
    // A 410 anywhere in the batch disables, whatever came after it.
    if (!seen || !seen.outcome.disableReason) last.set(r.delivery.subscriptionId, r);
  }
  return last;
}

async function updateHealth(tx: EntityManager, subscriptionId: string, last: AttemptRecord): Promise<void> {
  if (last.outcome.disableReason) {
    await tx.query(
      `UPDATE webhook_subscription SET status = 'DISABLED', disabled_reason = $2, last_triggered_at = GREATEST(last_triggered_at, $3), updated_at = now()
        WHERE id = $1 AND status <> 'DISABLED'`,
      [subscriptionId, last.outcome.disableReason, last.at],
    );
  } else if (last.result.ok) {
    await tx.query(
      `UPDATE webhook_subscription SET failing_since = NULL, status = CASE WHEN status = 'FAILED' THEN 'ACTIVE' ELSE status END,
              last_triggered_at = GREATEST(last_triggered_at, $2), updated_at = now()
        WHERE id = $1`,
      [subscriptionId, last.at],
    );
  } else {
    await tx.query(
      `UPDATE webhook_subscription
          SET failing_since = COALESCE(failing_since, $2), last_triggered_at = GREATEST(last_triggered_at, $2),
              status = CASE WHEN COALESCE(failing_since, $2) <= $2 - $3::interval THEN 'DISABLED'
                            WHEN status = 'ACTIVE' THEN 'FAILED' ELSE status END,
              disabled_reason = CASE WHEN COALESCE(failing_since, $2) <= $2 - $3::interval
                                     THEN 'Every delivery attempt failed for ${DISABLE_AFTER_FAILING}' ELSE disabled_reason END,
              updated_at = now()
        WHERE id = $1 AND status IN ('ACTIVE', 'FAILED')`,
      [subscriptionId, last.at, DISABLE_AFTER_FAILING],
    );
  }
}
