import type { Queryable } from '../../db/sql/queryable';
import { CHANGES_CHANNEL } from '../../realtime/change-notice';

export interface AttemptEnd {
  /** SUCCEEDED or FAILED end the run; PENDING waits for the job at nextAttemptAt. */
  status: 'SUCCEEDED' | 'FAILED' | 'PENDING';
  input: unknown;
  result: unknown;
  error: string | null;
  nextAttemptAt: Date | null;
  /** Set when this attempt may have reached the provider without an answer; the next attempt asks first. */
  uncertainSince: Date | null;
  /** The attempt did not count (the rate budget was used up before the call): the count goes back. */
  uncounted: boolean;
}

/**
 * Records how the attempt `attemptCount` ended, with the NOTIFY. Only while this attempt still
 * holds the run (RUNNING with this count): a stale worker whose lease ran out changes nothing.
 * Returns false then.
 */
export async function finishRunAttempt(db: Queryable, runId: string, attemptCount: number, end: AttemptEnd): Promise<boolean> {
  const rows: unknown[] = await db.query(
    `WITH r AS (
         UPDATE automation_run SET status = $3, input = COALESCE($4::jsonb, input), result = $5::jsonb, error = $6,
                next_attempt_at = $7, uncertain_since = $8, attempt_count = attempt_count - CASE WHEN $9 THEN 1 ELSE 0 END,
                lease_until = NULL, completed_at = CASE WHEN $3 IN ('SUCCEEDED', 'FAILED') THEN now() END, updated_at = now()
          WHERE id = $1 AND status = 'RUNNING' AND attempt_count = $2
         RETURNING id, organization_id, automation_id)
     SELECT pg_notify($10, json_build_object('topic', 'automation_run', 'organizationId', r.organization_id, 'id', r.id, 'parentId', r.automation_id)::text)
       FROM r`,
    [
      runId,
      attemptCount,
      end.status,
      end.input === undefined ? null : JSON.stringify(end.input),
      end.result === undefined || end.result === null ? null : JSON.stringify(end.result),
      end.error,
      end.nextAttemptAt,
      end.uncertainSince,
      end.uncounted,
      CHANGES_CHANNEL,
    ],
  );
  return rows.length > 0;
}
