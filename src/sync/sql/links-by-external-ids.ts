import type { Queryable } from '../../db/sql/queryable';
import type { SyncConfigEntity } from '../sync-config.entity';
import { LINK_BY_ID } from './link-by-id';
import { LINK_COLUMNS, LinkRow, toLink } from './link-row';

/** The links of these external records, by external id (the DESIGN.md idempotency key). */
export async function linksByExternalIds(
  db: Queryable,
  config: SyncConfigEntity,
  externalObject: string,
  externalIds: string[],
): Promise<Map<string, LinkRow>> {
  if (!externalIds.length) return new Map();
  const rows = await db.query(`SELECT ${LINK_COLUMNS} FROM unnest($3::text[]) AS page(external_id) ${LINK_BY_ID}`, [
    config.connectionId,
    externalObject,
    externalIds,
  ]);
  return new Map(rows.map((row: never) => [toLink(row).externalId, toLink(row)]));
}
