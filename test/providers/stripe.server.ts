import { randomBytes } from 'node:crypto';
import { bearer, ProviderRequest, ProviderServer, Reply } from './provider-server';
import { StripeBilling } from './stripe-billing';
import { StripeEventLog } from './stripe-events';

type StripeObject = Record<string, unknown> & { id: string; object: string; created: number };

const PREFIX: Record<string, string> = {
  customers: 'cus',
  invoices: 'in',
  payment_intents: 'pi',
  charges: 'ch',
  refunds: 're',
  subscriptions: 'sub',
  prices: 'price',
};
const SINGULAR: Record<string, string> = {
  customers: 'customer',
  invoices: 'invoice',
  payment_intents: 'payment_intent',
  charges: 'charge',
  refunds: 'refund',
  subscriptions: 'subscription',
  prices: 'price',
};
/** What each object's event names start with (https://docs.stripe.com/api/events/types). */
const EVENT_PREFIX: Record<string, string> = { ...SINGULAR, subscriptions: 'customer.subscription' };
/** Objects Stripe deletes (DELETE /v1/<object>/{id}); subscriptions are canceled instead, and stay listed. */
const DELETABLE = new Set(['customers', 'invoices']);
/** `status` values of GET /v1/subscriptions; without one, every subscription that is not canceled. */
const SUBSCRIPTION_STATUSES = ['active', 'all', 'canceled', 'ended', 'incomplete', 'incomplete_expired', 'past_due', 'paused', 'trialing', 'unpaid'];

/**
 * Stripe's API as documented (https://docs.stripe.com/api): Bearer secret key, lists newest first
 * with limit (1-100), starting_after, has_more and created[gt]; subscriptions filtered by `status`
 * (canceled ones only with `all`, `canceled` or `ended`); form-encoded writes with bracket nesting;
 * deletes answering the {id, object, deleted: true} stub, which GET then returns for a customer;
 * every change recorded as an event for GET /v1/events (stripe-events.ts); a Date header on
 * each answer from the server's clock (a second after its last write), the clock `created` values
 * come from; errors as {error: {type, code, message}} with the HTTP status Stripe uses.
 */
export class StripeServer extends ProviderServer {
  readonly store = new Map<string, StripeObject[]>(Object.keys(PREFIX).map((name) => [name, []]));
  readonly events = new StripeEventLog();
  /** PaymentIntents confirmed with a payment method, prices and subscriptions (stripe-billing.ts). */
  readonly billing = new StripeBilling(this);
  private readonly deleted = new Map<string, Record<string, unknown>>();
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
    this.on('GET', '/v1/events', (req) => this.authed(req, () => this.events.list(req.query, this.now())));
    this.on('GET', '/v1/events/:id', (req, [id]) => this.authed(req, () => this.events.retrieve(id, this.now())));
    this.on('GET', '/v1/:object', (req, [object]) => this.authed(req, () => this.list(object, req)));
    this.on('GET', '/v1/:object/:id', (req, [object, id]) => this.authed(req, () => this.retrieve(object, id)));
    this.on('POST', '/v1/customers', (req) =>
      this.authed(req, () => this.once(req, () => ({ body: this.add('customers', unflatten(req.body), requestOf(req)) }))),
    );
    this.on('POST', '/v1/customers/:id', (req, [id]) => this.authed(req, () => this.once(req, () => this.modify('customers', id, unflatten(req.body), req))));
    this.on('DELETE', '/v1/:object/:id', (req, [object, id]) => this.authed(req, () => this.remove(object, id, req)));
    this.on('POST', '/v1/payment_intents', (req) => this.authed(req, () => this.once(req, () => this.billing.createPaymentIntent(unflatten(req.body)))));
    this.on('POST', '/v1/subscriptions', (req) => this.authed(req, () => this.once(req, () => this.billing.createSubscription(unflatten(req.body)))));
    this.on('POST', '/v1/subscriptions/:id', (req, [id]) =>
      this.authed(req, () => this.once(req, () => this.billing.updateSubscription(id, unflatten(req.body)))),
    );
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

