import type { Queryable } from '../../db/sql/queryable';

/** A run without a heartbeat is not looked at by orphan recovery again. Only SyncRunRecorder calls this. */
export async function clearRunHeartbeat(db: Queryable, runId: string): Promise<void> {
  await db.query('UPDATE sync_run SET heartbeat_at = NULL WHERE id = $1', [runId]);
}
