import { randomBytes } from 'node:crypto';
import { bearer, ProviderRequest, ProviderServer, Reply } from './provider-server';

type StripeObject = Record<string, unknown> & { id: string; object: string; created: number };

const PREFIX: Record<string, string> = { customers: 'cus', invoices: 'in', payment_intents: 'pi', charges: 'ch', refunds: 're', subscriptions: 'sub' };
const SINGULAR: Record<string, string> = {
  customers: 'customer',
  invoices: 'invoice',
  payment_intents: 'payment_intent',
  charges: 'charge',
  refunds: 'refund',
  subscriptions: 'subscription',
};

/**
 * Stripe's API as documented (https://docs.stripe.com/api): Bearer secret key, lists newest first
 * with limit (1-100), starting_after, has_more and created[gt]; form-encoded writes with bracket
 * nesting; errors as {error: {type, code, message}} with the HTTP status Stripe uses.
 */
export class StripeServer extends ProviderServer {
  readonly store = new Map<string, StripeObject[]>(Object.keys(PREFIX).map((name) => [name, []]));
  private clock = 1_700_000_000;

  constructor(
    readonly apiKey = 'sk_test_51LocalStripeKey4242',
    readonly accountId = 'acct_1LocalStripeAcct01',
  ) {
    super();
    // GET /v1/account (https://docs.stripe.com/api/accounts/retrieve): the key's own account; before /v1/:object, which would take it.
    this.on('GET', '/v1/account', (req) => this.authed(req, () => ({ body: this.account() })));
    this.on('GET', '/v1/balance', (req) =>
      this.authed(req, () => ({ body: { object: 'balance', available: [{ amount: 0, currency: 'usd' }], livemode: false } })),
    );
    this.on('GET', '/v1/:object', (req, [object]) => this.authed(req, () => this.list(object, req)));
    this.on('GET', '/v1/:object/:id', (req, [object, id]) => this.authed(req, () => this.retrieve(object, id)));
    this.on('POST', '/v1/customers', (req) => this.authed(req, () => this.once(req, () => ({ body: this.add('customers', unflatten(req.body)) }))));
    this.on('POST', '/v1/customers/:id', (req, [id]) => this.authed(req, () => this.once(req, () => this.modify('customers', id, unflatten(req.body)))));
    this.on('POST', '/v1/payment_intents', (req) => this.authed(req, () => this.once(req, () => this.createPaymentIntent(unflatten(req.body)))));
    this.on('POST', '/v1/refunds', (req) => this.authed(req, () => this.once(req, () => this.createRefund(unflatten(req.body)))));
  }

  /** The account object as GET /v1/account answers it (required: id, object). */
  account(): Record<string, unknown> {
    return {
      id: this.accountId,
      object: 'account',
      business_profile: { name: 'HotCRM Local', url: null },
      charges_enabled: true,
      country: 'US',
      created: 1_690_000_000,
      default_currency: 'usd',
      details_submitted: true,
      email: 'owner@example.com',
      payouts_enabled: true,
      type: 'standard',
      metadata: {},
      settings: {},
    };
  }

  /** Adds an object as Stripe would store it (ids and created timestamps increase). */
  add(object: string, fields: Record<string, unknown>): StripeObject {
    const row = {
      id: `${PREFIX[object]}_${randomBytes(7).toString('hex')}`,
      object: SINGULAR[object],
      created: ++this.clock,
      livemode: false,
      metadata: {},
      ...fields,
    } as StripeObject;
    this.store.get(object)!.push(row);
    return row;
  }

  seedCustomers(count: number): StripeObject[] {
    return Array.from({ length: count }, (_, i) =>
      this.add('customers', {
        name: `Customer ${i}`,
        email: `customer${i}@example.com`,
        phone: `+1555000${String(i).padStart(4, '0')}`,
        address: { city: 'Berlin', country: 'DE' },
      }),
    );
  }

