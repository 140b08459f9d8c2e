import type { Queryable } from '../../db/sql/queryable';

/** One webhookDeliveryUpdated NOTIFY per delivery, in one statement (sent when the caller commits). */
export async function notifyDeliveryUpdates(db: Queryable, deliveries: { organizationId: string; id: string; subscriptionId: string }[]): Promise<void> {
  await db.query(
    `SELECT pg_notify('integration_changes', json_build_object('topic', 'webhook_delivery', 'organizationId', o, 'id', i, 'parentId', p)::text)
       FROM unnest($1::text[], $2::uuid[], $3::uuid[]) AS n(o, i, p)`,
    [deliveries.map((d) => d.organizationId), deliveries.map((d) => d.id), deliveries.map((d) => d.subscriptionId)],
  );
}
