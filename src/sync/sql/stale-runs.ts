import type { Queryable } from '../../db/sql/queryable';

/** RUNNING runs whose heartbeat is older than `seconds`: their worker died. */
export async function orphanedRuns(db: Queryable, seconds: number): Promise<{ id: string; sync_config_id: string; job_id: string | null }[]> {
  return db.query(
    `SELECT id, sync_config_id, job_id FROM sync_run
      WHERE status = 'RUNNING' AND heartbeat_at < now() - make_interval(secs => $1)`,
    [seconds],
  );
}

/** CANCELLED runs still holding a job whose heartbeat is older than `seconds`: nobody will release it. */
export async function abandonedRuns(db: Queryable, seconds: number): Promise<{ id: string; job_id: string }[]> {
  return db.query(
    `SELECT id, job_id FROM sync_run
      WHERE status = 'CANCELLED' AND job_id IS NOT NULL AND heartbeat_at < now() - make_interval(secs => $1)`,
    [seconds],
  );
}
