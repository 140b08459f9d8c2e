import type { Queryable } from '../../db/sql/queryable';

/**
 * A resolved field becomes part of the link's agreed values (the next three-way compare's base).
 * The link stays CONFLICT while another field of the same record is still held.
 */
export async function settleConflictLink(
  manager: Queryable,
  linkId: string,
  data: Record<string, unknown>,
  hash: string,
  resolvedConflictId: string,
): Promise<void> {
  await manager.query(
    `UPDATE external_link SET last_synced_data = $2::jsonb, content_hash = $3, source_hash = NULL, last_synced_at = now(), updated_at = now(),
                  status = CASE WHEN EXISTS (SELECT 1 FROM sync_conflict WHERE external_link_id = $1 AND status = 'OPEN' AND id <> $4) ` +
      `THEN 'CONFLICT' ELSE 'SYNCED' END
            WHERE id = $1`,
    [linkId, JSON.stringify(data), hash, resolvedConflictId],
  );
}
