import type { Queryable } from '../../db/sql/queryable';
import { CHANGES_CHANNEL } from '../../realtime/change-notice';

export interface NewAlert {
  severity: string;
  code: string;
  message: string;
  syncConfigId: string | null;
  connectionId: string | null;
  syncRunId: string | null;
  metric: string | null;
  observed: number | null;
  expected: number | null;
  at: Date;
}

/**
 * Inserts alerts and, in the same statement, the NOTIFY of each (ids only; delivered when the
 * caller's transaction commits). An alert already recorded for the run and code is skipped, so
 * a run end handled twice alerts once. Returns the ids inserted.
 */
const INSERT =
  `
  WITH a AS (
    INSERT INTO integration_alert (organization_id, severity, code, message, sync_config_id, connection_id, sync_run_id, metric, observed, expected, at)
    SELECT $1, x.severity, x.code, x.message, x.sync_config_id, x.connection_id, x.sync_run_id, x.metric, x.observed, x.expected, x.at
      FROM jsonb_to_recordset($2::jsonb) AS x(severity text, code text, message text, sync_config_id uuid, connection_id uuid, sync_run_id uuid,
                                               metric text, observed double precision, expected double precision, at timestamptz)
    ON CONFLICT (sync_run_id, code) WHERE sync_run_id IS NOT NULL DO NOTHING
    RETURNING id, sync_config_id)
  SELECT a.id, pg_notify($3, ` +
  `json_build_object('topic', 'integration_alert', 'organizationId', $1::text, 'id', a.id, 'parentId', a.sync_config_id)::text) FROM a`;

export async function insertAlerts(db: Queryable, organizationId: string, alerts: NewAlert[]): Promise<string[]> {
  if (!alerts.length) return [];
  const rows = alerts.map((a) => ({
    severity: a.severity,
    code: a.code,
    message: a.message,
    sync_config_id: a.syncConfigId,
    connection_id: a.connectionId,
    sync_run_id: a.syncRunId,
    metric: a.metric,
    observed: a.observed,
    expected: a.expected,
    at: a.at.toISOString(),
  }));
  const inserted: { id: string }[] = await db.query(INSERT, [organizationId, JSON.stringify(rows), CHANGES_CHANNEL]);
  return inserted.map((r) => r.id);
}
