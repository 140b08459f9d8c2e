import type { Queryable } from '../../db/sql/queryable';

const ENDED_RUN = `
  SELECT r.status, r.duration_ms, r.records_created, r.records_updated, r.records_failed, r.records_deleted,
         c.direction, n.connector_key
    FROM sync_run r
    JOIN sync_config c ON c.id = r.sync_config_id
    JOIN connection n ON n.id = c.connection_id
   WHERE r.id = $1`;

export interface EndedRunRow {
  status: string;
  duration_ms: number | null;
  records_created: number;
  records_updated: number;
  records_failed: number;
  records_deleted: number;
  direction: string;
  connector_key: string;
}

/** A run as the metrics count it at its end: its totals, its config's direction and its connector. */
export async function endedRun(db: Queryable, runId: string): Promise<EndedRunRow | undefined> {
  const [row] = await db.query(ENDED_RUN, [runId]);
  return row;
}
