import type { ConnectorRecord } from '../../connectors/connector.handler';
import type { EventChangeReader } from '../../connectors/event-change';
import { OBJECT_EVENTS } from './stripe.incremental';

/**
 * Stripe events carry the object (https://docs.stripe.com/api/events/object: `data.object` is
 * "the object as it was at the time of the event", `created` the event's time in Unix seconds),
 * so a realtime sync writes it as it is, with no read. The version is the event's `created`:
 * Stripe does not guarantee delivery order (https://docs.stripe.com/webhooks#event-ordering), and
 * an older event arriving late must not overwrite what a newer one wrote. Types are those the
 * incremental read lists (OBJECT_EVENTS), so both paths see the same changes.
 */
export const stripeEventChange: EventChangeReader = {
  read(event) {
    const data = event.data as { created?: unknown; data?: { object?: ConnectorRecord } } | null;
    const record = data?.data?.object;
    if (!record || typeof record.id !== 'string' || typeof data?.created !== 'number') return null;
    const entry = Object.entries(OBJECT_EVENTS).find(([, feed]) => feed.object === record.object && feed.types.includes(event.type));
    if (!entry) return null;
    const [externalObject, feed] = entry;
    return { externalObject, externalId: record.id, version: data.created * 1000, deleted: event.type === feed.deletes, record };
  },
};
