import type { DataSource, EntityManager } from 'typeorm';
import type { SyncConfigEntity } from '../sync-config.entity';
import type { FieldConflict } from './three-way-merge';

type Queryable = Pick<DataSource | EntityManager, 'query'>;

/** What the outbound and bidirectional engines need of an external_link row. */
export interface LinkRow {
  id: string;
  internalId: string;
  externalId: string;
  lastSyncedData: Record<string, unknown> | null;
  contentHash: string | null;
  /** DELETED once a complete read no longer listed the external record. */
  status: string;
}

export interface LinkWrite {
  internalId: string;
  externalId: string;
  /** The agreed CRM-side values of the mapped fields (the next three-way compare's base). */
  data: Record<string, unknown>;
  hash: string;
  /** CONFLICT while a field of the record is held open under MANUAL. */
  status?: 'SYNCED' | 'CONFLICT';
}

const COLUMNS = 'l.id, l.internal_id, l.external_id, l.last_synced_data, l.content_hash, l.status';
const toLink = (row: {
  id: string;
  internal_id: string;
  external_id: string;
  last_synced_data: Record<string, unknown> | null;
  content_hash: string | null;
  status: string;
}): LinkRow => ({
  id: row.id,
  internalId: row.internal_id,
  externalId: row.external_id,
  lastSyncedData: row.last_synced_data,
  contentHash: row.content_hash,
  status: row.status,
});

/**
 * The link of each id of `page(external_id)` on connection $1 and object $2, one unique-index probe
 * per id. Not `external_id = ANY($3)`: until the links are analyzed (a first sync outruns
 * autovacuum) the planner expects (connection, object) to match one row, probes the index on
 * those two columns only and filters every link of the object for every page; the LIMIT keeps
 * the lookup a per-id probe on all three columns whatever the statistics say (measured at
 * 20,000 links: 14 ms → under 1 ms a page).
 */
export const LINK_BY_ID = `CROSS JOIN LATERAL (
  SELECT * FROM external_link l WHERE l.connection_id = $1 AND l.external_object = $2 AND l.external_id = page.external_id LIMIT 1) l`;

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
    `SELECT ${COLUMNS} FROM unnest($3::text[]) AS page(internal_id)
     CROSS JOIN LATERAL (
       SELECT * FROM external_link l
        WHERE l.organization_id = $1 AND l.internal_object = $2 AND l.internal_id = page.internal_id AND l.connection_id = $4 AND l.external_object = $5
        ORDER BY l.updated_at DESC LIMIT 1) l`,
    [config.organizationId, config.targetObject, internalIds, config.connectionId, externalObject],
  );
  return new Map(rows.map((row: never) => [toLink(row).internalId, toLink(row)]));
}

/** The links of these external records, by external id (the DESIGN.md idempotency key). */
export async function linksByExternalIds(
  db: Queryable,
  config: SyncConfigEntity,
  externalObject: string,
  externalIds: string[],
): Promise<Map<string, LinkRow>> {
  if (!externalIds.length) return new Map();
  const rows = await db.query(`SELECT ${COLUMNS} FROM unnest($3::text[]) AS page(external_id) ${LINK_BY_ID}`, [
    config.connectionId,
    externalObject,
    externalIds,
  ]);
  return new Map(rows.map((row: never) => [toLink(row).externalId, toLink(row)]));
}

/**
 * Upserts links keyed by (connection, external object, external id); returns their ids by
 * external id. Clears source_hash: the link's values no longer come from reading that raw record,
 * so the next inbound read maps it again.
 */
export async function saveLinks(
  db: Queryable,
  provider: string,
  config: SyncConfigEntity,
  externalObject: string,
  links: LinkWrite[],
): Promise<Map<string, string>> {
  if (!links.length) return new Map();
  const rows: { id: string; external_id: string }[] = await db.query(
    `INSERT INTO external_link (organization_id, connection_id, sync_config_id, provider, internal_object, internal_id,
                                external_object, external_id, status, last_synced_data, content_hash, last_synced_at)
     SELECT $1, $2, $3, $4, $5, r.internal_id, $6, r.external_id, r.status, r.data, r.hash, now()
       FROM jsonb_to_recordset($7::jsonb) AS r(internal_id text, external_id text, status text, data jsonb, hash text)
     ON CONFLICT (connection_id, external_object, external_id) DO UPDATE
        SET internal_id = EXCLUDED.internal_id, sync_config_id = EXCLUDED.sync_config_id, status = EXCLUDED.status,
            last_synced_data = EXCLUDED.last_synced_data, content_hash = EXCLUDED.content_hash,
            source_hash = NULL, last_synced_at = now(), updated_at = now()
     RETURNING id, external_id`,
    [
      config.organizationId,
      config.connectionId,
      config.id,
      provider,
      config.targetObject,
      externalObject,
      JSON.stringify(links.map((l) => ({ internal_id: l.internalId, external_id: l.externalId, status: l.status ?? 'SYNCED', data: l.data, hash: l.hash }))),
    ],
  );
  return new Map(rows.map((row) => [row.external_id, row.id]));
}

/**
 * Records MANUAL conflicts as OPEN SyncConflict rows. One open row per (config, external record,
 * field): a later run that still finds the conflict refreshes its values instead of adding a copy.
 */
export async function holdConflicts(
  db: Queryable,
  config: SyncConfigEntity,
  link: { id: string | null; internalId: string; externalId: string },
  conflicts: FieldConflict[],
): Promise<void> {
  if (!conflicts.length) return;
  await db.query(
    `INSERT INTO sync_conflict (organization_id, sync_config_id, external_link_id, external_id, internal_id, field, base_value, source_value, target_value, status)
     SELECT $1, $2, $3, $4, $5, c.field, c.base, c.source, c.target, 'OPEN'
       FROM jsonb_to_recordset($6::jsonb) AS c(field text, base jsonb, source jsonb, target jsonb)
     ON CONFLICT (sync_config_id, external_id, field) WHERE status = 'OPEN' DO UPDATE
        SET external_link_id = EXCLUDED.external_link_id, internal_id = EXCLUDED.internal_id, base_value = EXCLUDED.base_value,
            source_value = EXCLUDED.source_value, target_value = EXCLUDED.target_value`,
    [config.organizationId, config.id, link.id, link.externalId, link.internalId, JSON.stringify(conflicts)],
  );
}
