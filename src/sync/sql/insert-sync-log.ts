import type { Queryable } from '../../db/sql/queryable';

export interface SyncLogLine {
  organizationId: string;
  syncRunId: string;
  level: 'info' | 'warn' | 'error';
  message: string;
  code: string | null;
  externalId: string | null;
}

/** One line of a run's log. */
export async function insertSyncLog(db: Queryable, line: SyncLogLine): Promise<void> {
  await db.query('INSERT INTO sync_log (organization_id, sync_run_id, level, message, code, external_id) VALUES ($1, $2, $3, $4, $5, $6)', [
    line.organizationId,
    line.syncRunId,
    line.level,
    line.message,
    line.code,
    line.externalId,
  ]);
}
