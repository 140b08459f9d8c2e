import type { Queryable } from '../../db/sql/queryable';

/**
 * A subscription's deliveries created in [since, until) (until open when null), oldest first, at
 * most `limit`, locked until the caller's transaction ends so a replay re-queues each once.
 */
export async function lockReplayDeliveries(
  db: Queryable,
  organizationId: string,
  subscriptionId: string,
  since: Date,
  until: Date | null,
  limit: number,
): Promise<string[]> {
  const rows: { id: string }[] = await db.query(
    `SELECT id FROM webhook_delivery
          WHERE organization_id = $1 AND subscription_id = $2 AND created_at >= $3 AND ($4::timestamptz IS NULL OR created_at < $4)
          ORDER BY created_at, id LIMIT $5 FOR UPDATE`,
    [organizationId, subscriptionId, since, until, limit],
  );
  return rows.map((r) => r.id);
}
