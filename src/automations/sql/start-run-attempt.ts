import type { Queryable } from '../../db/sql/queryable';
import { CHANGES_CHANNEL } from '../../realtime/change-notice';

export interface StartedAttempt {
  attemptCount: number;
  startedAt: Date;
  /** When the run was RUNNING from an attempt that never finished: that attempt's start. */
  interruptedSince: Date | null;
}

/**
 * Claims the run for one attempt, committed before the provider is called: RUNNING, the attempt
 * counted, a lease for its duration, the automation's lastTriggeredAt, and the NOTIFY. Only a
 * PENDING run, or a RUNNING one whose lease ran out (its worker died), can be claimed; null when
 * another job holds it or it has ended.
 */
export async function startRunAttempt(db: Queryable, runId: string, leaseSeconds: number): Promise<StartedAttempt | null> {
  const rows: StartedAttempt[] = await db.query(
    `WITH prev AS (
         SELECT id, status, attempt_started_at FROM automation_run
          WHERE id = $1 AND (status = 'PENDING' OR (status = 'RUNNING' AND lease_until < now())) FOR UPDATE),
       r AS (
         UPDATE automation_run r SET status = 'RUNNING', attempt_count = r.attempt_count + 1, attempt_started_at = now(),
                lease_until = now() + make_interval(secs => $2), updated_at = now()
           FROM prev WHERE r.id = prev.id
         RETURNING r.id, r.organization_id, r.automation_id, r.attempt_count, r.attempt_started_at,
                   CASE WHEN prev.status = 'RUNNING' THEN prev.attempt_started_at END AS interrupted_since),
       a AS (UPDATE automation SET last_triggered_at = now() FROM r WHERE automation.id = r.automation_id RETURNING automation.id)
     SELECT r.attempt_count AS "attemptCount", r.attempt_started_at AS "startedAt", r.interrupted_since AS "interruptedSince",
            pg_notify($3, json_build_object('topic', 'automation_run', 'organizationId', r.organization_id, 'id', r.id, 'parentId', r.automation_id)::text)
       FROM r`,
    [runId, leaseSeconds, CHANGES_CHANNEL],
  );
  return rows[0] ?? null;
}
