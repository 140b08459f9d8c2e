import type { Queryable } from '../../db/sql/queryable';

/** A run's totals as its end event reports them. */
export interface RunCounts {
  records_processed: number;
  records_created: number;
  records_updated: number;
  records_failed: number;
  records_deleted: number;
}

/** The committed totals of a run (in the caller's transaction: the end event commits with them). */
export async function runCounts(db: Queryable, runId: string): Promise<RunCounts | undefined> {
  const [counts] = await db.query('SELECT records_processed, records_created, records_updated, records_failed, records_deleted FROM sync_run WHERE id = $1', [
    runId,
  ]);
  return counts;
}
