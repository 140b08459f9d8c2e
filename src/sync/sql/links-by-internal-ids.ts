import type { Queryable } from '../../db/sql/queryable';
import type { SyncConfigEntity } from '../sync-config.entity';
import { LINK_COLUMNS, LinkRow, toLink } from './link-row';

/** The links of these CRM records to the config's external object, by internal id. */
export async function linksByInternalIds(
  db: Queryable,
  config: SyncConfigEntity,
  externalObject: string,
  internalIds: string[],
): Promise<Map<string, LinkRow>> {
  if (!internalIds.length) return new Map();
  // Per id, as LINK_BY_ID and for the same reason; the most recently synced link wins if a
  // record ever has two.
  const rows = await db.query(
    `SELECT ${LINK_COLUMNS} FROM unnest($3::text[]) AS page(internal_id)
     CROSS JOIN LATERAL (
       SELECT * FROM external_link l
        WHERE l.organization_id = $1 AND l.internal_object = $2 AND l.internal_id = page.internal_id AND l.connection_id = $4 AND l.external_object = $5
        ORDER BY l.updated_at DESC LIMIT 1) l`,
    [config.organizationId, config.targetObject, internalIds, config.connectionId, externalObject],
  );
  return new Map(rows.map((row: never) => [toLink(row).internalId, toLink(row)]));
}
