import type { Queryable } from '../../db/sql/queryable';

/** Re-points a config's links at the connection it moved to (both reach the same provider account). */
export async function moveConfigLinks(db: Queryable, organizationId: string, syncConfigId: string, connectionId: string): Promise<void> {
  await db.query('UPDATE external_link SET connection_id = $3, updated_at = now() WHERE organization_id = $1 AND sync_config_id = $2', [
    organizationId,
    syncConfigId,
    connectionId,
  ]);
}

/** How many links a config has: moving it to another account would leave them pointing at the wrong records. */
export async function countConfigLinks(db: Queryable, organizationId: string, syncConfigId: string): Promise<number> {
  const rows: { n: number }[] = await db.query('SELECT count(*)::int AS n FROM external_link WHERE organization_id = $1 AND sync_config_id = $2', [
    organizationId,
    syncConfigId,
  ]);
  return rows[0].n;
}
