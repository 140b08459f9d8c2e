import type { Queryable } from '../../db/sql/queryable';
import { CHANGES_CHANNEL } from '../../realtime/change-notice';

/** A PENDING run ends SKIPPED without an attempt (its automation was paused before it ran), with its NOTIFY. */
export async function skipRun(db: Queryable, runId: string, reason: string): Promise<void> {
  await db.query(
    `WITH r AS (
         UPDATE automation_run SET status = 'SKIPPED', error = $2, completed_at = now(), next_attempt_at = NULL, updated_at = now()
          WHERE id = $1 AND status = 'PENDING' RETURNING id, organization_id, automation_id)
     SELECT pg_notify($3, json_build_object('topic', 'automation_run', 'organizationId', r.organization_id, 'id', r.id, 'parentId', r.automation_id)::text)
       FROM r`,
    [runId, reason, CHANGES_CHANNEL],
  );
}
