import type { Queryable } from '../../db/sql/queryable';

/** An active automation that may want an event: its patterns and filters, as stored. */
export interface CandidateAutomation {
  id: string;
  eventTypes: string[];
  filters: unknown;
}

/**
 * The organization's active automations whose type patterns may match `type` (narrowed in SQL
 * as sql/insert-event.ts does for webhooks; the fan-out applies patterns exactly, with filters).
 * Served by automation_org_active.
 */
export function findAutomationCandidates(db: Queryable, organizationId: string, type: string): Promise<CandidateAutomation[]> {
  return db.query(
    `SELECT a.id, a.event_types AS "eventTypes", a.filters
       FROM automation a
      WHERE a.organization_id = $1 AND a.is_active
        AND EXISTS (SELECT 1 FROM unnest(a.event_types) p WHERE p = '*' OR p = $2 OR (p LIKE '%.*' AND starts_with($2, left(p, -1))))
      ORDER BY a.created_at, a.id`,
    [organizationId, type],
  );
}
