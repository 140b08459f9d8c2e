import type { ConnectorRecord } from '../../connectors/connector.handler';
import { epochMs, EventChangeReader } from '../../connectors/event-change';

/** resourceData's @odata.type (the verifier's objectType) as the connector's objects. */
const OBJECTS: Record<string, string> = { message: 'messages', event: 'events' };

/**
 * Graph change notifications name the resource, not its state
 * (https://learn.microsoft.com/graph/change-notifications-overview: `changeType` created, updated
 * or deleted, `resourceData` with `@odata.type` and `id`; without rich notifications no content),
 * so a realtime sync reads that one message or event and versions it by its lastModifiedDateTime.
 * A `deleted` notification is a deletion, versioned by the time it was received: Graph sends no time.
 */
export const outlookEventChange: EventChangeReader = {
  read(event) {
    const object = event.objectType ? OBJECTS[event.objectType.toLowerCase()] : undefined;
    if (!object || !event.recordId || !['created', 'updated', 'deleted'].includes(event.type)) return null;
    const version = epochMs(event.occurredAt) ?? Date.now();
    return { externalObject: object, externalId: event.recordId, version, deleted: event.type === 'deleted' };
  },
  versionOf(record: ConnectorRecord) {
    return epochMs(record.lastModifiedDateTime);
  },
};
