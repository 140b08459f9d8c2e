import type { ConnectorRecord } from '../../connectors/connector.handler';
import { epochMs, EventChangeReader } from '../../connectors/event-change';
import { lastUpdatedTime } from './quickbooks.incremental';

/** The entities the connector lists (quickbooks.connector.ts): events of others name nothing a sync reads. */
const LISTED = new Set(['Customer', 'Invoice', 'Payment']);

/**
 * QuickBooks webhooks name the entity, not its state
 * (https://developer.intuit.com/app/developer/qbo/docs/develop/webhooks: `{name, id, operation,
 * lastUpdated}`, or the CloudEvents `intuitentityid` and `time`), so a realtime sync reads that one
 * entity (GET /v3/company/{realmId}/{entity}/{id}) and versions it by its
 * MetaData.LastUpdatedTime. `Delete` is a deletion, versioned by the event's time; Merge and Void
 * are read like updates (a voided invoice is still there, at zero).
 */
export const quickbooksEventChange: EventChangeReader = {
  read(event) {
    const [entity, operation] = event.type.split('.');
    const version = epochMs(event.occurredAt);
    if (!entity || !LISTED.has(entity) || !event.recordId || version === null) return null;
    return { externalObject: entity, externalId: event.recordId, version, deleted: operation === 'Delete' };
  },
  versionOf(record: ConnectorRecord) {
    return epochMs(lastUpdatedTime(record));
  },
};
