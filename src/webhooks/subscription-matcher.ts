import { matchesEventFilter, validateEventFilter } from './event-filter';
import { matchesEventType } from './event-type-pattern';
import { WebhookStatus } from './webhook.enums';

/** A subscription that may receive an event: its patterns and filters, as stored (sql/insert-event.ts reads them). */
export interface CandidateSubscription {
  id: string;
  eventTypes: string[];
  filters: unknown;
}

/** Statuses that receive events: a failing (FAILED) target still does; DISABLED and INACTIVE do not. */
export const RECEIVING_STATUSES = [WebhookStatus.ACTIVE, WebhookStatus.FAILED];

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
