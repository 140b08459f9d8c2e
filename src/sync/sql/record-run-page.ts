import type { Queryable } from '../../db/sql/queryable';

/** A page's additions to a run's counters and where the run resumes after it. */
export interface RunPageCounts {
  processed: number;
  created: number;
  updated: number;
  failed: number;
  conflicts: number;
  /** Records linked to an existing CRM record by matchOn (not in created or updated). */
  matched: number;
  pageCursor: string | null;
  nextCheckpoint: unknown;
}

/**
 * Adds a page to the run's counters, moves its resume point and heartbeat, only while the run is
 * RUNNING under `jobId`; false when it no longer is (cancelled or reassigned). Only
 * SyncRunRecorder calls this.
 */
export async function recordRunPage(manager: Queryable, runId: string, jobId: string | null, page: RunPageCounts): Promise<boolean> {
  const result = await manager.query(
    `UPDATE sync_run SET records_processed = records_processed + $2, records_created = records_created + $3,
              records_updated = records_updated + $4, records_failed = records_failed + $5, conflicts = conflicts + $9,
              records_matched = records_matched + $10,
              page_cursor = $6, next_checkpoint = $7::jsonb, heartbeat_at = now(), updated_at = now()
        WHERE id = $1 AND status = 'RUNNING' AND job_id IS NOT DISTINCT FROM $8
        RETURNING id`,
    [
      runId,
      page.processed,
      page.created,
      page.updated,
      page.failed,
      page.pageCursor,
      JSON.stringify(page.nextCheckpoint ?? null),
      jobId,
      page.conflicts,
      page.matched,
    ],
  );
  // TypeORM answers an UPDATE with [rows, rowCount].
  const rows = Array.isArray(result) && Array.isArray(result[0]) ? result[0] : result;
  return rows.length > 0;
}
