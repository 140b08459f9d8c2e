import { randomUUID } from 'node:crypto';
import { ConnectorDefinition, ObjectDefinition, field } from '../../connectors/connector.definition';
import { AuthType, ConnectorCategory, ConnectorType, FieldType } from '../../connectors/connector.enums';
import { ConnectorCall, ConnectorHandler, ConnectorRecord, ListPage, UnsupportedObjectError } from '../../connectors/connector.handler';
import { BadUserInputError } from '../../errors';
import { identifyPayPalPayer } from './paypal.identity';

/**
 * PayPal REST (https://developer.paypal.com/api/rest/): an app's client id and secret buy a Bearer
 * token at /v1/oauth2/token (client credentials, HTTP Basic); errors are
 * {name, message, debug_id, details: [{issue, description}]} (the token endpoint uses OAuth's
 * {error, error_description}).
 *
 * - invoices: Invoicing v2, pages numbered from 1 (`page`, `page_size` ≤ 100); totals only come
 *   back with `total_required=true`. The list has no date filter, so no incremental reads.
 * - transactions: Transaction Search, which needs a start_date/end_date window of at most 31 days
 *   and pages within it (`page`, `page_size` ≤ 500, `total_pages`). Data shows up to three hours
 *   late, so the checkpoint trails the end of the read by that much (re-reads are idempotent).
 * - refunds: PayPal has no "list refunds" endpoint; only GET /v2/payments/refunds/{id}. Refunds are
 *   listed from Transaction Search with event code T1107 (payment refund), whose transaction id
 *   is the refund id, and `get` returns the full refund from the Payments API.
 */
const f = field;

const OBJECTS: ObjectDefinition[] = [
  {
    name: 'invoices',
    supportsIncremental: false,
    supportsWrite: true,
    fields: [
      f('id', FieldType.STRING, true),
      f('status', FieldType.ENUM),
      f('detail.invoice_number', FieldType.STRING),
      f('detail.currency_code', FieldType.STRING, true),
      f('detail.invoice_date', FieldType.DATE),
      f('detail.payment_term.due_date', FieldType.DATE),
      f('detail.note', FieldType.STRING),
      f('primary_recipients', FieldType.ARRAY),
      f('items', FieldType.ARRAY),
      f('amount.value', FieldType.CURRENCY),
      f('due_amount.value', FieldType.CURRENCY),
      f('detail.metadata.create_time', FieldType.DATETIME),
    ],
  },
  {
    name: 'transactions',
    supportsIncremental: true,
    supportsWrite: false,
    fields: [
      f('id', FieldType.STRING, true),
      f('transaction_info.transaction_event_code', FieldType.STRING),
      f('transaction_info.transaction_status', FieldType.ENUM),
      f('transaction_info.transaction_amount.value', FieldType.CURRENCY),
      f('transaction_info.transaction_amount.currency_code', FieldType.STRING),
      f('transaction_info.fee_amount.value', FieldType.CURRENCY),
      f('transaction_info.invoice_id', FieldType.STRING),
      f('transaction_info.transaction_initiation_date', FieldType.DATETIME),
      f('transaction_info.transaction_updated_date', FieldType.DATETIME),
      f('payer_info.email_address', FieldType.EMAIL),
      f('payer_info.payer_name.alternate_full_name', FieldType.STRING),
    ],
  },
  {
    name: 'refunds',
    supportsIncremental: true,
    supportsWrite: false,
    fields: [
      f('id', FieldType.STRING, true),
      f('status', FieldType.ENUM),
      f('amount.value', FieldType.CURRENCY),
      f('amount.currency_code', FieldType.STRING),
      f('capture_id', FieldType.STRING),
      f('invoice_id', FieldType.STRING),
      f('note_to_payer', FieldType.STRING),
      f('create_time', FieldType.DATETIME),
      f('update_time', FieldType.DATETIME),
    ],
  },
];

