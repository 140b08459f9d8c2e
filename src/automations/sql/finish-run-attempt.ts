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

export interface FinishedAttempt {
  runId: string;
  /** The attempt that ended (the run's attempt_count when it was claimed). */
  attemptCount: number;
  end: AttemptEnd;
}

/**
 * Records how each attempt of a batch ended, with the NOTIFYs, in one statement. Only while the
 * attempt still holds its run (RUNNING with that count): a stale worker whose lease ran out
 * changes nothing. Returns the ids of the runs it changed.
 */
export async function finishRunAttempts(db: Queryable, attempts: FinishedAttempt[]): Promise<string[]> {
  if (!attempts.length) return [];
  const rows = attempts.map(({ runId, attemptCount, end }) => ({
    id: runId,
    attempt: attemptCount,
    status: end.status,
    input: end.input === undefined ? null : end.input,
    result: end.result === undefined ? null : end.result,
    error: end.error,
    next_at: end.nextAttemptAt?.toISOString() ?? null,
    uncertain_since: end.uncertainSince ? new Date(end.uncertainSince).toISOString() : null,
    uncounted: end.uncounted,
  }));
  const changed: { id: string }[] = await db.query(
    `WITH v AS (
         SELECT * FROM jsonb_to_recordset($1::jsonb) AS v(id uuid, attempt int, status text, input jsonb, result jsonb, error text,
                                                         next_at timestamptz, uncertain_since timestamptz, uncounted boolean)),
       r AS (
         UPDATE automation_run r SET status = v.status, input = COALESCE(v.input, r.input), result = v.result, error = v.error,
                next_attempt_at = v.next_at, uncertain_since = v.uncertain_since,
                attempt_count = r.attempt_count - CASE WHEN v.uncounted THEN 1 ELSE 0 END, lease_until = NULL,
                completed_at = CASE WHEN v.status IN ('SUCCEEDED', 'FAILED') THEN now() END, updated_at = now()
           FROM v WHERE r.id = v.id AND r.status = 'RUNNING' AND r.attempt_count = v.attempt
         RETURNING r.id, r.organization_id, r.automation_id)
     SELECT r.id, pg_notify($2, json_build_object('topic', 'automation_run', 'organizationId', r.organization_id, 'id', r.id, 'parentId', r.automation_id)::text)
       FROM r`,
    [JSON.stringify(rows), CHANGES_CHANNEL],
  );
  return changed.map((r) => r.id);
}