  /** Stripe's idempotency: a POST repeated with the same Idempotency-Key gets the first answer. */
  private readonly idempotent = new Map<string, Reply>();
  private once(req: ProviderRequest, then: () => Reply): Reply {
    const key = req.headers['idempotency-key'];
    if (typeof key !== 'string') return then();
    const seen = this.idempotent.get(key);
    if (seen) return seen;
    const reply = then();
    this.idempotent.set(key, reply);
    return reply;
  }

  private authed(req: ProviderRequest, then: () => Reply): Reply {
    const key = bearer(req);
    if (key !== this.apiKey) {
      return { status: 401, body: { error: { type: 'invalid_request_error', message: `Invalid API Key provided: ${(key ?? '').slice(0, 8)}********` } } };
    }
    return then();
  }

  private list(object: string, req: ProviderRequest): Reply {
    const rows = this.store.get(object);
    if (!rows) return { status: 404, body: { error: { type: 'invalid_request_error', message: `Unrecognized request URL (GET: /v1/${object}).` } } };
    const limit = Number(req.query.get('limit') ?? 10);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
      return {
        status: 400,
        body: {
          error: {
            type: 'invalid_request_error',
            code: 'parameter_invalid_integer',
            param: 'limit',
            message: 'Invalid integer: limit must be between 1 and 100',
          },
        },
      };
    }
    const createdGt = req.query.get('created[gt]');
    let newestFirst = [...rows].sort((a, b) => b.created - a.created || (a.id < b.id ? 1 : -1));
    if (createdGt) newestFirst = newestFirst.filter((r) => r.created > Number(createdGt));
    const after = req.query.get('starting_after');
    const start = after ? newestFirst.findIndex((r) => r.id === after) + 1 : 0;
    if (after && start === 0)
      return {
        status: 400,
        body: { error: { type: 'invalid_request_error', code: 'resource_missing', param: 'starting_after', message: `No such object: '${after}'` } },
      };
    const data = newestFirst.slice(start, start + limit);
    return { body: { object: 'list', url: `/v1/${object}`, has_more: start + limit < newestFirst.length, data } };
  }

  private retrieve(object: string, id: string): Reply {
    const row = this.store.get(object)?.find((r) => r.id === id);
    return row
      ? { body: row }
      : {
          status: 404,
          body: { error: { type: 'invalid_request_error', code: 'resource_missing', param: 'id', message: `No such ${SINGULAR[object] ?? object}: '${id}'` } },
        };
  }

  private modify(object: string, id: string, fields: Record<string, unknown>): Reply {
    const row = this.store.get(object)?.find((r) => r.id === id);
    if (!row) return this.retrieve(object, id);
    Object.assign(row, fields);
    return { body: row };
  }

  private createPaymentIntent(fields: Record<string, unknown>): Reply {
    if (!fields.amount || !fields.currency) {
      return {
        status: 400,
        body: {
          error: { type: 'invalid_request_error', code: 'parameter_missing', param: fields.amount ? 'currency' : 'amount', message: 'Missing required param.' },
        },
      };
    }
    return { body: this.add('payment_intents', { ...fields, amount: Number(fields.amount), status: 'requires_payment_method' }) };
  }

  private createRefund(fields: Record<string, unknown>): Reply {
    const target = (fields.payment_intent ?? fields.charge) as string | undefined;
    const source = this.store.get(fields.payment_intent ? 'payment_intents' : 'charges')!.find((r) => r.id === target);
    if (!source)
      return { status: 400, body: { error: { type: 'invalid_request_error', code: 'resource_missing', message: `No such payment_intent: '${target}'` } } };
    return { body: this.add('refunds', { ...fields, amount: Number(fields.amount ?? source.amount), currency: source.currency, status: 'succeeded' }) };
  }
}

/** `address[city]=X` back to {address: {city: X}}. */
function unflatten(form: Record<string, string>): Record<string, unknown> {
  const out: Record<string, any> = {};
  for (const [key, value] of Object.entries(form)) {
    const parts = key.replace(/\]/g, '').split('[');
    let node = out;
    parts.forEach((part, i) => {
      if (i === parts.length - 1) node[part] = value;
      else node = node[part] ??= {};
    });
  }
  return out;
}
