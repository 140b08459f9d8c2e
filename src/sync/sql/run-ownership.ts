import type { Queryable } from '../../db/sql/queryable';

/** A run's status and the job it runs under (null when the run is gone). */
export async function runOwnership(db: Queryable, runId: string): Promise<{ status: string; job_id: string | null } | null> {
  const [row] = await db.query('SELECT status, job_id FROM sync_run WHERE id = $1', [runId]);
  return row ?? null;
}
