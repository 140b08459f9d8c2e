import { BadUserInputError, UnexpectedResponseError } from '../../errors';
import { ConnectorDefinition, ObjectDefinition, field } from '../../connectors/connector.definition';
import { AuthType, ConnectorCategory, ConnectorType, FieldType } from '../../connectors/connector.enums';
import { ConnectorCall, ConnectorHandler, ConnectorRecord, ListPage, UnsupportedObjectError } from '../../connectors/connector.handler';
import { identifyQuickBooksRealm } from './quickbooks.identity';
import { lastUpdatedTime, readChanges } from './quickbooks.incremental';
import { recordVersions } from '../../connectors/event-change';
import { CREATE_INVOICE, invoiceBody } from './quickbooks.invoice';

/**
 * QuickBooks Online Accounting API v3 (https://developer.intuit.com/app/developer/qbo/docs/api/accounting/):
 * every path is under /v3/company/{realmId}, the company the user picked when authorizing (Intuit
 * returns it as `realmId` on the OAuth redirect; it lives in the connection's config). Reads use
 * the query endpoint (`select * from Customer ... STARTPOSITION n MAXRESULTS m`, at most 1000 a
 * page); writes POST the entity, updates with Id + SyncToken (sparse, so unsent fields stay).
 * Errors are {Fault: {Error: [{Message, Detail, code}], type}}; 401s spell it {fault: {error: [...]}}.
 *
 * Paging is keyset on Metadata.LastUpdatedTime: each page asks for records at or after the last
 * time seen and skips the ones already read at exactly that time. Plain STARTPOSITION offsets
 * would skip a record whenever one on an earlier page is edited mid-read (it moves to the end).
 * That is a full read; an incremental one is Change Data Capture (quickbooks.incremental.ts),
 * which shows deletions too.
 */
const f = field;
const meta = [
  f('Id', FieldType.STRING, true),
  f('SyncToken', FieldType.STRING),
  f('MetaData.CreateTime', FieldType.DATETIME),
  f('MetaData.LastUpdatedTime', FieldType.DATETIME),
];

const OBJECTS: ObjectDefinition[] = [
  {
    name: 'Customer',
    supportsIncremental: true,
    supportsWrite: true,
    fields: [
      ...meta,
      f('DisplayName', FieldType.STRING, true),
      f('GivenName', FieldType.STRING),
      f('FamilyName', FieldType.STRING),
      f('CompanyName', FieldType.STRING),
      f('PrimaryEmailAddr.Address', FieldType.EMAIL),
      f('PrimaryPhone.FreeFormNumber', FieldType.PHONE),
      f('Mobile.FreeFormNumber', FieldType.PHONE),
      f('WebAddr.URI', FieldType.URL),
      f('BillAddr.Line1', FieldType.STRING),
      f('BillAddr.City', FieldType.STRING),
      f('BillAddr.CountrySubDivisionCode', FieldType.STRING),
      f('BillAddr.PostalCode', FieldType.STRING),
      f('BillAddr.Country', FieldType.STRING),
      f('Balance', FieldType.CURRENCY),
      f('CurrencyRef.value', FieldType.STRING),
      f('Active', FieldType.BOOLEAN),
      f('Notes', FieldType.STRING),
    ],
  },
  {
    name: 'Invoice',
    supportsIncremental: true,
    supportsWrite: true,
    fields: [
      ...meta,
      f('DocNumber', FieldType.STRING),
      f('CustomerRef.value', FieldType.STRING, true, 'Customer'),
      f('Line', FieldType.ARRAY, true),
      f('TxnDate', FieldType.DATE),
      f('DueDate', FieldType.DATE),
      f('TotalAmt', FieldType.CURRENCY),
      f('Balance', FieldType.CURRENCY),
      f('CurrencyRef.value', FieldType.STRING),
      f('BillEmail.Address', FieldType.EMAIL),
      f('EmailStatus', FieldType.ENUM),
      f('CustomerMemo.value', FieldType.STRING),
    ],
  },
  {
    name: 'Payment',
    supportsIncremental: true,
    supportsWrite: false,
    fields: [
      ...meta,
      f('CustomerRef.value', FieldType.STRING, true, 'Customer'),
      f('TotalAmt', FieldType.CURRENCY, true),
      f('UnappliedAmt', FieldType.CURRENCY),
      f('TxnDate', FieldType.DATE),
      f('PaymentRefNum', FieldType.STRING),
      f('CurrencyRef.value', FieldType.STRING),
      f('Line', FieldType.ARRAY),
    ],
  },
];

