import type { ProviderRequest, Reply } from './provider-server';
import { debugId, id17, invalid, notFound, type PayPalServer } from './paypal.server';

type Row = Record<string, any>;

const UNPROCESSABLE = 'The requested action could not be performed, semantically incorrect, or failed business validation.';
/** Orders v2 capture refusals (checkout_orders_v2.json, orders.capture-422) with PayPal's descriptions. */
const ISSUES: Record<string, string> = {
  ORDER_NOT_APPROVED:
    "Payer has not yet approved the Order for payment. Please redirect the payer to the 'rel':'approve' url returned as part of the HATEOAS links within the Create Order call or provide a valid payment_source in the request.",
  INSTRUMENT_DECLINED: "The instrument presented was either declined by the processor or bank, or it can't be used for this payment.",
  ORDER_ALREADY_CAPTURED: "Order already captured.If 'intent=CAPTURE' only one capture per order is allowed.",
  DUPLICATE_INVOICE_ID:
    'Duplicate Invoice ID detected. To avoid a potential duplicate transaction your account setting requires that Invoice Id be unique for each transaction.',
};

const unprocessable = (issue: string, links: Row[] = []): Reply => ({
  status: 422,
  body: { name: 'UNPROCESSABLE_ENTITY', message: UNPROCESSABLE, debug_id: debugId(), details: [{ issue, description: ISSUES[issue] }], links },
});

/**
 * PayPal Orders v2 as documented (checkout_orders_v2.json, payments_payment_v2.json in
 * paypal/paypal-rest-api-specifications), for the stand-in: POST /v2/checkout/orders (intent and
 * purchase_units[].amount required, 400 INVALID_REQUEST naming the field otherwise; 201 with a
 * minimal {id, status, links} unless `Prefer: return=representation`), GET /v2/checkout/orders/{id},
 * POST /v2/checkout/orders/{id}/capture (422 ORDER_NOT_APPROVED until the buyer approves,
 * INSTRUMENT_DECLINED for a declined funding source, ORDER_ALREADY_CAPTURED,
 * DUPLICATE_INVOICE_ID for an invoice_id already paid), GET /v2/payments/captures/{id}.
 * PayPal-Request-Id: a POST repeated with the same id answers the first result with 200 and does
 * nothing again. A capture shows in Transaction Search as event code T0006 with its invoice_id.
 */
export class PayPalOrders {
  readonly orders = new Map<string, Row>();
  /** How each approved order's buyer pays: declined funding fails the capture. */
  private readonly funding = new Map<string, 'ok' | 'declined'>();
  private readonly replies = new Map<string, Reply>();

  constructor(private readonly server: PayPalServer) {}

  createOrder = (req: ProviderRequest): Reply => this.once(req, () => this.create(req));
  getOrder = (id: string): Reply => (this.orders.has(id) ? { body: this.orders.get(id) } : notFound());
  captureOrder = (req: ProviderRequest, id: string): Reply => this.once(req, () => this.capture(req, id));
  getCapture(id: string): Reply {
    const capture = this.server.captures.get(id);
    if (!capture) return notFound();
    const { refunded: _refunded, ...shown } = capture;
    return { body: shown };
  }

  /** The buyer approves the order at its approve link, paying with a funding source that works or is declined. */
  approve(id: string, funding: 'ok' | 'declined' = 'ok'): Row {
    const order = this.orders.get(id)!;
    Object.assign(order, {
      status: 'APPROVED',
      payer: { name: { given_name: 'Local', surname: 'Buyer' }, email_address: 'buyer@example.com', payer_id: 'QYR5Z8XDVJNXQ' },
      update_time: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    });
    this.funding.set(id, funding);
    return order;
  }

  private once(req: ProviderRequest, then: () => Reply): Reply {
    const id = req.headers['paypal-request-id'];
    if (typeof id !== 'string') return then();
    const key = `${req.method} ${req.path} ${id}`;
    const seen = this.replies.get(key);
    // "If a duplicate response is retried, returns the HTTP 200 OK status code."
    if (seen) return seen.status === 201 ? { ...seen, status: 200 } : seen;
    const reply = then();
    this.replies.set(key, reply);
    return reply;
  }

  private shape(req: ProviderRequest, order: Row, status = 201): Reply {
    const full = req.headers.prefer === 'return=representation';
    return { status, body: full ? order : { id: order.id, status: order.status, links: order.links } };
  }