const INVOICE_PAGE_MAX = 100;
const REPORTING_PAGE_MAX = 500;
const DAY_MS = 86_400_000;
/** Transaction Search's widest window. */
const WINDOW_MS = 31 * DAY_MS;
/** How far back Transaction Search reaches (three years) when neither a checkpoint nor config.startDate says. */
const HISTORY_MS = 3 * 365 * DAY_MS;
/** "It takes a maximum of three hours for executed transactions to appear." */
const REPORTING_LAG_MS = 3 * 3_600_000;
/** Empty windows are skipped within one list call, but no more than this many, to bound its latency. */
const MAX_WINDOWS_PER_CALL = 6;
const REFUND_EVENT_CODE = 'T1107';
const REFUND_STATUS: Record<string, string> = { S: 'COMPLETED', P: 'PENDING', D: 'FAILED', V: 'CANCELLED' };

interface Money {
  currency_code: string;
  value: string;
}
interface TransactionDetail {
  transaction_info: Record<string, unknown> & { transaction_id: string; transaction_amount?: Money };
  [part: string]: unknown;
}
interface SearchResponse {
  transaction_details?: TransactionDetail[];
  page?: number;
  total_pages?: number;
}
/** Where a reporting read stands: window [s, e), page p, and the fixed end u of this run. */
interface WindowCursor {
  s: number;
  e: number;
  p: number;
  u: number;
}
/** The REST APIs' error shape, or OAuth's at the token endpoint. */
interface PayPalErrorBody {
  name?: string;
  message?: string;
  debug_id?: string;
  details?: { issue?: string; description?: string }[];
  error?: string;
  error_description?: string;
}

const encode = (cursor: WindowCursor) => Buffer.from(JSON.stringify(cursor)).toString('base64url');
function decode(cursor: string): WindowCursor {
  let parsed: WindowCursor | null;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as WindowCursor | null;
  } catch {
    parsed = null;
  }
  if (!parsed || ![parsed.s, parsed.e, parsed.p, parsed.u].every(Number.isFinite)) throw new BadUserInputError('Not a PayPal reporting cursor', 'cursor');
  return parsed;
}

function firstWindow(call: ConnectorCall, since: unknown): WindowCursor {
  const now = Date.now();
  const configured = typeof call.config.startDate === 'string' ? Date.parse(call.config.startDate) : NaN;
  const checkpoint = typeof since === 'string' ? Date.parse(since) : NaN;
  const from = Math.min(now, Math.max(now - HISTORY_MS, Number.isFinite(checkpoint) ? checkpoint : Number.isFinite(configured) ? configured : 0));
  return { s: from, e: Math.min(from + WINDOW_MS, now), p: 1, u: now };
}

function nextWindow(at: WindowCursor): WindowCursor | null {
  return at.e >= at.u ? null : { s: at.e, e: Math.min(at.e + WINDOW_MS, at.u), p: 1, u: at.u };
}

/** A reporting row as a refund, in the Payments API's field names (amounts there are positive). */
function asRefund(row: TransactionDetail): ConnectorRecord {
  const info = row.transaction_info;
  const amount = info.transaction_amount;
  return {
    id: info.transaction_id,
    status: REFUND_STATUS[String(info.transaction_status)] ?? info.transaction_status,
    amount: amount ? { currency_code: amount.currency_code, value: amount.value.replace(/^-/, '') } : undefined,
    capture_id: info.paypal_reference_id,
    invoice_id: info.invoice_id,
    note_to_payer: info.transaction_note,
    create_time: info.transaction_initiation_date,
    update_time: info.transaction_updated_date,
  };
}

async function listReporting(
  call: ConnectorCall,
  object: 'transactions' | 'refunds',
  cursor: string | null | undefined,
  pageSize: number | undefined,
  since: unknown,
): Promise<ListPage> {
  let at = cursor ? decode(cursor) : firstWindow(call, since);
  const settled = at.u - REPORTING_LAG_MS;
  for (let hop = 0; ; hop++) {
    const { body } = await call.request<SearchResponse>({
      method: 'GET',
      path: '/v1/reporting/transactions',
      query: {
        start_date: new Date(at.s).toISOString(),
        end_date: new Date(at.e).toISOString(),
        page: at.p,
        page_size: Math.min(pageSize ?? 100, REPORTING_PAGE_MAX),
        fields: 'transaction_info,payer_info',
        balance_affecting_records_only: 'Y',
        transaction_type: object === 'refunds' ? REFUND_EVENT_CODE : undefined,
      },
    });
    const rows = body.transaction_details ?? [];
    const next = (body.page ?? at.p) < (body.total_pages ?? 0) ? { ...at, p: at.p + 1 } : nextWindow(at);
    // Everything before the window still being read is done; the last hours may still fill in.
    const checkpoint = new Date(Math.min(next ? next.s : at.u, settled)).toISOString();
    if (rows.length || !next || hop + 1 >= MAX_WINDOWS_PER_CALL) {
      const records = object === 'refunds' ? rows.map(asRefund) : rows.map((row) => ({ id: row.transaction_info.transaction_id, ...row }));
      return { records, nextCursor: next ? encode(next) : null, checkpoint };
    }
    at = next;
  }
}

