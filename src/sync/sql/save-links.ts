import type { Queryable } from '../../db/sql/queryable';
import type { LinkScope } from '../link-scope';
import type { SyncConfigEntity } from '../sync-config.entity';

export interface LinkWrite {
  internalId: string;
  externalId: string;
  /** The agreed CRM-side values of the mapped fields (the next three-way compare's base). */
  data: Record<string, unknown>;
  hash: string;
  /** CONFLICT while a field of the record is held open under MANUAL. */
  status?: 'SYNCED' | 'CONFLICT';
  /** The provider's version (epoch ms) of the external state written, when the read gave one. */
  version?: number | null;
}

/**
 * Upserts links keyed by (organization, provider, account, external object, external id, CRM object); returns their ids by
 * external id. Clears source_hash: the link's values no longer come from reading that raw record,
 * so the next inbound read maps it again. source_version only moves forward (GREATEST skips NULL).
 */
export async function saveLinks(
  db: Queryable,
  scope: LinkScope,
  config: SyncConfigEntity,
  externalObject: string,
  links: LinkWrite[],
): Promise<Map<string, string>> {
  if (!links.length) return new Map();
  const rows: { id: string; external_id: string }[] = await db.query(
    `INSERT INTO external_link (organization_id, connection_id, sync_config_id, provider, account_key, internal_object, internal_id,
                                external_object, external_id, status, last_synced_data, content_hash, source_version, last_synced_at)
     SELECT $1, $2, $3, $4, $8, $5, r.internal_id, $6, r.external_id, r.status, r.data, r.hash, r.version, now()
       FROM jsonb_to_recordset($7::jsonb) AS r(internal_id text, external_id text, status text, data jsonb, hash text, version bigint)
     ON CONFLICT (organization_id, provider, account_key, external_object, external_id, internal_object) DO UPDATE
        SET internal_id = EXCLUDED.internal_id, connection_id = EXCLUDED.connection_id, sync_config_id = EXCLUDED.sync_config_id,
            status = EXCLUDED.status,
            last_synced_data = EXCLUDED.last_synced_data, content_hash = EXCLUDED.content_hash,
            source_hash = NULL, last_synced_at = now(), updated_at = now(),
            source_version = GREATEST(external_link.source_version, EXCLUDED.source_version)
     RETURNING id, external_id`,
    [
      scope.organizationId,
      config.connectionId,
      config.id,
      scope.provider,
      config.targetObject,
      externalObject,
      JSON.stringify(
        links.map((l) => ({
          internal_id: l.internalId,
          external_id: l.externalId,
          status: l.status ?? 'SYNCED',
          data: l.data,
          hash: l.hash,
          version: l.version ?? null,
        })),
      ),
      scope.accountKey,
    ],
  );
  return new Map(rows.map((row) => [row.external_id, row.id]));
}
