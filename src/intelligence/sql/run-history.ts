import type { Queryable } from '../../db/sql/queryable';
import type { RunSample } from '../insights/run-sample';

/** Enough runs for a stable median and a 5-run failure window, few enough to read in one page. */
export const HISTORY_RUNS = 50;

/**
 * The config's latest finished runs, oldest first. Walks sync_run_config_page (sync_config_id,
 * created_at DESC, id DESC) and stops after `limit` matches; queued, running and cancelled runs
 * say nothing about how syncs go, so they are skipped.
 */
const HISTORY = `
  SELECT id, status, mode, started_at, completed_at, duration_ms, records_processed, records_created,
         records_updated, records_deleted, records_failed, error_details
    FROM sync_run
   WHERE sync_config_id = $2 AND organization_id = $1 AND status IN ('COMPLETED', 'FAILED') AND completed_at IS NOT NULL
   ORDER BY created_at DESC, id DESC
   LIMIT $3`;

interface HistoryRow {
  id: string;
  status: string;
  mode: string;
  started_at: Date | null;
  completed_at: Date;
  duration_ms: number | null;
  records_processed: number;
  records_created: number;
  records_updated: number;
  records_deleted: number;
  records_failed: number;
  error_details: string | null;
}

export async function loadRunHistory(db: Queryable, organizationId: string, syncConfigId: string, limit = HISTORY_RUNS): Promise<RunSample[]> {
  const rows: HistoryRow[] = await db.query(HISTORY, [organizationId, syncConfigId, limit]);
  return rows.reverse().map((r) => ({
    id: r.id,
    status: r.status,
    mode: r.mode,
    startedAt: r.started_at,
    completedAt: r.completed_at,
    durationMs: r.duration_ms,
    processed: r.records_processed,
    created: r.records_created,
    updated: r.records_updated,
    deleted: r.records_deleted,
    failed: r.records_failed,
    errorDetails: r.error_details,
  }));
}
