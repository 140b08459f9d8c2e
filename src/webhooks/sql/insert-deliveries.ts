import type { Queryable } from '../../db/sql/queryable';

/**
 * Deliveries of an event to these subscriptions (each with its webhook-id) and their NOTIFYs
 * (sent on commit), in one statement. A subscription not of the organization gets none.
 */
export function insertDeliveries(
  db: Queryable,
  organizationId: string,
  event: { id: string; type: string },
  body: unknown,
  subscriptionIds: string[],
  messageIds: string[],
  channel: string,
): Promise<{ id: string }[]> {
  return db.query(
    `WITH d AS (
         INSERT INTO webhook_delivery (organization_id, subscription_id, event_id, message_id, event_type, payload, next_attempt_at)
         SELECT $1, s.id, $2, m.message_id, $3, $4::jsonb, now()
           FROM unnest($5::uuid[], $6::text[]) AS m(subscription_id, message_id)
           JOIN webhook_subscription s ON s.id = m.subscription_id AND s.organization_id = $1
         RETURNING id, subscription_id)
       SELECT d.id, pg_notify($7, ` +
      `json_build_object('topic', 'webhook_delivery', 'organizationId', $1::text, 'id', d.id, 'parentId', d.subscription_id)::text) FROM d`,
    [organizationId, event.id, event.type, JSON.stringify(body), subscriptionIds, messageIds, channel],
  );
}
