import type { Queryable } from '../../db/sql/queryable';

/**
 * The ids a full read saw are only needed until its sweep, which clears them; a run that failed
 * or was cancelled before sweeping leaves them behind, so the maintenance job drops them here.
 */
export async function clearSeenOfEndedRuns(db: Queryable): Promise<void> {
  await db.query(
    `DELETE FROM sync_run_seen s USING sync_run r
      WHERE r.id = s.sync_run_id AND r.status IN ('COMPLETED', 'FAILED', 'CANCELLED')`,
  );
}
