import type { Queryable } from '../../db/sql/queryable';
import type { IntegrationHealth } from '../intelligence.type';

/**
 * Every count in one statement, each answered by an index that starts with organization_id
 * (see migrations/1764806400000-integration-alert.ts): the dashboard header polls this, so it
 * must not read other organizations' rows or the history of the tables.
 *
 * connectionsInError counts ERROR and EXPIRED (both need a person); webhookFailures24h counts
 * deliveries created in the last 24 h that have failed an attempt (RETRYING) or given up (FAILED).
 */
export const HEALTH_COUNTS_SQL =
  `
  SELECT
    (SELECT count(*) FROM connection WHERE organization_id = $1)::int AS connections,
    (SELECT count(*) FROM connection WHERE organization_id = $1 AND status IN ('ERROR', 'EXPIRED'))::int AS "connectionsInError",
    (SELECT count(*) FROM sync_config WHERE organization_id = $1 AND is_active)::int AS "activeSyncConfigs",
    (SELECT count(*) FROM sync_run WHERE organization_id = $1 AND status = 'RUNNING')::int AS "runningSyncs",
    (SELECT count(*) FROM sync_run WHERE organization_id = $1 AND status = 'FAILED' ` +
  `AND completed_at >= now() - interval '24 hours')::int AS "failedSyncRuns24h",
    (SELECT count(*) FROM webhook_delivery WHERE organization_id = $1 AND created_at >= now() - interval '24 hours')::int AS "webhookDeliveries24h",
    (SELECT count(*) FROM webhook_delivery WHERE organization_id = $1 AND status IN ('FAILED', 'RETRYING') ` +
  `AND created_at >= now() - interval '24 hours')::int AS "webhookFailures24h",
    (SELECT count(*) FROM sync_conflict WHERE organization_id = $1 AND status = 'OPEN')::int AS "openConflicts"`;

/** The organization's integrationHealth counts. */
export async function healthCounts(db: Queryable, organizationId: string): Promise<IntegrationHealth> {
  const [counts]: IntegrationHealth[] = await db.query(HEALTH_COUNTS_SQL, [organizationId]);
  return counts;
}
