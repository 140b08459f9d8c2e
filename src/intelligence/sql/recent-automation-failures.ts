import type { Queryable } from '../../db/sql/queryable';

export interface AutomationFailureRow {
  id: string;
  automation_name: string;
  error: string;
  at: Date;
}

/**
 * The FAILED runs among the newest `limit` runs of the connection's automations, newest first.
 * Looking only among the newest runs lets a fixed problem age out as later runs succeed (a failed
 * run that retryAutomationRun then got through is SUCCEEDED and gone from here at once). Reads
 * automation and automation_run (written by src/automations).
 */
export function loadRecentAutomationFailures(db: Queryable, organizationId: string, connectionId: string, limit: number): Promise<AutomationFailureRow[]> {
  return db.query(
    `SELECT id, automation_name, error, at FROM (
         SELECT r.id, a.name AS automation_name, r.status, r.error, COALESCE(r.completed_at, r.updated_at) AS at, r.created_at
           FROM automation_run r
           JOIN automation a ON a.id = r.automation_id AND a.organization_id = r.organization_id
          WHERE r.organization_id = $1 AND a.connection_id = $2
          ORDER BY r.created_at DESC, r.id DESC LIMIT $3
       ) recent
      WHERE status = 'FAILED' AND error IS NOT NULL
      ORDER BY created_at DESC, id DESC`,
    [organizationId, connectionId, limit],
  );
}
