/** What the outbound and bidirectional engines need of an external_link row. */
export interface LinkRow {
  id: string;
  internalId: string;
  externalId: string;
  lastSyncedData: Record<string, unknown> | null;
  contentHash: string | null;
  /** DELETED once a complete read no longer listed the external record. */
  status: string;
  /** The provider's version (epoch ms) of the state last written, or null when unknown. */
  sourceVersion: number | null;
}

/** The columns a LinkRow is read from (external_link as `l`). */
export const LINK_COLUMNS = 'l.id, l.internal_id, l.external_id, l.last_synced_data, l.content_hash, l.status, l.source_version';

export const toLink = (row: {
  id: string;
  internal_id: string;
  external_id: string;
  last_synced_data: Record<string, unknown> | null;
  content_hash: string | null;
  status: string;
  source_version?: string | number | null;
}): LinkRow => ({
  id: row.id,
  internalId: row.internal_id,
  externalId: row.external_id,
  lastSyncedData: row.last_synced_data,
  contentHash: row.content_hash,
  status: row.status,
  sourceVersion: row.source_version === null || row.source_version === undefined ? null : Number(row.source_version),
});
