import type { CallResponse, ConnectorCall, ConnectorRecord, ListPage } from '../../connectors/connector.handler';

/**
 * Stripe's incremental read, through the Events API (https://docs.stripe.com/api/events/list):
 * `GET /v1/events` with `created[gt]=<checkpoint>` and `types[]` = the object's event types,
 * newest first, paged with `starting_after` + `has_more`. List endpoints filter on `created` only,
 * so events are the one place an edit (`customer.updated`, `invoice.paid`) or a deletion
 * (`customer.deleted`) shows. Each event's `data.object` is the whole object as it was at that
 * event (rendered in the event's `api_version`); the newest event per object id wins, and a
 * `*.deleted` event (which carries the object as it was before, not the deleted stub) makes it a
 * deletion. Stripe keeps events for 30 days ("List events, going back up to 30 days"), so an older
 * checkpoint asks for a FULL read.
 *
 * One read walks the whole window in a single page: newest-first pages cannot be handed to a sync
 * one by one, or an older event on a later page would overwrite the newer state of the same
 * object from an earlier one. A window past MAX_EVENT_PAGES is read in FULL instead.
 */

/** "List events, going back up to 30 days." */
export const EVENT_RETENTION_SECONDS = 30 * 86_400;
/** A checkpoint within this of the edge is read in FULL too: its oldest events could expire while the read pages. */
const RETENTION_MARGIN_SECONDS = 3_600;
/** Stripe's largest `limit`. */
const EVENTS_PER_PAGE = 100;
/** At most 10,000 events a read: a window past that is cheaper as a FULL read (which is 100 objects a page). */
const MAX_EVENT_PAGES = 100;

interface ObjectEvents {
  /** `data.object.object` of this object's events. */
  object: string;
  /** Exact event names, at most 20 (`types[]`); https://docs.stripe.com/api/events/types */
  types: string[];
  /** The event that deletes the object, where it can be deleted. */
  deletes?: string;
}

/**
 * Each listed object's event types. Subscriptions: `customer.subscription.deleted` means ended
 * (canceled), and the subscription is still retrievable and listed with `status=all`, so it is an
 * update to `status: "canceled"`, not a deletion. Invoices: only drafts are deleted; a finalized
 * invoice is voided (`invoice.voided`, an update). Payment intents, charges and refunds are never
 * deleted. `invoice.upcoming` carries no invoice id and is left out; `charge.refund.updated` carries
 * a refund (the refund.* events reach every refund from 2024-10-28.acacia on).
 */
export const OBJECT_EVENTS: Record<string, ObjectEvents> = {
  customers: { object: 'customer', types: ['customer.created', 'customer.updated', 'customer.deleted'], deletes: 'customer.deleted' },
  invoices: {
    object: 'invoice',
    types: [
      'invoice.created',
      'invoice.updated',
      'invoice.deleted',
      'invoice.finalized',
      'invoice.finalization_failed',
      'invoice.paid',
      'invoice.payment_succeeded',
      'invoice.payment_failed',
      'invoice.payment_action_required',
      'invoice.marked_uncollectible',
      'invoice.sent',
      'invoice.voided',
      'invoice.overdue',
      'invoice.will_be_due',
    ],
    deletes: 'invoice.deleted',
  },
  subscriptions: {
    object: 'subscription',
    types: [
      'customer.subscription.created',
      'customer.subscription.updated',
      'customer.subscription.deleted',
      'customer.subscription.paused',
      'customer.subscription.resumed',
      'customer.subscription.pending_update_applied',
      'customer.subscription.pending_update_expired',
      'customer.subscription.trial_will_end',
    ],
  },
  payment_intents: {
    object: 'payment_intent',
    types: [
      'payment_intent.created',
      'payment_intent.processing',
      'payment_intent.requires_action',
      'payment_intent.amount_capturable_updated',
      'payment_intent.partially_funded',
      'payment_intent.succeeded',
      'payment_intent.payment_failed',
      'payment_intent.canceled',
    ],
  },
  charges: {
    object: 'charge',
    types: ['charge.pending', 'charge.succeeded', 'charge.failed', 'charge.captured', 'charge.expired', 'charge.refunded', 'charge.updated'],
  },
  refunds: { object: 'refund', types: ['refund.created', 'refund.updated', 'refund.failed', 'charge.refund.updated'] },
};

