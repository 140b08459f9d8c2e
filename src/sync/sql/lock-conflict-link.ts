import type { Queryable } from '../../db/sql/queryable';
import type { LinkScope } from '../link-scope';

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
  scope: LinkScope,
  link: { externalObject: string; internalObject: string; externalId: string },
): Promise<ConflictLinkRow | null> {
  const [row] = await manager.query(
    `SELECT id, internal_id, last_synced_data FROM external_link
          WHERE ($1::uuid IS NOT NULL AND id = $1) OR (organization_id = $5 AND provider = $6 AND account_key = $2 AND external_object = $3 AND external_id = $4 AND internal_object = $7)
          ORDER BY (id = $1) DESC NULLS LAST LIMIT 1 FOR UPDATE`,
    [externalLinkId, scope.accountKey, link.externalObject, link.externalId, scope.organizationId, scope.provider, link.internalObject],
  );
  return row ?? null;
}
