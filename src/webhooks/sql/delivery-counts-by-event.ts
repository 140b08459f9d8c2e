import type { Queryable } from '../../db/sql/queryable';

/** How many deliveries each event fanned out to, for a batch of events (IntegrationEvent.deliveryCount). */
export async function deliveryCountsByEvent(db: Queryable, organizationId: string, eventIds: readonly string[]): Promise<Map<string, number>> {
  const rows: { event_id: string; n: string }[] = await db.query(
    'SELECT event_id, count(*) AS n FROM webhook_delivery WHERE organization_id = $1 AND event_id = ANY($2::uuid[]) GROUP BY event_id',
    [organizationId, [...new Set(eventIds)]],
  );
  return new Map(rows.map((row) => [row.event_id, Number(row.n)]));
}
