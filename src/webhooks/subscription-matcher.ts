import { matchesEventFilter, validateEventFilter } from './event-filter';
import { matchesEventType } from './event-type-pattern';
import { WebhookStatus } from './webhook.enums';

/** A subscription that may receive an event: its patterns and filters, as stored. */
export interface CandidateSubscription {
  id: string;
  eventTypes: string[];
  filters: unknown;
}

/** Statuses that receive events: a failing (FAILED) target still does; DISABLED and INACTIVE do not. */
export const RECEIVING_STATUSES = [WebhookStatus.ACTIVE, WebhookStatus.FAILED];

/**
 * SQL for the candidates of an event, as one JSON array (so the outbox reads them in the same
 * statement that inserts the event). Parameters: $1 organization, $2 event type, $3 statuses.
 * Type patterns are narrowed here too; `matchingSubscriptions` applies them exactly, with filters.
 */
export const CANDIDATES_SQL = `(
  SELECT COALESCE(json_agg(json_build_object('id', s.id, 'eventTypes', s.event_types, 'filters', s.filters) ORDER BY s.created_at, s.id), '[]'::json)
    FROM webhook_subscription s
   WHERE s.organization_id = $1 AND s.status = ANY($3::text[])
     AND EXISTS (SELECT 1 FROM unnest(s.event_types) p WHERE p = '*' OR p = $2 OR (p LIKE '%.*' AND starts_with($2, left(p, -1))))
)`;

/**
 * The subscriptions an event goes to: event types matched, then filters evaluated on the data.
 * Filters were validated when saved; they are compiled again here because the stored form is JSON.
 */
export function matchingSubscriptions(candidates: CandidateSubscription[], event: { type: string; data: unknown }): string[] {
  return candidates
    .filter((c) => c.eventTypes.some((pattern) => matchesEventType(pattern, event.type)))
    .filter((c) => matchesEventFilter(validateEventFilter(c.filters), event.data))
    .map((c) => c.id);
}
