import type { Queryable } from '../../db/sql/queryable';

export interface ConflictLinkRow {
  id: string;
  internal_id: string;
  last_synced_data: Record<string, unknown> | null;
}

/**
 * The link a conflict is about, locked for the caller's transaction: the one it names, else the
 * link of its external record (the named link may have been replaced since the conflict was held).
 */
export async function lockConflictLink(
  manager: Queryable,
  externalLinkId: string | null,
  link: { connectionId: string; externalObject: string; externalId: string },
): Promise<ConflictLinkRow | null> {
  const [row] = await manager.query(
    `SELECT id, internal_id, last_synced_data FROM external_link
          WHERE ($1::uuid IS NOT NULL AND id = $1) OR (connection_id = $2 AND external_object = $3 AND external_id = $4)
          ORDER BY (id = $1) DESC NULLS LAST LIMIT 1 FOR UPDATE`,
    [externalLinkId, link.connectionId, link.externalObject, link.externalId],
  );
  return row ?? null;
}
