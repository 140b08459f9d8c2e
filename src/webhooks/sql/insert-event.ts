import type { Queryable } from '../../db/sql/queryable';
import type { NewIntegrationEvent } from '../../events/event-recorder';
import type { IntegrationEventEntity } from '../integration-event.entity';
import type { CandidateSubscription } from '../subscription-matcher';
import { EVENT_COLUMNS } from './event-columns';

/**
 * SQL for the candidates of an event, as one JSON array (so the outbox reads them in the same
 * statement that inserts the event). Parameters: $1 organization, $2 event type, $3 statuses.
 * Type patterns are narrowed here too; `matchingSubscriptions` applies them exactly, with filters.
 */
const CANDIDATES_SQL = `(
  SELECT COALESCE(json_agg(json_build_object('id', s.id, 'eventTypes', s.event_types, 'filters', s.filters) ORDER BY s.created_at, s.id), '[]'::json)
    FROM webhook_subscription s
   WHERE s.organization_id = $1 AND s.status = ANY($3::text[])
     AND EXISTS (SELECT 1 FROM unnest(s.event_types) p WHERE p = '*' OR p = $2 OR (p LIKE '%.*' AND starts_with($2, left(p, -1))))
)`;

export type InsertedEvent = IntegrationEventEntity & { candidates: CandidateSubscription[] };

/**
 * One statement: the event, and the subscriptions (of `receivingStatuses`) that may want it.
 * Empty when the idempotency key was used already: nothing is inserted then.
 */
export function insertEvent(db: Queryable, organizationId: string, input: NewIntegrationEvent, receivingStatuses: string[]): Promise<InsertedEvent[]> {
  return db.query(
    `WITH e AS (
         INSERT INTO integration_event (organization_id, type, source, object_type, record_id, data, occurred_at, idempotency_key, connection_id)
         VALUES ($1, $2, $4, $5, $6, $7::jsonb, COALESCE($8, now()), $9, $10)
         ON CONFLICT (organization_id, source, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
         RETURNING ${EVENT_COLUMNS})
       SELECT e.*, ${CANDIDATES_SQL} AS candidates FROM e`,
    [
      organizationId,
      input.type,
      receivingStatuses,
      input.source,
      input.objectType ?? null,
      input.recordId ?? null,
      JSON.stringify(input.data ?? {}),
      input.occurredAt ?? null,
      input.idempotencyKey ?? null,
      input.connectionId ?? null,
    ],
  );
}
