import type { Queryable } from '../../db/sql/queryable';

/** A run as the runner needs it: its state, its automation's action and policy, its event. */
export interface RunToExecute {
  id: string;
  organizationId: string;
  automationId: string;
  status: string;
  attemptCount: number;
  attemptStartedAt: Date | null;
  leaseUntil: Date | null;
  uncertainSince: Date | null;
  now: Date;
  automationName: string;
  isActive: boolean;
  connectionId: string;
  action: string;
  inputTemplate: unknown;
  retryPolicy: string;
  maxRetries: number;
  event: { id: string; type: string; source: string; objectType: string | null; recordId: string | null; data: unknown; occurredAt: Date };
}

/** By id alone: job ids come from the outbox and retryRun, which wrote them for their organization. */
export function loadRunsToExecute(db: Queryable, runIds: string[]): Promise<RunToExecute[]> {
  return db.query(
    `SELECT r.id, r.organization_id AS "organizationId", r.automation_id AS "automationId", r.status, r.attempt_count AS "attemptCount",
            r.attempt_started_at AS "attemptStartedAt", r.lease_until AS "leaseUntil", r.uncertain_since AS "uncertainSince", now() AS now,
            a.name AS "automationName", a.is_active AS "isActive", a.connection_id AS "connectionId", a.action, a.input_template AS "inputTemplate",
            a.retry_policy AS "retryPolicy", a.max_retries AS "maxRetries",
            json_build_object('id', e.id, 'type', e.type, 'source', e.source, 'objectType', e.object_type, 'recordId', e.record_id,
                              'data', e.data, 'occurredAt', e.occurred_at) AS event
       FROM automation_run r
       JOIN automation a ON a.id = r.automation_id AND a.organization_id = r.organization_id
       JOIN integration_event e ON e.id = r.event_id AND e.organization_id = r.organization_id
      WHERE r.id = ANY($1::uuid[])`,
    [runIds],
  );
}