const ENTITIES = new Set(OBJECTS.map((o) => o.name));
const WRITABLE = new Set(OBJECTS.filter((o) => o.supportsWrite).map((o) => o.name));
/** Intuit retires older minor versions; 75 is the floor it accepts since 2025. */
const MINOR_VERSION = 75;
const MAX_RESULTS = 1000;
/** An ISO 8601 timestamp, and nothing that could end the quoted literal in a query. */
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/;

/** Where the next page starts: records updated at or after `after`, minus the `skip` already read at exactly that time. */
interface QueryCursor {
  after: string;
  skip: number;
}

function realmOf(call: ConnectorCall): string {
  const realmId = call.config.realmId;
  if (typeof realmId !== 'string' || !/^\d+$/.test(realmId)) {
    throw new BadUserInputError(
      'QuickBooks connections need config.realmId: the numeric company id Intuit returns as realmId when the user authorizes (updateConnection config)',
      'config.realmId',
    );
  }
  return realmId;
}

function entityOf(object: string, write = false): string {
  if (!ENTITIES.has(object)) throw new UnsupportedObjectError('QuickBooks', `has no object "${object}" here`);
  if (write && !WRITABLE.has(object)) throw new UnsupportedObjectError('QuickBooks', `${object} records are read-only here`);
  return object;
}

const companyPath = (call: ConnectorCall, rest: string) => `/v3/company/${realmOf(call)}/${rest}`;
const lastUpdated = (record: ConnectorRecord) => (record.MetaData as { LastUpdatedTime?: string } | undefined)?.LastUpdatedTime;

const isTimestamp = (value: unknown): value is string => typeof value === 'string' && TIMESTAMP.test(value);

/** A cursor is the caller's to get wrong; a checkpoint holds a time QuickBooks answered. */
function timestamp(value: unknown, what: 'cursor' | 'checkpoint'): string {
  if (isTimestamp(value)) return value;
  const detail = `${what} must be an ISO 8601 timestamp`;
  throw what === 'cursor' ? new BadUserInputError(`QuickBooks ${detail}`, 'cursor') : new UnexpectedResponseError('QuickBooks', detail);
}

function decode(cursor: string): QueryCursor {
  const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as QueryCursor;
  return { after: timestamp(parsed.after, 'cursor'), skip: Number.isInteger(parsed.skip) && parsed.skip >= 0 ? parsed.skip : 0 };
}

/** One page of the query endpoint, with Intuit's `time` (its clock when it answered). */
async function query(call: ConnectorCall, entity: string, statement: string): Promise<{ records: ConnectorRecord[]; time?: string }> {
  const { body } = await call.request<{ QueryResponse?: Record<string, unknown>; time?: string }>({
    method: 'GET',
    path: companyPath(call, 'query'),
    query: { query: statement, minorversion: MINOR_VERSION },
  });
  // An empty result is `"QueryResponse": {}`, without the entity's array.
  return { records: (body.QueryResponse?.[entity] as ConnectorRecord[] | undefined) ?? [], time: body.time };
}

async function fetchOne(call: ConnectorCall, entity: string, id: string): Promise<ConnectorRecord> {
  const path = companyPath(call, `${entity.toLowerCase()}/${encodeURIComponent(id)}`);
  const { body } = await call.request<Record<string, ConnectorRecord>>({ method: 'GET', path, query: { minorversion: MINOR_VERSION } });
  return body[entity];
}

async function save(call: ConnectorCall, entity: string, data: ConnectorRecord): Promise<ConnectorRecord> {
  const path = companyPath(call, entity.toLowerCase());
  const { body } = await call.request<Record<string, ConnectorRecord>>({ method: 'POST', path, query: { minorversion: MINOR_VERSION }, json: data });
  return body[entity];
}

interface IntuitError {
  Message?: string;
  Detail?: string;
  code?: string;
  message?: string;
  detail?: string;
}
interface IntuitFault {
  Error?: IntuitError[];
  error?: IntuitError[];
  type?: string;
}

