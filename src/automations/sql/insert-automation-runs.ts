import type { Queryable } from '../../db/sql/queryable';

/**
 * PENDING runs of an event for these automations and their NOTIFYs (sent on commit), in one
 * statement. A run that exists already for (automation, event) is left alone, so a repeated
 * fan-out makes no second run; only the runs inserted are returned (and get a job).
 */
export function insertAutomationRuns(
  db: Queryable,
  organizationId: string,
  eventId: string,
  automationIds: string[],
  channel: string,
): Promise<{ id: string }[]> {
  return db.query(
    `WITH r AS (
         INSERT INTO automation_run (organization_id, automation_id, event_id, status, next_attempt_at)
         SELECT $1, a.id, $2, 'PENDING', now()
           FROM automation a WHERE a.id = ANY($3::uuid[]) AND a.organization_id = $1
         ON CONFLICT (automation_id, event_id) DO NOTHING
         RETURNING id, automation_id)
       SELECT r.id, pg_notify($4, ` +
      `json_build_object('topic', 'automation_run', 'organizationId', $1::text, 'id', r.id, 'parentId', r.automation_id)::text) FROM r`,
    [organizationId, eventId, automationIds, channel],
  );
}
