import type { Queryable } from '../../db/sql/queryable';
import { CHANGES_CHANNEL } from '../../realtime/change-notice';

export interface StartedAttempt {
  runId: string;
  attemptCount: number;
  startedAt: Date;
  /** When the run was RUNNING from an attempt that never finished: that attempt's start. */
  interruptedSince: Date | null;
}

/**
 * Claims each run for one attempt (a batch in one statement), committed before the provider is called: RUNNING, the attempt
 * counted, a lease for its duration, the automation's lastTriggeredAt (to the second), and the NOTIFY. Only a
 * PENDING run, or a RUNNING one whose lease ran out (its worker died), can be claimed; a run
 * another job holds or that has ended is not returned.
 */
export function startRunAttempts(db: Queryable, runIds: string[], leaseSeconds: number): Promise<StartedAttempt[]> {
  return db.query(
    `WITH prev AS (
         SELECT id, status, attempt_started_at FROM automation_run
          WHERE id = ANY($1::uuid[]) AND (status = 'PENDING' OR (status = 'RUNNING' AND lease_until < now())) ORDER BY id FOR UPDATE),
       r AS (
         UPDATE automation_run r SET status = 'RUNNING', attempt_count = r.attempt_count + 1, attempt_started_at = now(),
                lease_until = now() + make_interval(secs => $2), updated_at = now()
           FROM prev WHERE r.id = prev.id
         RETURNING r.id, r.organization_id, r.automation_id, r.attempt_count, r.attempt_started_at,
                   CASE WHEN prev.status = 'RUNNING' THEN prev.attempt_started_at END AS interrupted_since),
       -- At most once a second per automation: every concurrent run of one automation would
       -- otherwise queue on its row lock here.
       a AS (UPDATE automation SET last_triggered_at = now()
              WHERE automation.id IN (SELECT DISTINCT automation_id FROM r) AND (last_triggered_at IS NULL OR last_triggered_at < now() - interval '1 second')
             RETURNING automation.id)
     SELECT r.id AS "runId", r.attempt_count AS "attemptCount", r.attempt_started_at AS "startedAt", r.interrupted_since AS "interruptedSince",
            pg_notify($3, json_build_object('topic', 'automation_run', 'organizationId', r.organization_id, 'id', r.id, 'parentId', r.automation_id)::text)
       FROM r`,
    [runIds, leaseSeconds, CHANGES_CHANNEL],
  );
}
