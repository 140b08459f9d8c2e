import type { Queryable } from '../../db/sql/queryable';
import type { LinkScope } from '../link-scope';
import { scopeParams } from './link-by-id';
import { LINK_COLUMNS, LinkRow, toLink } from './link-row';

/** The links of these CRM records (of `internalObject`) to the external object on the provider account, by internal id. */
export async function linksByInternalIds(
  db: Queryable,
  scope: LinkScope,
  internalObject: string,
  externalObject: string,
  internalIds: string[],
): Promise<Map<string, LinkRow>> {
  if (!internalIds.length) return new Map();
  // Per id, as LINK_BY_ID and for the same reason; the most recently synced link wins if a
  // record ever has two.
  const rows = await db.query(
    `SELECT ${LINK_COLUMNS} FROM unnest($6::text[]) AS page(internal_id)
     CROSS JOIN LATERAL (
       SELECT * FROM external_link l
        WHERE l.organization_id = $1 AND l.internal_object = $4 AND l.internal_id = page.internal_id
          AND l.provider = $2 AND l.account_key = $3 AND l.external_object = $5
        ORDER BY l.updated_at DESC LIMIT 1) l`,
    [...scopeParams(scope), internalObject, externalObject, internalIds],
  );
  return new Map(rows.map((row: never) => [toLink(row).internalId, toLink(row)]));
}
