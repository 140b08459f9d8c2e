import type PgBoss from 'pg-boss';
import type { EntityManager } from 'typeorm';
import type { NewIntegrationEvent } from '../events/event-recorder';
import { bossExecutor } from '../jobs/boss-executor';
import { CHANGES_CHANNEL } from '../realtime/change-notice';
import { matchesEventFilter, validateEventFilter } from './event-filter';
import { matchesEventType } from './event-type-pattern';
import { BatchDelivery, insertBatchDeliveries } from './sql/insert-batch-deliveries';
import { insertEvents } from './sql/insert-events';
import { CandidateSubscription, RECEIVING_STATUSES } from './subscription-matcher';
import { deliveryJobs } from './webhook-delivery.job';
import { newMessageId, webhookBody } from './webhook-message';
import type { RecordedEventFacts } from '../events/event-fan-out';

/** A candidate with its filter compiled once for the whole batch (matchingSubscriptions compiles it per event). */
function compiled(candidates: CandidateSubscription[]) {
  return candidates.map((c) => ({ id: c.id, eventTypes: c.eventTypes, filter: validateEventFilter(c.filters) }));
}

/**
 * EventOutbox.recordMany's work, in `tx`: the events and their candidates (one statement), every
 * delivery of every new event (one statement, with their NOTIFYs), and their pg-boss jobs (one
 * insert). Three round trips for a page of hundreds of events, two when no subscription can match.
 * Matching is the single event's (subscription-matcher.ts): type patterns, then filters on `data`.
 */
export async function fanOutBatch(
  tx: EntityManager,
  boss: PgBoss,
  organizationId: string,
  inputs: (NewIntegrationEvent & { idempotencyKey: string })[],
  /** Work the new events cause beyond webhooks (the outbox's fan-outs), in `tx`, once for the batch's new events. */
  beyond?: (events: RecordedEventFacts[]) => Promise<void>,
): Promise<{ recorded: number; deliveryCount: number }> {
  const inserted = await insertEvents(tx, organizationId, inputs, RECEIVING_STATUSES);
  const byKey = new Map(inputs.map((input) => [input.idempotencyKey, input]));
  if (beyond && inserted.events.length) {
    await beyond(
      inserted.events.map((event) => {
        const input = byKey.get(event.idempotencyKey)!;
        return {
          id: event.id,
          type: input.type,
          source: input.source,
          objectType: input.objectType ?? null,
          recordId: input.recordId ?? null,
          data: input.data ?? {},
          occurredAt: new Date(event.occurredAt),
          connectionId: input.connectionId ?? null,
        };
      }),
    );
  }
  if (!inserted.events.length || !inserted.candidates.length) return { recorded: inserted.events.length, deliveryCount: 0 };
  const subscriptions = compiled(inserted.candidates);
  const deliveries: BatchDelivery[] = [];
  for (const event of inserted.events) {
    const input = byKey.get(event.idempotencyKey)!;
    const data = input.data ?? {};
    let payload: unknown;
    for (const s of subscriptions) {
      if (!s.eventTypes.some((pattern) => matchesEventType(pattern, input.type)) || !matchesEventFilter(s.filter, data)) continue;
      payload ??= webhookBody({ id: event.id, type: input.type, occurredAt: event.occurredAt, data });
      deliveries.push({ eventId: event.id, eventType: input.type, subscriptionId: s.id, messageId: newMessageId(), payload });
    }
  }
  if (!deliveries.length) return { recorded: inserted.events.length, deliveryCount: 0 };
  const rows = await insertBatchDeliveries(tx, organizationId, deliveries, CHANGES_CHANNEL);
  await boss.insert(deliveryJobs(rows.map((d) => ({ deliveryId: d.id, attempt: 1 }))), { db: bossExecutor(tx) });
  return { recorded: inserted.events.length, deliveryCount: rows.length };
}