  private create(req: ProviderRequest): Reply {
    const b = req.body ?? {};
    const required = (field: string) => invalid(field, 'MISSING_REQUIRED_PARAMETER', 'A required field / parameter is missing.', 'body');
    if (!b.intent) return required('/intent');
    if (b.intent !== 'CAPTURE' && b.intent !== 'AUTHORIZE') return invalid('/intent', 'INVALID_PARAMETER_VALUE', 'The value of a field is invalid.', 'body');
    if (!Array.isArray(b.purchase_units) || !b.purchase_units.length) return required('/purchase_units');
    for (const [i, unit] of b.purchase_units.entries()) if (!unit?.amount) return required(`/purchase_units/${i}/amount`);
    const id = id17();
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const base = this.server.url;
    const payerAction = b.payment_source?.paypal ? 'payer-action' : 'approve';
    const order = {
      id,
      intent: b.intent,
      status: b.payment_source?.paypal ? 'PAYER_ACTION_REQUIRED' : 'CREATED',
      ...(b.payment_source ? { payment_source: b.payment_source } : {}),
      purchase_units: b.purchase_units.map((unit: Row) => ({
        reference_id: 'default',
        ...unit,
        payee: { email_address: 'merchant@example.com', merchant_id: 'LOCALMERCHANT1' },
      })),
      create_time: now,
      links: [
        { href: `${base}/v2/checkout/orders/${id}`, rel: 'self', method: 'GET' },
        { href: `https://www.sandbox.paypal.com/checkoutnow?token=${id}`, rel: payerAction, method: 'GET' },
        { href: `${base}/v2/checkout/orders/${id}`, rel: 'update', method: 'PATCH' },
        { href: `${base}/v2/checkout/orders/${id}/capture`, rel: 'capture', method: 'POST' },
      ],
    };
    this.orders.set(id, order);
    return this.shape(req, order);
  }

  private capture(req: ProviderRequest, id: string): Reply {
    const order = this.orders.get(id);
    if (!order) return notFound();
    if (order.status === 'COMPLETED') return unprocessable('ORDER_ALREADY_CAPTURED');
    if (order.status !== 'APPROVED') return unprocessable('ORDER_NOT_APPROVED');
    if (this.funding.get(id) === 'declined') {
      // The buyer goes back to approve with another funding source.
      return unprocessable('INSTRUMENT_DECLINED', [{ href: `https://www.sandbox.paypal.com/checkoutnow?token=${id}`, rel: 'redirect', method: 'GET' }]);
    }
    const paid = [...this.server.captures.values()].map((c) => c.invoice_id).filter(Boolean);
    if (order.purchase_units.some((unit: Row) => unit.invoice_id && paid.includes(unit.invoice_id))) return unprocessable('DUPLICATE_INVOICE_ID');
    const now = new Date();
    // PayPal's times are whole seconds ("2018-04-01T21:20:49Z").
    const at = now.toISOString().replace(/\.\d+Z$/, 'Z');
    for (const unit of order.purchase_units) {
      const capture: Row = {
        id: id17(),
        status: 'COMPLETED',
        amount: unit.amount,
        final_capture: true,
        seller_protection: { status: 'ELIGIBLE', dispute_categories: ['ITEM_NOT_RECEIVED', 'UNAUTHORIZED_TRANSACTION'] },
        ...(unit.invoice_id ? { invoice_id: unit.invoice_id } : {}),
        ...(unit.custom_id ? { custom_id: unit.custom_id } : {}),
        create_time: at,
        update_time: at,
      };
      capture.links = [
        { href: `${this.server.url}/v2/payments/captures/${capture.id}`, rel: 'self', method: 'GET' },
        { href: `${this.server.url}/v2/payments/captures/${capture.id}/refund`, rel: 'refund', method: 'POST' },
        { href: `${this.server.url}/v2/checkout/orders/${id}`, rel: 'up', method: 'GET' },
      ];
      this.server.captures.set(capture.id, { ...capture, refunded: 0 });
      unit.payments = { captures: [capture] };
      const row = this.server.addTransaction(now, 'T0006', unit.amount.value, { invoice_id: unit.invoice_id, custom_field: unit.custom_id });
      row.transaction_info.transaction_id = capture.id;
    }
    Object.assign(order, { status: 'COMPLETED', update_time: at });
    return this.shape(req, order);
  }
}
