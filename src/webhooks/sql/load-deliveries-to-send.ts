import type { Queryable } from '../../db/sql/queryable';
import type { RetryPolicy, WebhookDeliveryStatus, WebhookStatus } from '../webhook.enums';

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

/**
 * The deliveries a batch of jobs names, each joined to its own organization's subscription. By id
 * alone: job ids come from the outbox, which wrote them for their organization.
 */
export function loadDeliveriesToSend(db: Queryable, ids: string[]): Promise<DeliveryToSend[]> {
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
