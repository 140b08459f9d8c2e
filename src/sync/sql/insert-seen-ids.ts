import type { Queryable } from '../../db/sql/queryable';

/** The ids one page of a complete read saw (bidirectional runs; the inbound page commit inserts them itself). */
export async function insertSeenIds(db: Queryable, organizationId: string, runId: string, externalIds: string[]): Promise<void> {
  await db.query('INSERT INTO sync_run_seen (organization_id, sync_run_id, external_ids) VALUES ($1, $2, $3::text[])', [organizationId, runId, externalIds]);
}