  /** Stripe's clock (Unix seconds): a second after the last write. */
  now(): number {
    return this.clock + 1;
  }

  /** Lets `seconds` pass (a checkpoint ages; events older than 30 days leave GET /v1/events). */
  advance(seconds: number): void {
    this.clock += seconds;
  }

  /** Adds an object as Stripe would store it (ids and created timestamps increase), with its `<object>.created` event. */
  add(object: string, fields: Record<string, unknown>, request?: Request): StripeObject {
    const row = {
      id: `${PREFIX[object]}_${randomBytes(7).toString('hex')}`,
      object: SINGULAR[object],
      created: ++this.clock,
      livemode: false,
      metadata: {},
      ...fields,
    } as StripeObject;
    this.store.get(object)!.push(row);
    this.events.record(`${EVENT_PREFIX[object]}.created`, row, row.created, { request });
    return row;
  }

  /** An edit made in Stripe (the Dashboard, another integration): the object changes and an update event is recorded. */
  update(object: string, id: string, fields: Record<string, unknown>, type = `${EVENT_PREFIX[object]}.updated`): StripeObject {
    const reply = this.modify(object, id, fields, undefined, type);
    if (reply.status) throw new Error(`No ${object} ${id}`);
    return reply.body as StripeObject;
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

  /**
   * Stripe's idempotency (https://docs.stripe.com/api/idempotent_requests): a POST repeated with
   * the same Idempotency-Key gets the first answer, errors included, marked Idempotent-Replayed;
   * the same key with other parameters or another endpoint is a 400 idempotency_error.
   */
  private readonly idempotent = new Map<string, { request: string; reply: Reply }>();
  private once(req: ProviderRequest, then: () => Reply): Reply {
    const key = req.headers['idempotency-key'];
    if (typeof key !== 'string') return then();
    const request = `${req.method} ${req.path} ${req.raw}`;
    const seen = this.idempotent.get(key);
    if (seen && seen.request !== request) {
      return {
        status: 400,
        body: {
          error: {
            type: 'idempotency_error',
            message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
          },
        },
      };
    }
    if (seen) return { ...seen.reply, headers: { ...seen.reply.headers, 'idempotent-replayed': 'true' } };
    const reply = then();
    this.idempotent.set(key, { request, reply });
    return reply;
  }

  private authed(req: ProviderRequest, then: () => Reply): Reply {
    const key = bearer(req);
    const reply: Reply =
      key === this.apiKey
        ? then()
        : { status: 401, body: { error: { type: 'invalid_request_error', message: `Invalid API Key provided: ${(key ?? '').slice(0, 8)}********` } } };
    return { ...reply, headers: { ...reply.headers, date: new Date(this.now() * 1000).toUTCString() } };
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
    const status = object === 'subscriptions' ? req.query.get('status') : null;
    if (status !== null && !SUBSCRIPTION_STATUSES.includes(status)) {
      return {
        status: 400,
        body: { error: { type: 'invalid_request_error', param: 'status', message: `Invalid status: must be one of ${SUBSCRIPTION_STATUSES.join(', ')}` } },
      };
    }
    const createdGt = req.query.get('created[gt]');
    let newestFirst = [...rows].sort((a, b) => b.created - a.created || (a.id < b.id ? 1 : -1));
    if (createdGt) newestFirst = newestFirst.filter((r) => r.created > Number(createdGt));
    if (object === 'subscriptions') newestFirst = newestFirst.filter((r) => subscriptionListed(String(r.status), status));
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
    const row = this.store.get(object)?.find((r) => r.id === id) ?? (object === 'customers' ? this.deleted.get(id) : undefined);
    return row
      ? { body: row }
      : {
          status: 404,
          body: { error: { type: 'invalid_request_error', code: 'resource_missing', param: 'id', message: `No such ${SINGULAR[object] ?? object}: '${id}'` } },
        };
  }

  private modify(object: string, id: string, fields: Record<string, unknown>, req?: ProviderRequest, type = `${EVENT_PREFIX[object]}.updated`): Reply {
    const row = this.store.get(object)?.find((r) => r.id === id);
    if (!row) return this.retrieve(object, id);
    const previous = Object.fromEntries(
      Object.entries(fields)
        .filter(([key, value]) => JSON.stringify(row[key]) !== JSON.stringify(value))
        .map(([key]) => [key, row[key] ?? null]),
    );
    Object.assign(row, fields);
    // Stripe sends an update event only when something changed.
    if (Object.keys(previous).length) this.events.record(type, row, ++this.clock, { previous, request: req && requestOf(req) });
    return { body: row };
  }

  /**
   * DELETE /v1/<object>/{id}: customers and draft invoices are deleted (the answer is the deleted
   * stub and a `*.deleted` event carries the object as it was); a subscription is canceled
   * (https://docs.stripe.com/api/subscriptions/cancel): it stays, with status canceled, and
   * `customer.subscription.deleted` is recorded.
   */
  remove(object: string, id: string, req?: ProviderRequest): Reply {
    const rows = this.store.get(object);
    const at = rows?.findIndex((r) => r.id === id) ?? -1;
    if (!rows || (!DELETABLE.has(object) && object !== 'subscriptions')) {
      return { status: 404, body: { error: { type: 'invalid_request_error', message: `Unrecognized request URL (DELETE: /v1/${object}/${id}).` } } };
    }
    if (at < 0) return this.retrieve(object, id);
    const row = rows[at];
    const request = req && requestOf(req);
    if (object === 'subscriptions') {
      if (row.status === 'canceled') return this.retrieve(object, id);
      Object.assign(row, { status: 'canceled', canceled_at: this.clock + 1, ended_at: this.clock + 1 });
      this.events.record('customer.subscription.deleted', row, ++this.clock, { request });
      return { body: row };
    }
    if (object === 'invoices' && row.status !== 'draft') {
      return { status: 400, body: { error: { type: 'invalid_request_error', message: 'You can only delete draft invoices.' } } };
    }
    rows.splice(at, 1);
    const stub = { id, object: row.object, deleted: true };
    if (object === 'customers') this.deleted.set(id, stub);
    this.events.record(`${EVENT_PREFIX[object]}.deleted`, row, ++this.clock, { request });
    return { body: stub };
  }

  private createRefund(fields: Record<string, unknown>): Reply {
    const target = (fields.payment_intent ?? fields.charge) as string | undefined;
    const source = this.store.get(fields.payment_intent ? 'payment_intents' : 'charges')!.find((r) => r.id === target);
    if (!source)
      return { status: 400, body: { error: { type: 'invalid_request_error', code: 'resource_missing', message: `No such payment_intent: '${target}'` } } };
    return { body: this.add('refunds', { ...fields, amount: Number(fields.amount ?? source.amount), currency: source.currency, status: 'succeeded' }) };
  }
}

type Request = { id: string | null; idempotency_key: string | null };

/** An event's `request`: the API request that caused it (its id and Idempotency-Key). */
function requestOf(req: ProviderRequest): Request {
  const key = req.headers['idempotency-key'];
  return { id: `req_${randomBytes(7).toString('hex')}`, idempotency_key: typeof key === 'string' ? key : null };
}

/** GET /v1/subscriptions' `status` filter: none lists all but canceled; `ended` is canceled and incomplete_expired. */
function subscriptionListed(status: string, filter: string | null): boolean {
  if (filter === null) return status !== 'canceled';
  if (filter === 'all') return true;
  if (filter === 'ended') return status === 'canceled' || status === 'incomplete_expired';
  return status === filter;
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
