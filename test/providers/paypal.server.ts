import { createSign, createVerify, generateKeyPairSync, KeyObject, randomBytes, randomUUID } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { PayPalOrders } from './paypal-orders';
import { bearer, ProviderRequest, ProviderServer, Reply } from './provider-server';

type Row = Record<string, any>;

const DAY_MS = 86_400_000;
export const id17 = () => randomBytes(9).toString('hex').toUpperCase().slice(0, 17);
const invoiceId = () => `INV2-${Array.from({ length: 5 }, () => randomBytes(2).toString('hex').toUpperCase()).join('-')}`;

/**
 * PayPal's REST APIs as documented (https://developer.paypal.com/api/rest/): client-credentials
 * tokens at /v1/oauth2/token (HTTP Basic), Bearer on every call with 401 AUTHENTICATION_FAILURE
 * otherwise, Invoicing v2 (page/page_size ≤ 100, totals only with total_required=true), Transaction
 * Search (start_date/end_date required, ≤ 31 days, page/page_size ≤ 500, total_pages), Payments v2
 * refunds (PayPal-Request-Id idempotency), Orders v2 and captures (paypal-orders.ts), errors as
 * {name, message, debug_id, details[]}.
 */
export class PayPalServer extends ProviderServer {
  readonly invoices: Row[] = [];
  readonly transactions: Row[] = [];
  readonly captures = new Map<string, Row>();
  readonly refunds = new Map<string, Row>();
  readonly validTokens = new Set<string>();
  tokenRequests = 0;
  refuseClient = false;
  /** The app's List Balances permission (…/reporting/balances/read), and the payer id balances.get answers as account_id. */
  listBalances = true;
  payerId = 'WDJJHEBZ4X2LY';
  private readonly byRequestId = new Map<string, Row>();
  /** Orders v2 and the captures it makes (paypal-orders.ts); `checkout.approve(id)` is the buyer approving. */
  readonly checkout = new PayPalOrders(this);

  constructor(
    readonly clientId = 'AeLocalPayPalClientId0001',
    readonly clientSecret = 'EKLocalPayPalClientSecret0001',
  ) {
    super();
    this.on('POST', '/v1/oauth2/token', (req) => this.token(req));
    this.on('GET', '/v2/invoicing/invoices', (req) => this.authed(req, () => this.listInvoices(req)));
    this.on('POST', '/v2/invoicing/invoices', (req) => this.authed(req, () => this.createInvoice(req)));
    this.on('GET', '/v2/invoicing/invoices/:id', (req, [id]) => this.authed(req, () => this.withInvoice(id, (inv) => ({ body: inv }))));
    this.on('PUT', '/v2/invoicing/invoices/:id', (req, [id]) =>
      this.authed(req, () => this.withInvoice(id, (inv) => ({ body: Object.assign(inv, req.body, { id }) }))),
    );
    this.on('POST', '/v2/invoicing/invoices/:id/send', (req, [id]) => this.authed(req, () => this.withInvoice(id, (inv) => this.send(inv))));
    this.on('GET', '/v1/reporting/transactions', (req) => this.authed(req, () => this.search(req)));
    this.on('GET', '/v1/reporting/balances', (req) => this.authed(req, () => this.balances()));
    this.on('GET', '/v2/payments/refunds/:id', (req, [id]) => this.authed(req, () => (this.refunds.has(id) ? { body: this.refunds.get(id) } : notFound())));
    this.on('POST', '/v2/checkout/orders', (req) => this.authed(req, () => this.checkout.createOrder(req)));
    this.on('GET', '/v2/checkout/orders/:id', (req, [id]) => this.authed(req, () => this.checkout.getOrder(id)));
    this.on('POST', '/v2/checkout/orders/:id/capture', (req, [id]) => this.authed(req, () => this.checkout.captureOrder(req, id)));
    this.on('GET', '/v2/payments/captures/:id', (req, [id]) => this.authed(req, () => this.checkout.getCapture(id)));
    this.on('POST', '/v2/payments/captures/:id/refund', (req, [id]) => this.authed(req, () => this.refund(req, id)));
    this.on('POST', '/v1/notifications/verify-webhook-signature', (req) => this.authed(req, () => this.verifyWebhookSignature(req)));
    this.on('GET', '/v1/notifications/certs/:name', () => ({
      headers: { 'content-type': 'application/x-pem-file' },
      body: this.signingKey.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
    }));
  }

  /** Webhooks registered in the app (what PayPal's dashboard lists); verification needs one of them. */
  readonly webhookIds = new Set<string>();
  private signingKeyPair?: { publicKey: KeyObject; privateKey: KeyObject };

  private get signingKey() {
    this.signingKeyPair ??= generateKeyPairSync('rsa', { modulusLength: 2048 });
    return this.signingKeyPair;
  }

