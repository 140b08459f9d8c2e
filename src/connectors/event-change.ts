import type { ConnectorRecord } from './connector.handler';

/** A verified provider event as recorded: its type without the connector key, and the provider's JSON. */
export interface RecordedProviderEvent {
  type: string;
  data: unknown;
  objectType: string | null;
  recordId: string | null;
  occurredAt: Date | null;
}

/** The one record a provider event says changed. */
export interface EventChange {
  /** The connector object (a sync config's sourceObject): Stripe `customers`, QuickBooks `Customer`, Outlook `messages`. */
  externalObject: string;
  externalId: string;
  /** The provider's time (epoch ms) of the state the event carries or names; compared with the link's source_version. */
  version: number;
  deleted: boolean;
  /** The record as the event carries it (Stripe `data.object`); absent when the event only names it. */
  record?: ConnectorRecord;
}

/**
 * How a provider's events name the record they change, so a realtime sync updates that one record
 * instead of re-listing the object (src/sync/engine/event-apply.ts).
 */
export interface EventChangeReader {
  /** The change the event is about, or null when it names no record the connector lists. */
  read(event: RecordedProviderEvent): EventChange | null;
  /**
   * The version (epoch ms) of a record read by id (handler.get) because the event only names it
   * (QuickBooks MetaData.LastUpdatedTime, Graph lastModifiedDateTime); null falls back to the event's.
   */
  versionOf?(record: ConnectorRecord): number | null;
}

/** An ISO 8601 time as epoch milliseconds, or null. */
export function epochMs(value: unknown): number | null {
  if (typeof value !== 'string' && !(value instanceof Date)) return null;
  const at = value instanceof Date ? value.getTime() : Date.parse(value);
  return Number.isFinite(at) ? at : null;
}

/**
 * ListPage.versions of a read whose records carry their provider time (QuickBooks
 * MetaData.LastUpdatedTime, Graph lastModifiedDateTime): undefined when none does.
 */
export function recordVersions(records: ConnectorRecord[], idOf: (r: ConnectorRecord) => unknown, timeOf: (r: ConnectorRecord) => unknown) {
  const pairs = records.flatMap((r): [string, number][] => {
    const at = epochMs(timeOf(r));
    const id = idOf(r);
    return at === null || (typeof id !== 'string' && typeof id !== 'number') ? [] : [[String(id), at]];
  });
  return pairs.length ? { versions: Object.fromEntries(pairs) } : {};
}