interface StripeEvent {
  id: string;
  type: string;
  created: number;
  data?: { object?: ConnectorRecord };
}

/**
 * Stripe's clock in whole seconds: the response's Date header (the clock events' `created` come
 * from, whatever this host's clock says), or this host's when a proxy dropped it.
 */
export function stripeNow(response: CallResponse): number {
  const at = Date.parse(response.headers?.get('date') ?? '');
  return Math.floor((Number.isFinite(at) ? at : Date.now()) / 1000);
}

/**
 * The checkpoint a read that started at Stripe time `now` leaves: the last whole second before
 * it, every event of which had been created when the read began. The next read asks for events
 * created after it, so an event created later in the read's own second is not missed.
 */
export const checkpointAt = (now: number) => now - 1;

const iso = (seconds: number) => new Date(seconds * 1000).toISOString();

/** Why a checkpoint is past what Stripe keeps, or null when its events are all there. */
function tooOld(since: number, now: number, object: string): string | null {
  if (since > now - EVENT_RETENTION_SECONDS + RETENTION_MARGIN_SECONDS) return null;
  return `Stripe keeps 30 days of events and the ${object} checkpoint is from ${iso(since)}: changes since then are read in full`;
}

/** The object's changes since the checkpoint `since` (Unix seconds): one page with the records, the deleted ids and the new checkpoint. */
export async function readEvents(call: ConnectorCall, object: string, since: number): Promise<ListPage> {
  const feed = OBJECT_EVENTS[object];
  // Arrays go as repeated `types[]` (https://docs.stripe.com/api/events/list).
  const path = `/v1/events?${new URLSearchParams(feed.types.map((type): [string, string] => ['types[]', type]))}`;
  const latest = new Map<string, { record: ConnectorRecord; deleted: boolean; version: number }>();
  let now: number | null = null;
  let after: string | undefined;
  for (let page = 0; page < MAX_EVENT_PAGES; page++) {
    const response = await call.request<{ data?: StripeEvent[]; has_more?: boolean }>({
      method: 'GET',
      path,
      query: { 'created[gt]': since, limit: EVENTS_PER_PAGE, starting_after: after },
    });
    if (now === null) {
      now = stripeNow(response);
      const reason = tooOld(since, now, object);
      if (reason) return { records: [], nextCursor: null, fullReadRequired: reason };
    }
    const events = response.body?.data ?? [];
    for (const event of events) {
      const record = event.data?.object;
      // Newest first: the first event seen for an object is its latest state.
      if (record?.object !== feed.object || typeof record.id !== 'string' || latest.has(record.id)) continue;
      latest.set(record.id, { record, deleted: event.type === feed.deletes, version: event.created * 1000 });
    }
    if (!response.body?.has_more || !events.length) {
      const changes = [...latest.values()].reverse(); // oldest change first
      return {
        records: changes.filter((c) => !c.deleted).map((c) => c.record),
        deleted: changes.filter((c) => c.deleted).map((c) => String(c.record.id)),
        // The event's `created` versions the state it carries, as for a webhook event (event-apply.ts).
        versions: Object.fromEntries(changes.map((c) => [String(c.record.id), c.version])),
        nextCursor: null,
        checkpoint: Math.max(since, checkpointAt(now)),
      };
    }
    after = events[events.length - 1].id;
  }
  const count = (MAX_EVENT_PAGES * EVENTS_PER_PAGE).toLocaleString('en');
  return { records: [], nextCursor: null, fullReadRequired: `More than ${count} Stripe ${object} events since ${iso(since)}: a full read is cheaper` };
}