  /** A webhook as POST /v1/notifications/webhooks would create it; returns its id. */
  registerWebhook(): string {
    const id = `${randomBytes(8).toString('hex').toUpperCase()}${Date.now()}`;
    this.webhookIds.add(id);
    return id;
  }

  /**
   * A notification as PayPal delivers it: the event JSON and the transmission headers, signed
   * the documented way (SHA256withRSA over `<transmission id>|<time>|<webhook id>|<CRC32 of the body>`).
   */
  signWebhook(event: Row, webhookId: string): { body: string; headers: Record<string, string> } {
    const body = JSON.stringify(event);
    const transmissionId = randomUUID();
    const time = new Date().toISOString();
    const signature = createSign('sha256')
      .update(`${transmissionId}|${time}|${webhookId}|${crc32(body)}`)
      .sign(this.signingKey.privateKey, 'base64');
    return {
      body,
      headers: {
        'content-type': 'application/json',
        'paypal-transmission-id': transmissionId,
        'paypal-transmission-time': time,
        'paypal-transmission-sig': signature,
        'paypal-cert-url': `${this.url}/v1/notifications/certs/CERT-local-0001`,
        'paypal-auth-algo': 'SHA256withRSA',
      },
    };
  }

  /**
   * POST /v1/notifications/verify-webhook-signature: all of auth_algo, cert_url, transmission_id,
   * transmission_sig, transmission_time, webhook_id and webhook_event are required (400
   * INVALID_REQUEST otherwise); the answer is {verification_status: SUCCESS | FAILURE}.
   */
  private verifyWebhookSignature(req: ProviderRequest): Reply {
    const b = req.body ?? {};
    const required = ['auth_algo', 'cert_url', 'transmission_id', 'transmission_sig', 'transmission_time', 'webhook_id'];
    const missing =
      required.find((name) => typeof b[name] !== 'string' || !b[name]) ?? (b.webhook_event && typeof b.webhook_event === 'object' ? null : 'webhook_event');
    if (missing)
      return {
        status: 400,
        body: {
          name: 'INVALID_REQUEST',
          message: 'Request is not well-formed, syntactically incorrect, or violates schema.',
          debug_id: debugId(),
          details: [{ field: `/${missing}`, location: 'body', issue: 'MISSING_REQUIRED_PARAMETER', description: 'A required field is missing.' }],
        },
      };
    const trusted = b.cert_url.startsWith(`${this.url}/v1/notifications/certs/`) && b.auth_algo === 'SHA256withRSA' && this.webhookIds.has(b.webhook_id);
    const signed = `${b.transmission_id}|${b.transmission_time}|${b.webhook_id}|${crc32(JSON.stringify(b.webhook_event))}`;
    const valid = trusted && createVerify('sha256').update(signed).verify(this.signingKey.publicKey, b.transmission_sig, 'base64');
    return { body: { verification_status: valid ? 'SUCCESS' : 'FAILURE' } };
  }

  expireAccessTokens(): void {
    this.validTokens.clear();
  }

  seedInvoices(count: number): Row[] {
    return Array.from({ length: count }, (_, i) =>
      this.addInvoice({
        detail: { currency_code: 'USD', invoice_number: `#${1000 + i}`, invoice_date: '2024-05-01' },
        amount: { currency_code: 'USD', value: `${10 + i}.00` },
      }),
    );
  }

  /** Transactions spread evenly over the last `days` days (newest an hour ago). */
  seedTransactions(count: number, days: number): Row[] {
    const now = Date.now();
    return Array.from({ length: count }, (_, i) =>
      this.addTransaction(new Date(now - 3_600_000 - Math.floor((i * days * DAY_MS) / count)), 'T0006', `${(i + 1) * 3}.50`),
    );
  }

  seedCapture(value: string, currency = 'USD'): Row {
    const capture = { id: id17(), status: 'COMPLETED', amount: { currency_code: currency, value }, refunded: 0 };
    this.captures.set(capture.id, capture);
    return capture;
  }

  private addInvoice(fields: Row): Row {
    const invoice = { id: invoiceId(), status: 'DRAFT', ...fields, detail: { ...fields.detail, metadata: { create_time: new Date().toISOString() } } };
    this.invoices.push(invoice);
    return invoice;
  }

  /** A Transaction Search row (what PayPal's reporting shows for a payment, refund, ...). */
  addTransaction(at: Date, code: string, value: string, extra: Row = {}): Row {
    const row = {
      transaction_info: {
        paypal_account_id: 'LOCALACCT12345',
        transaction_id: id17(),
        transaction_event_code: code,
        transaction_initiation_date: at.toISOString().replace(/\.\d+Z$/, '+0000'),
        transaction_updated_date: at.toISOString().replace(/\.\d+Z$/, '+0000'),
        transaction_amount: { currency_code: 'USD', value },
        transaction_status: 'S',
        ...extra,
      },
      payer_info: { email_address: 'buyer@example.com', payer_name: { alternate_full_name: 'Local Buyer' } },
    };
    this.transactions.push(row);
    return row;
  }

