import type { Queryable } from '../../db/sql/queryable';

export interface RecentRunRow {
  id: string;
  sync_config_id: string;
  status: string;
  error_details: string | null;
  at: Date;
}

/** The newest `limit` runs of the configs, newest first, each with when it last moved. Reads sync_run only. */
export function loadRecentRuns(db: Queryable, organizationId: string, configIds: string[], limit: number): Promise<RecentRunRow[]> {
  return db.query(
    `SELECT id, sync_config_id, status, error_details, COALESCE(completed_at, updated_at) AS at
         FROM sync_run WHERE organization_id = $1 AND sync_config_id = ANY($2::uuid[])
        ORDER BY created_at DESC, id DESC LIMIT $3`,
    [organizationId, configIds, limit],
  );
}
