import { ConnectorDefinition, ObjectDefinition, field } from '../../connectors/connector.definition';
import { AuthType, ConnectorCategory, ConnectorType, FieldType } from '../../connectors/connector.enums';
import { ConnectorHandler, ConnectorRecord, ListPage, UnsupportedObjectError } from '../../connectors/connector.handler';
import { BadUserInputError } from '../../errors';
import { identifyPayPalPayer } from './paypal.identity';
import { CAPTURES_OBJECT, getCapture, ORDER_ACTIONS, orderActionHandlers } from './paypal.orders';
import { isReported, listReporting } from './paypal.reporting';
import { money, writeHeaders } from './paypal.shared';

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
 * - captures: Orders v2 payments, listed from Transaction Search with event code T0006, fetched
 *   with GET /v2/payments/captures/{id}; createOrder and captureOrder make them (paypal.orders.ts).
 * Transaction Search reads are in paypal.reporting.ts.
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
  CAPTURES_OBJECT,
];

const INVOICE_PAGE_MAX = 100;

/** The REST APIs' error shape, or OAuth's at the token endpoint. */
interface PayPalErrorBody {
  name?: string;
  message?: string;
  debug_id?: string;
  details?: { issue?: string; description?: string }[];
  error?: string;
  error_description?: string;
}

const invoicePath = (id?: string) => (id === undefined ? '/v2/invoicing/invoices' : `/v2/invoicing/invoices/${encodeURIComponent(id)}`);

function requireInvoices(object: string): void {
  if (object !== 'invoices') throw new UnsupportedObjectError('PayPal', `${object} are read-only here`);
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
    if (isReported(object)) return listReporting(call, object, cursor, pageSize, since);
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
    if (object === 'captures') return getCapture(call, id);
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
    ...orderActionHandlers,
    async refundCapture(call, input, options) {
      const { capture_id: captureId, request_id: given, ...body } = input;
      const requestId = given ?? options?.idempotencyKey;
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

  // PayPal deduplicates these POSTs on PayPal-Request-Id (sent with the automation run's id): a resend cannot act twice.
  actionRecovery: Object.fromEntries(['createOrder', 'captureOrder', 'refundCapture'].map((name) => [name, { idempotentWithKey: true }])),

  parseError(body) {
    const error = (body ?? {}) as PayPalErrorBody;
    if (typeof error.error === 'string') return { code: error.error, message: error.error_description ?? error.error };
    const detail = error.details?.[0];
    const text = detail?.description ?? error.message;
    // debug_id is what PayPal support asks for, so it stays with the message.
    return { code: detail?.issue ?? error.name, message: text && (error.debug_id ? `${text} (debug_id ${error.debug_id})` : text) };
  },
};

export const paypal: ConnectorDefinition = {
  key: 'paypal',
  name: 'PayPal',
  description: 'Invoices, orders and their captures, transactions and refunds through the PayPal REST APIs.',
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
      'https://uri.paypal.com/services/payments/payment/authcapture',
    ],
    clientAuth: 'basic',
    grant: 'client_credentials',
  },
  // PayPal publishes no fixed budget (it throttles with 429 RATE_LIMIT_REACHED): DESIGN.md's default.
  rateLimit: { strategy: 'token_bucket', limit: 30, windowSeconds: 1 },
  credentialFields: { [AuthType.OAUTH2]: ['clientId', 'clientSecret'] },
  objects: OBJECTS,
  actions: [
    ...ORDER_ACTIONS,
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