  private token(req: ProviderRequest): Reply {
    this.tokenRequests++;
    const basic = /^Basic (.+)$/.exec(String(req.headers.authorization ?? ''));
    const [id, secret] = basic ? Buffer.from(basic[1], 'base64').toString().split(':').map(decodeURIComponent) : [];
    if (this.refuseClient || id !== this.clientId || secret !== this.clientSecret)
      return { status: 401, body: { error: 'invalid_client', error_description: 'Client Authentication failed' } };
    if (req.body.grant_type !== 'client_credentials')
      return { status: 400, body: { error: 'unsupported_grant_type', error_description: 'Grant Type is NULL' } };
    const token = `A21AA${randomBytes(16).toString('hex')}`;
    this.validTokens.add(token);
    return {
      body: {
        scope: `https://uri.paypal.com/services/invoicing https://uri.paypal.com/services/reporting/search/read${
          this.listBalances ? ' https://uri.paypal.com/services/reporting/balances/read' : ''
        }`,
        access_token: token,
        token_type: 'Bearer',
        app_id: 'APP-80W284485P519543T',
        expires_in: 32400,
        nonce: randomUUID(),
      },
    };
  }

  private authed(req: ProviderRequest, then: () => Reply): Reply {
    if (!this.validTokens.has(bearer(req) ?? '')) {
      return {
        status: 401,
        body: {
          name: 'AUTHENTICATION_FAILURE',
          message: 'Authentication failed due to invalid authentication credentials or a missing Authorization header.',
          links: [{ href: 'https://developer.paypal.com/docs/api/overview/#error', rel: 'information_link' }],
        },
      };
    }
    return then();
  }

  /** balances.get (reporting_transactions_v1.json): balances per currency and the account's payer id; 403 NOT_AUTHORIZED without the permission. */
  private balances(): Reply {
    const [message, now, total] = ['Authorization failed due to insufficient permissions.', new Date().toISOString(), { currency_code: 'USD', value: '0.00' }];
    if (!this.listBalances) return { status: 403, body: { name: 'NOT_AUTHORIZED', message, debug_id: debugId(), details: [{ issue: 'PERMISSION_DENIED' }] } };
    const balances = [{ currency: 'USD', primary: true, total_balance: total, available_balance: total }];
    return { body: { balances, account_id: this.payerId, as_of_time: now, last_refresh_time: now } };
  }

  private listInvoices(req: ProviderRequest): Reply {
    const page = Number(req.query.get('page') ?? 1);
    const size = Number(req.query.get('page_size') ?? 20);
    if (!(page >= 1) || !(size >= 1 && size <= 100)) return invalid('page_size', 'INVALID_PARAMETER_VALUE', 'The value of a field is invalid.');
    const items = this.invoices.slice((page - 1) * size, page * size);
    const totals = req.query.get('total_required') === 'true' ? { total_items: this.invoices.length, total_pages: Math.ceil(this.invoices.length / size) } : {};
    return { body: { ...totals, items, links: [{ href: `/v2/invoicing/invoices?page=${page}&page_size=${size}`, rel: 'self', method: 'GET' }] } };
  }

  private createInvoice(req: ProviderRequest): Reply {
    if (!req.body?.detail?.currency_code) return invalid('/detail/currency_code', 'MISSING_REQUIRED_PARAMETER', 'A required field / parameter is missing.');
    const invoice = this.addInvoice(req.body);
    const self = { rel: 'self', href: `${this.url}/v2/invoicing/invoices/${invoice.id}`, method: 'GET' };
    return { status: 201, body: req.headers.prefer === 'return=representation' ? invoice : self };
  }

  private withInvoice(id: string, then: (invoice: Row) => Reply): Reply {
    const invoice = this.invoices.find((i) => i.id === id);
    return invoice ? then(invoice) : notFound();
  }

  private send(invoice: Row): Reply {
    if (invoice.status !== 'DRAFT')
      return {
        status: 422,
        body: {
          name: 'UNPROCESSABLE_ENTITY',
          message: 'The requested action could not be performed, semantically incorrect, or failed business validation.',
          debug_id: debugId(),
          details: [{ issue: 'CANNOT_SEND_INVOICE', description: 'Invoice is not in a state that allows sending.' }],
        },
      };
    const future = Date.parse(invoice.detail?.invoice_date ?? '') > Date.now();
    invoice.status = future ? 'SCHEDULED' : 'SENT';
    return { status: future ? 202 : 200, body: { href: `https://www.sandbox.paypal.com/invoice/p/#${invoice.id}`, rel: 'payer-view', method: 'GET' } };
  }

