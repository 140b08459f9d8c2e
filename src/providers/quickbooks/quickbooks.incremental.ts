import type { ConnectorCall, ConnectorRecord, ListPage } from '../../connectors/connector.handler';
import { recordVersions } from '../../connectors/event-change';

/**
 * QuickBooks' incremental read, through Change Data Capture
 * (https://developer.intuit.com/app/developer/qbo/docs/learn/explore-the-quickbooks-online-api/change-data-capture):
 * `GET /v3/company/{realmId}/cdc?entities=<Entity>&changedSince=<dateTime>` answers the full
 * payload of every entity changed since then, and a deleted one as
 * `{"domain": "QBO", "status": "Deleted", "Id": "979", "MetaData": {"LastUpdatedTime": …}}`.
 * It "can track changes within the last 30 days" (an older changedSince is a Fault: "Operation
 * cdc with changedSince date … which is older than fixed days is not supported."), and
 * "server responses can handle a maximum of 1,000 objects" with no paging, so both ask for a
 * FULL read instead. The response's `time` (Intuit's clock when it answered) is the next
 * changedSince. Customers are never deleted in QuickBooks, only made inactive (`Active: false`),
 * which CDC shows as an ordinary change.
 */

/** "Server responses can handle a maximum of 1,000 objects." */
export const CDC_MAX_OBJECTS = 1000;

interface CdcBody {
  CDCResponse?: { QueryResponse?: Record<string, unknown>[] }[];
  time?: string;
}

/** Intuit's answer to a changedSince past its 30 days, or null for any other failure. */
function pastLookBack(error: unknown): string | null {
  const failure = error as { name?: string; status?: unknown; providerMessage?: unknown } | null;
  if (failure?.name !== 'ProviderError' || failure.status !== 400 || typeof failure.providerMessage !== 'string') return null;
  return /changedSince/i.test(failure.providerMessage) && /older than/i.test(failure.providerMessage) ? failure.providerMessage : null;
}

/** Each entity's MetaData.LastUpdatedTime: what versions its state (ListPage.versions). */
export const lastUpdatedTime = (record: ConnectorRecord) => (record.MetaData as { LastUpdatedTime?: unknown } | undefined)?.LastUpdatedTime;

export interface ChangesRequest {
  /** The company's cdc path, /v3/company/{realmId}/cdc. */
  path: string;
  entity: string;
  /** The checkpoint, an ISO 8601 timestamp already checked. */
  changedSince: string;
  minorversion: number;
  /** Whether a time Intuit answered is a timestamp fit for the next changedSince. */
  isTimestamp(value: unknown): value is string;
}

/** The entity's changes since the checkpoint: one page with the records, the deleted ids and the new checkpoint. */
export async function readChanges(call: ConnectorCall, { path, entity, changedSince, minorversion, isTimestamp }: ChangesRequest): Promise<ListPage> {
  let body: CdcBody;
  try {
    ({ body } = await call.request<CdcBody>({ method: 'GET', path, query: { entities: entity, changedSince, minorversion } }));
  } catch (error) {
    const said = pastLookBack(error);
    if (said === null) throw error;
    return {
      records: [],
      nextCursor: null,
      fullReadRequired: `QuickBooks change data capture looks back 30 days, and the ${entity} checkpoint is ${changedSince}: ${said}`,
    };
  }
  // One QueryResponse element per entity that changed; {} when nothing did.
  const changed = (body?.CDCResponse ?? [])
    .flatMap((response) => response.QueryResponse ?? [])
    .flatMap((part) => (Array.isArray(part[entity]) ? (part[entity] as ConnectorRecord[]) : []));
  if (changed.length >= CDC_MAX_OBJECTS) {
    return {
      records: [],
      nextCursor: null,
      fullReadRequired:
        `QuickBooks change data capture answers at most ${CDC_MAX_OBJECTS.toLocaleString('en')} objects and no more pages, ` +
        `and at least that many ${entity} records changed since ${changedSince}`,
    };
  }
  const isDeleted = (record: ConnectorRecord) => record.status === 'Deleted';
  const time = body?.time;
  return {
    records: changed.filter((r) => !isDeleted(r)),
    deleted: changed.filter(isDeleted).map((r) => String(r.Id)),
    // Deleted stubs carry a LastUpdatedTime too: the time of the deletion.
    ...recordVersions(changed, (r) => r.Id, lastUpdatedTime),
    nextCursor: null,
    checkpoint: isTimestamp(time) && Date.parse(time) > Date.parse(changedSince) ? time : changedSince,
  };
}
