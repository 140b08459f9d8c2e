import type { Queryable } from '../../db/sql/queryable';
import { CHANGES_CHANNEL } from '../../realtime/change-notice';

/** PENDING runs end SKIPPED without an attempt (their automation was paused before they ran), with their NOTIFYs. */
export async function skipRuns(db: Queryable, runIds: string[], reason: string): Promise<void> {
  if (!runIds.length) return;
  await db.query(
    `WITH r AS (
         UPDATE automation_run SET status = 'SKIPPED', error = $2, completed_at = now(), next_attempt_at = NULL, updated_at = now()
          WHERE id = ANY($1::uuid[]) AND status = 'PENDING' RETURNING id, organization_id, automation_id)
     SELECT pg_notify($3, json_build_object('topic', 'automation_run', 'organizationId', r.organization_id, 'id', r.id, 'parentId', r.automation_id)::text)
       FROM r`,
    [runIds, reason, CHANGES_CHANNEL],
  );
}
