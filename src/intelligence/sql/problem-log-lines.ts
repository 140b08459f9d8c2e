import type { Queryable } from '../../db/sql/queryable';

export interface ProblemLineRow {
  sync_run_id: string;
  level: 'warn' | 'error';
  message: string;
  code: string | null;
  at: Date;
}

/** The newest `limit` warn and error lines of the runs (info lines say nothing went wrong), newest first. */
export function loadProblemLogLines(db: Queryable, organizationId: string, runIds: string[], limit: number): Promise<ProblemLineRow[]> {
  return db.query(
    `SELECT sync_run_id, level, message, code, at FROM sync_log
        WHERE organization_id = $1 AND sync_run_id = ANY($2::uuid[]) AND level IN ('warn', 'error')
        ORDER BY id DESC LIMIT $3`,
    [organizationId, runIds, limit],
  );
}
