import type { Queryable } from '../../db/sql/queryable';

/** Records checked per syncInsights call: enough to see a pattern, bounded whatever the config's size. */
export const SAMPLE_SIZE = 1000;

export interface SampledRecord {
  object: string;
  internalId: string;
  lastSyncedAt: Date | null;
  data: Record<string, unknown>;
}

/**
 * The config's most recently synced records (external_link_config_recent), each with its current
 * values from the built-in store, or the values the sync last agreed when the record lives behind
 * the gateway (or was deleted). Ids that are not UUIDs name no crm_record row; the CASE keeps the
 * cast from failing on them.
 */
const SAMPLE = `
  SELECT l.internal_object AS object, l.internal_id, l.last_synced_at, COALESCE(r.data, l.last_synced_data, '{}'::jsonb) AS data
    FROM external_link l
    LEFT JOIN crm_record r
      ON r.organization_id = l.organization_id AND r.object = l.internal_object AND r.deleted_at IS NULL
     AND r.id = CASE WHEN l.internal_id ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$' THEN l.internal_id::uuid END
   WHERE l.sync_config_id = $2 AND l.organization_id = $1 AND l.status <> 'DELETED'
   ORDER BY l.updated_at DESC
   LIMIT $3`;

export async function loadRecordSample(db: Queryable, organizationId: string, syncConfigId: string, limit = SAMPLE_SIZE): Promise<SampledRecord[]> {
  const rows: { object: string; internal_id: string; last_synced_at: Date | null; data: Record<string, unknown> }[] = await db.query(SAMPLE, [
    organizationId,
    syncConfigId,
    limit,
  ]);
  return rows.map((r) => ({ object: r.object, internalId: r.internal_id, lastSyncedAt: r.last_synced_at, data: r.data ?? {} }));
}