const invoicePath = (id?: string) => (id === undefined ? '/v2/invoicing/invoices' : `/v2/invoicing/invoices/${encodeURIComponent(id)}`);

function requireInvoices(object: string): void {
  if (object !== 'invoices') throw new UnsupportedObjectError('PayPal', `${object} are read-only here`);
}

/** PayPal's idempotency header: a retried POST with the same id returns the first result. */
function writeHeaders(requestId?: unknown): Record<string, string> {
  return { prefer: 'return=representation', 'paypal-request-id': typeof requestId === 'string' ? requestId : randomUUID() };
}

/** Replaces `base` fields with `patch` ones, nested objects field by field (PUT needs the whole invoice). */
function merge(base: Record<string, unknown>, patch: Record<string, unknown>): Record<string, unknown> {
  const out = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    const current = out[key];
    const nested = value && typeof value === 'object' && !Array.isArray(value) && current && typeof current === 'object' && !Array.isArray(current);
    out[key] = nested ? merge(current as Record<string, unknown>, value as Record<string, unknown>) : value;
  }
  return out;
}

const handler: ConnectorHandler = {
  async test(call) {
    await call.request({ method: 'GET', path: invoicePath(), query: { page: 1, page_size: 1 } });
  },

  identify: identifyPayPalPayer,

  async list(call, object, { cursor, pageSize, since }): Promise<ListPage> {
    if (object === 'transactions' || object === 'refunds') return listReporting(call, object, cursor, pageSize, since);
    requireInvoices(object);
    const page = cursor ? Number(cursor) : 1;
    if (!Number.isInteger(page) || page < 1) throw new BadUserInputError('Not a PayPal invoices cursor', 'cursor');
    const { body } = await call.request<{ items?: ConnectorRecord[]; total_pages?: number }>({
      method: 'GET',
      path: invoicePath(),
      query: { page, page_size: Math.min(pageSize ?? INVOICE_PAGE_MAX, INVOICE_PAGE_MAX), total_required: true },
    });
    const records = body.items ?? [];
    return { records, nextCursor: records.length && page < (body.total_pages ?? 0) ? String(page + 1) : null };
  },

  async get(call, object, id) {
    if (object === 'transactions')
      throw new UnsupportedObjectError('PayPal', 'Transaction Search cannot fetch one transaction without a date window; list transactions instead');
    if (object === 'refunds') return (await call.request<ConnectorRecord>({ method: 'GET', path: `/v2/payments/refunds/${encodeURIComponent(id)}` })).body;
    requireInvoices(object);
    return (await call.request<ConnectorRecord>({ method: 'GET', path: invoicePath(id) })).body;
  },

  /** Creates a draft invoice; sendInvoice sends it. */
  async create(call, object, data) {
    requireInvoices(object);
    return (await call.request<ConnectorRecord>({ method: 'POST', path: invoicePath(), json: data, headers: writeHeaders() })).body;
  },

  /** Invoicing v2 only replaces whole invoices (PUT), so the change is merged into the current one. */
  async update(call, object, id, data) {
    requireInvoices(object);
    const { body: current } = await call.request<ConnectorRecord>({ method: 'GET', path: invoicePath(id) });
    const { links: _links, ...replacement } = merge(current, data);
    return (await call.request<ConnectorRecord>({ method: 'PUT', path: invoicePath(id), json: replacement, headers: writeHeaders() })).body;
  },

  actions: {
    async refundCapture(call, input) {
      const { capture_id: captureId, request_id: requestId, ...body } = input;
      const path = `/v2/payments/captures/${encodeURIComponent(String(captureId))}/refund`;
      // PayPal dedupes by PayPal-Request-Id, so a resend after a reset cannot refund twice.
      return (await call.request({ method: 'POST', path, json: body, headers: writeHeaders(requestId), idempotent: true })).body;
    },
    async sendInvoice(call, input) {
      const { invoice_id: invoiceId, ...body } = input;
      const { status, body: link } = await call.request<{ href?: string } | null>({
        method: 'POST',
        path: `${invoicePath(String(invoiceId))}/send`,
        json: body,
      });
      // 200: sent now; 202: the invoice date is in the future, so PayPal sends it on that date.
      return { invoice_id: invoiceId, status: status === 202 ? 'SCHEDULED' : 'SENT', href: link?.href ?? null };
    },
  },

  parseError(body) {
    const error = (body ?? {}) as PayPalErrorBody;
    if (typeof error.error === 'string') return { code: error.error, message: error.error_description ?? error.error };
    const detail = error.details?.[0];
    const text = detail?.description ?? error.message;
    // debug_id is what PayPal support asks for, so it stays with the message.
    return { code: detail?.issue ?? error.name, message: text && (error.debug_id ? `${text} (debug_id ${error.debug_id})` : text) };
  },
};

