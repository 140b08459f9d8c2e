import type { Queryable } from '../../db/sql/queryable';
import { CHANGES_CHANNEL } from '../../realtime/change-notice';

/**
 * A FAILED run back to PENDING, due now, with its NOTIFY. A person asked for it, so an earlier
 * attempt's uncertainty is dropped: the action is sent again.
 */
export async function requeueFailedRun(db: Queryable, organizationId: string, runId: string, automationId: string): Promise<void> {
  await db.query(
    `WITH r AS (
         UPDATE automation_run SET status = 'PENDING', next_attempt_at = now(), completed_at = NULL, uncertain_since = NULL, updated_at = now()
          WHERE organization_id = $1 AND id = $2 AND status = 'FAILED' RETURNING id)
       SELECT pg_notify($4, json_build_object('topic', 'automation_run', 'organizationId', $1::text, 'id', r.id, 'parentId', $3::text)::text) FROM r`,
    [organizationId, runId, automationId, CHANGES_CHANNEL],
  );
}