  private search(req: ProviderRequest): Reply {
    const start = Date.parse(req.query.get('start_date') ?? '');
    const end = Date.parse(req.query.get('end_date') ?? '');
    if (Number.isNaN(start) || Number.isNaN(end))
      return invalid(Number.isNaN(start) ? 'start_date' : 'end_date', 'MISSING_REQUIRED_PARAMETER', 'A required field / parameter is missing.');
    if (end - start > 31 * DAY_MS || end < start) return invalid('end_date', 'INVALID_REQUEST', 'Date range is greater than 31 days');
    const page = Number(req.query.get('page') ?? 1);
    const size = Number(req.query.get('page_size') ?? 100);
    if (!(size >= 1 && size <= 500)) return invalid('page_size', 'INVALID_PARAMETER_VALUE', 'The value of a field is invalid.');
    const type = req.query.get('transaction_type');
    const matching = this.transactions.filter((t) => {
      const at = Date.parse(t.transaction_info.transaction_initiation_date.replace(/\+0000$/, 'Z'));
      return at >= start && at < end && (!type || t.transaction_info.transaction_event_code === type);
    });
    const totalPages = Math.ceil(matching.length / size);
    return {
      body: {
        transaction_details: matching.slice((page - 1) * size, page * size),
        account_number: 'LOCALACCT12345',
        start_date: req.query.get('start_date'),
        end_date: req.query.get('end_date'),
        last_refreshed_datetime: new Date().toISOString(),
        page,
        total_items: matching.length,
        total_pages: totalPages,
        links: [],
      },
    };
  }

  private refund(req: ProviderRequest, captureId: string): Reply {
    const requestId = String(req.headers['paypal-request-id'] ?? '');
    if (requestId && this.byRequestId.has(requestId)) return { status: 201, body: this.byRequestId.get(requestId) };
    const capture = this.captures.get(captureId);
    if (!capture) return notFound();
    const amount = req.body.amount ?? { currency_code: capture.amount.currency_code, value: (Number(capture.amount.value) - capture.refunded).toFixed(2) };
    if (Number(amount.value) > Number(capture.amount.value) - capture.refunded) {
      return {
        status: 422,
        body: {
          name: 'UNPROCESSABLE_ENTITY',
          message: 'The requested action could not be performed, semantically incorrect, or failed business validation.',
          debug_id: debugId(),
          details: [
            {
              issue: 'REFUND_AMOUNT_EXCEEDED',
              description: 'The refund amount must be less than or equal to the capture amount that has not yet been refunded.',
            },
          ],
        },
      };
    }
    capture.refunded += Number(amount.value);
    const now = new Date();
    const refund = {
      id: id17(),
      amount,
      invoice_id: req.body.invoice_id,
      note_to_payer: req.body.note_to_payer,
      status: 'COMPLETED',
      create_time: now.toISOString(),
      update_time: now.toISOString(),
      links: [{ rel: 'up', href: `${this.url}/v2/payments/captures/${captureId}`, method: 'GET' }],
    };
    this.refunds.set(refund.id, refund);
    if (requestId) this.byRequestId.set(requestId, refund);
    const row = this.addTransaction(now, 'T1107', `-${amount.value}`, {
      paypal_reference_id: captureId,
      paypal_reference_id_type: 'TXN',
      invoice_id: req.body.invoice_id,
    });
    row.transaction_info.transaction_id = refund.id;
    return { status: 201, body: refund };
  }

  /** A refund in the reporting data only (as if made elsewhere), `daysAgo` in the past. */
  seedRefund(captureId: string, value: string, daysAgo: number): Row {
    return this.addTransaction(new Date(Date.now() - daysAgo * DAY_MS), 'T1107', `-${value}`, {
      paypal_reference_id: captureId,
      paypal_reference_id_type: 'TXN',
    });
  }
}

export const debugId = () => randomBytes(7).toString('hex');

export function invalid(field: string, issue: string, description: string, location = 'query'): Reply {
  return {
    status: 400,
    body: {
      name: 'INVALID_REQUEST',
      message: 'Request is not well-formed, syntactically incorrect, or violates schema.',
      debug_id: debugId(),
      details: [{ field, location, issue, description }],
    },
  };
}

export function notFound(): Reply {
  return {
    status: 404,
    body: {
      name: 'RESOURCE_NOT_FOUND',
      message: 'The specified resource does not exist.',
      debug_id: debugId(),
      details: [{ issue: 'INVALID_RESOURCE_ID', description: 'Specified resource ID does not exist. Please check the resource ID and try again.' }],
    },
  };
}
