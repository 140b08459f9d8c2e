import type { Queryable } from '../../db/sql/queryable';

export interface RealtimeConfigRow {
  id: string;
  direction: string;
  source_object: string;
}

/**
 * The organization's active `realtime` configs an event concerns: with a connection, that
 * connection's inbound and bidirectional configs; without, the outbound and bidirectional
 * configs of the CRM object.
 */
export async function realtimeConfigs(db: Queryable, organizationId: string, connectionId: string | null, crmObject: string): Promise<RealtimeConfigRow[]> {
  return db.query(
    `SELECT id, direction, source_object FROM sync_config
        WHERE organization_id = $1 AND is_active AND lower(trim(frequency)) = 'realtime'
          AND CASE WHEN $2::uuid IS NOT NULL THEN connection_id = $2 AND direction IN ('INBOUND', 'BIDIRECTIONAL')
                   ELSE target_object = $3 AND direction IN ('OUTBOUND', 'BIDIRECTIONAL') END`,
    [organizationId, connectionId, crmObject],
  );
}
