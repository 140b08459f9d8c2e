import type { Queryable } from '../../db/sql/queryable';
import type { LinkScope } from '../link-scope';
import { LINK_BY_ID, scopeParams } from './link-by-id';
import { LINK_COLUMNS, LinkRow, toLink } from './link-row';

/** The links of these external records, by external id (the DESIGN.md idempotency key). */
export async function linksByExternalIds(
  db: Queryable,
  scope: LinkScope,
  externalObject: string,
  internalObject: string,
  externalIds: string[],
): Promise<Map<string, LinkRow>> {
  if (!externalIds.length) return new Map();
  const rows = await db.query(`SELECT ${LINK_COLUMNS} FROM unnest($6::text[]) AS page(external_id) ${LINK_BY_ID}`, [
    ...scopeParams(scope),
    externalObject,
    internalObject,
    externalIds,
  ]);
  return new Map(rows.map((row: never) => [toLink(row).externalId, toLink(row)]));
}