const handler: ConnectorHandler = {
  async test(call) {
    const realmId = realmOf(call);
    await call.request({ method: 'GET', path: companyPath(call, `companyinfo/${realmId}`), query: { minorversion: MINOR_VERSION } });
  },

  identify: identifyQuickBooksRealm,

  async list(call, object, { cursor, pageSize, since }): Promise<ListPage> {
    const entity = entityOf(object);
    if (since !== undefined && since !== null) {
      const changedSince = timestamp(since, 'checkpoint');
      return readChanges(call, { path: companyPath(call, 'cdc'), entity, changedSince, minorversion: MINOR_VERSION, isTimestamp });
    }
    const position = cursor ? decode(cursor) : null;
    const max = Math.min(pageSize ?? 100, MAX_RESULTS);
    const where = position ? ` where Metadata.LastUpdatedTime >= '${position.after}'` : '';
    const statement = `select * from ${entity}${where} orderby Metadata.LastUpdatedTime startposition ${(position?.skip ?? 0) + 1} maxresults ${max}`;
    const { records, time } = await query(call, entity, statement);
    const last = records.length ? lastUpdated(records[records.length - 1]) : undefined;
    let nextCursor: string | null = null;
    if (records.length === max && last) {
      const ties = records.filter((r) => lastUpdated(r) === last).length;
      const skip = ties + (position && position.after === last ? position.skip : 0);
      nextCursor = Buffer.from(JSON.stringify({ after: last, skip } satisfies QueryCursor)).toString('base64url');
    }
    // A full read's checkpoint is Intuit's `time` when it began: CDC after it shows what the read
    // may have missed. Without one, the newest LastUpdatedTime read, which mid-read stops at the
    // time before `last` (records still unread at exactly `last` must not fall behind it).
    const versions = recordVersions(records, (r) => r.Id, lastUpdatedTime);
    if (isTimestamp(time)) return { records, ...versions, nextCursor, checkpoint: position ? undefined : time };
    const settled = nextCursor
      ? records
          .map(lastUpdated)
          .filter((at) => at && at !== last)
          .pop()
      : last;
    return { records, ...versions, nextCursor, checkpoint: settled ?? undefined };
  },

  async get(call, object, id) {
    return fetchOne(call, entityOf(object), id);
  },

  async create(call, object, data) {
    const { Id: _id, SyncToken: _token, ...fields } = data;
    return save(call, entityOf(object, true), fields);
  },

  /** Sparse update: Intuit needs the current SyncToken (optimistic locking), read first when not given. */
  async update(call, object, id, data) {
    const entity = entityOf(object, true);
    const syncToken = typeof data.SyncToken === 'string' ? data.SyncToken : (await fetchOne(call, entity, id)).SyncToken;
    return save(call, entity, { ...data, Id: id, SyncToken: syncToken, sparse: true });
  },

  actions: {
    async createInvoice(call, input) {
      return save(call, 'Invoice', invoiceBody(input));
    },
  },

  parseError(body) {
    const record = (body ?? {}) as { Fault?: IntuitFault; fault?: IntuitFault };
    const fault = record.Fault ?? record.fault;
    const error = fault?.Error?.[0] ?? fault?.error?.[0];
    const message = error?.Message ?? error?.message;
    const detail = error?.Detail ?? error?.detail;
    return { code: error?.code ?? fault?.type, message: [message, detail].filter(Boolean).join(': ') || undefined };
  },
};

export const quickbooks: ConnectorDefinition = {
  key: 'quickbooks',
  name: 'QuickBooks Online',
  description: 'Customers, invoices and payments in QuickBooks Online accounting.',
  provider: 'quickbooks',
  category: ConnectorCategory.ACCOUNTING,
  connectorType: ConnectorType.REST_API,
  authTypes: [AuthType.OAUTH2],
  baseUrl: 'https://quickbooks.api.intuit.com',
  version: 'v3',
  icon: null,
  oauth: {
    // Intuit names the company in the redirect (…&realmId=123); every API path needs it.
    callbackConfigParams: ['realmId'],
    authorizationUrl: 'https://appcenter.intuit.com/connect/oauth2',
    tokenUrl: 'https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer',
    defaultScopes: ['com.intuit.quickbooks.accounting'],
    clientAuth: 'basic',
  },
  // Intuit allows 500 requests a minute per company; one budget for all companies stays under it.
  rateLimit: { strategy: 'token_bucket', limit: 500, windowSeconds: 60 },
  objects: OBJECTS,
  actions: [CREATE_INVOICE],
  handler,
};
