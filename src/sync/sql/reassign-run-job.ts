import type { Queryable } from '../../db/sql/queryable';

/** A RUNNING run gets a new job; the heartbeat restarts its grace period. Only SyncRunRecorder calls this. */
export async function reassignRunJob(db: Queryable, runId: string, jobId: string): Promise<void> {
  await db.query(`UPDATE sync_run SET job_id = $2, heartbeat_at = now() WHERE id = $1 AND status = 'RUNNING'`, [runId, jobId]);
}