const money = {
  type: 'object',
  required: ['value', 'currency_code'],
  additionalProperties: false,
  properties: { value: { type: 'string', pattern: '^\\d{1,10}(\\.\\d{1,3})?$' }, currency_code: { type: 'string', pattern: '^[A-Z]{3}$' } },
};

export const paypal: ConnectorDefinition = {
  key: 'paypal',
  name: 'PayPal',
  description: 'Invoices, transactions and refunds through the PayPal REST APIs.',
  provider: 'paypal',
  category: ConnectorCategory.PAYMENT,
  connectorType: ConnectorType.REST_API,
  authTypes: [AuthType.OAUTH2],
  baseUrl: 'https://api-m.paypal.com',
  version: 'v2',
  icon: null,
  oauth: {
    authorizationUrl: 'https://www.paypal.com/signin/authorize',
    tokenUrl: 'https://api-m.paypal.com/v1/oauth2/token',
    // Client-credentials tokens carry the scopes enabled on the REST app; these are the ones used here.
    defaultScopes: [
      'https://uri.paypal.com/services/invoicing',
      'https://uri.paypal.com/services/reporting/search/read',
      'https://uri.paypal.com/services/payments/refund',
    ],
    clientAuth: 'basic',
    grant: 'client_credentials',
  },
  // PayPal publishes no fixed budget (it throttles with 429 RATE_LIMIT_REACHED): DESIGN.md's default.
  rateLimit: { strategy: 'token_bucket', limit: 30, windowSeconds: 1 },
  credentialFields: { [AuthType.OAUTH2]: ['clientId', 'clientSecret'] },
  objects: OBJECTS,
  actions: [
    {
      name: 'refundCapture',
      description: 'Refunds a captured payment in full, or in part with amount (POST /v2/payments/captures/{capture_id}/refund).',
      inputSchema: {
        type: 'object',
        required: ['capture_id'],
        properties: {
          capture_id: { type: 'string', minLength: 1 },
          amount: money,
          invoice_id: { type: 'string', maxLength: 127 },
          note_to_payer: { type: 'string', maxLength: 255 },
          custom_id: { type: 'string', maxLength: 127 },
          request_id: { type: 'string', maxLength: 108, description: 'PayPal-Request-Id; reuse it to retry without refunding twice.' },
        },
        additionalProperties: false,
      },
    },
    {
      name: 'sendInvoice',
      description: 'Sends a draft invoice, or schedules it for its future invoice date (POST /v2/invoicing/invoices/{id}/send).',
      inputSchema: {
        type: 'object',
        required: ['invoice_id'],
        properties: {
          invoice_id: { type: 'string', minLength: 1 },
          subject: { type: 'string', maxLength: 4000 },
          note: { type: 'string', maxLength: 4000 },
          send_to_invoicer: { type: 'boolean' },
          send_to_recipient: { type: 'boolean' },
          additional_recipients: { type: 'array', maxItems: 100, items: { type: 'string', format: 'email' } },
        },
        additionalProperties: false,
      },
    },
  ],
  handler,
};
