import type { Queryable } from '../../db/sql/queryable';
import type { FieldConflict } from '../engine/three-way-merge';
import type { SyncConfigEntity } from '../sync-config.entity';

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
    `INSERT INTO sync_conflict (organization_id, sync_config_id, external_link_id, external_id, internal_id, ` +
      `field, base_value, source_value, target_value, status)
     SELECT $1, $2, $3, $4, $5, c.field, c.base, c.source, c.target, 'OPEN'
       FROM jsonb_to_recordset($6::jsonb) AS c(field text, base jsonb, source jsonb, target jsonb)
     ON CONFLICT (sync_config_id, external_id, field) WHERE status = 'OPEN' DO UPDATE
        SET external_link_id = EXCLUDED.external_link_id, internal_id = EXCLUDED.internal_id, base_value = EXCLUDED.base_value,
            source_value = EXCLUDED.source_value, target_value = EXCLUDED.target_value`,
    [config.organizationId, config.id, link.id, link.externalId, link.internalId, JSON.stringify(conflicts)],
  );
}
