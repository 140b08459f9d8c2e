import type { Queryable } from '../../db/sql/queryable';

/** One delivery of a batch: an event to a subscription, with its webhook-id and body. */
export interface BatchDelivery {
  eventId: string;
  eventType: string;
  subscriptionId: string;
  messageId: string;
  payload: unknown;
}

/**
 * The deliveries of a batch of events (insert-events.ts) and their NOTIFYs (sent on commit), in
 * one statement, as insert-deliveries.ts does for one event. A subscription not of the
 * organization gets none.
 */
export function insertBatchDeliveries(db: Queryable, organizationId: string, deliveries: BatchDelivery[], channel: string): Promise<{ id: string }[]> {
  const rows = deliveries.map((d) => ({
    event_id: d.eventId,
    event_type: d.eventType,
    subscription_id: d.subscriptionId,
    message_id: d.messageId,
    payload: d.payload,
  }));
  return db.query(
    `WITH d AS (
         INSERT INTO webhook_delivery (organization_id, subscription_id, event_id, message_id, event_type, payload, next_attempt_at)
         SELECT $1, s.id, m.event_id, m.message_id, m.event_type, m.payload, now()
           FROM jsonb_to_recordset($2::jsonb) AS m(event_id uuid, event_type text, subscription_id uuid, message_id text, payload jsonb)
           JOIN webhook_subscription s ON s.id = m.subscription_id AND s.organization_id = $1
         RETURNING id, subscription_id)
       SELECT d.id, pg_notify($3, ` +
      `json_build_object('topic', 'webhook_delivery', 'organizationId', $1::text, 'id', d.id, 'parentId', d.subscription_id)::text) FROM d`,
    [organizationId, JSON.stringify(rows), channel],
  );
}
