import { randomUUID } from 'node:crypto';
import { ConnectorDefinition, ObjectDefinition, field } from '../../connectors/connector.definition';
import { AuthType, ConnectorCategory, ConnectorType, FieldType } from '../../connectors/connector.enums';
import { ConnectorHandler, ConnectorRecord, ListPage, UnsupportedObjectError } from '../../connectors/connector.handler';
import { identifyStripeAccount } from './stripe.identity';
import { checkpointAt, readEvents, stripeNow } from './stripe.incremental';
import { STRIPE_ACTIONS, stripeActionHandlers, stripeActionRecovery } from './stripe.actions';
import { stripeForm } from './stripe.form';

export { stripeForm };

/**
 * Stripe (https://docs.stripe.com/api): secret key as Bearer, form-encoded writes, lists paged
 * with `limit` + `starting_after` + `has_more`, errors as {error: {type, code, message}}.
 * A full read lists the object (subscriptions with `status=all`, canceled ones included); an
 * incremental read goes through the Events API (stripe.incremental.ts), the one place Stripe shows
 * edits and deletions: list endpoints filter on `created` only.
 */
const f = field;

const OBJECTS: ObjectDefinition[] = [
  {
    name: 'customers',
    supportsIncremental: true,
    supportsWrite: true,
    fields: [
      f('id', FieldType.STRING, true),
      f('name', FieldType.STRING),
      f('email', FieldType.EMAIL),
      f('phone', FieldType.PHONE),
      f('description', FieldType.STRING),
      f('currency', FieldType.STRING),
      f('balance', FieldType.INTEGER),
      f('address.line1', FieldType.STRING),
      f('address.city', FieldType.STRING),
      f('address.state', FieldType.STRING),
      f('address.postal_code', FieldType.STRING),
      f('address.country', FieldType.STRING),
      f('created', FieldType.DATETIME),
      f('metadata', FieldType.OBJECT),
    ],
  },
  {
    name: 'invoices',
    supportsIncremental: true,
    supportsWrite: false,
    fields: [
      f('id', FieldType.STRING, true),
      f('number', FieldType.STRING),
      f('customer', FieldType.STRING, false, 'customers'),
      f('status', FieldType.ENUM),
      f('currency', FieldType.STRING),
      f('total', FieldType.CURRENCY),
      f('amount_paid', FieldType.CURRENCY),
      f('amount_due', FieldType.CURRENCY),
      f('due_date', FieldType.DATETIME),
      f('created', FieldType.DATETIME),
    ],
  },
  {
    name: 'payment_intents',
    supportsIncremental: true,
    supportsWrite: false,
    fields: [
      f('id', FieldType.STRING, true),
      f('amount', FieldType.CURRENCY),
      f('currency', FieldType.STRING),
      f('status', FieldType.ENUM),
      f('customer', FieldType.STRING, false, 'customers'),
      f('invoice', FieldType.STRING, false, 'invoices'),
      f('created', FieldType.DATETIME),
    ],
  },
  {
    name: 'charges',
    supportsIncremental: true,
    supportsWrite: false,
    fields: [
      f('id', FieldType.STRING, true),
      f('amount', FieldType.CURRENCY),
      f('currency', FieldType.STRING),
      f('status', FieldType.ENUM),
      f('paid', FieldType.BOOLEAN),
      f('customer', FieldType.STRING, false, 'customers'),
      f('invoice', FieldType.STRING, false, 'invoices'),
      f('created', FieldType.DATETIME),
    ],
  },
  {
    name: 'refunds',
    supportsIncremental: true,
    supportsWrite: false,
    fields: [
      f('id', FieldType.STRING, true),
      f('amount', FieldType.CURRENCY),
      f('currency', FieldType.STRING),
      f('status', FieldType.ENUM),
      f('charge', FieldType.STRING, false, 'charges'),
      f('payment_intent', FieldType.STRING, false, 'payment_intents'),
      f('created', FieldType.DATETIME),
    ],
  },
  {
    // Written through the subscription actions (createSubscription, updateSubscription,
    // cancelSubscription), not as records: a subscription is made from prices, not fields. The
    // first item's price stands for the plan (most subscriptions have one item). `ended_at` is
    // left out of the schema: the suggester would tie it with canceled_at (both capped at 0.95)
    // and take the shorter name; records still carry it for a rule that names it.
    name: 'subscriptions',
    supportsIncremental: true,
    supportsWrite: false,
    fields: [
      f('id', FieldType.STRING, true),
      f('customer', FieldType.STRING, false, 'customers'),
      f('status', FieldType.ENUM),
      f('currency', FieldType.STRING),
      f('items.data.0.price.nickname', FieldType.STRING),
      f('items.data.0.price.product', FieldType.STRING),
      f('items.data.0.price.unit_amount', FieldType.CURRENCY),
      f('items.data.0.price.recurring.interval', FieldType.ENUM),
      f('items.data.0.quantity', FieldType.INTEGER),
      f('current_period_start', FieldType.DATETIME),
      f('current_period_end', FieldType.DATETIME),
      f('cancel_at_period_end', FieldType.BOOLEAN),
      f('cancel_at', FieldType.DATETIME),
      f('canceled_at', FieldType.DATETIME),
      f('created', FieldType.DATETIME),
    ],
  },
];

const WRITABLE = new Set(OBJECTS.filter((o) => o.supportsWrite).map((o) => o.name));
const MAX_PAGE_SIZE = 100;

/**
 * Stripe's idempotency keys make a POST safe to resend after a reset or 5xx (the provider client
 * only retries uncertain POSTs that carry one): one key per logical write, reused by its retries.
 */
const idempotent = () => ({ 'idempotency-key': randomUUID() });

function objectPath(object: string): string {
  if (!OBJECTS.some((o) => o.name === object)) throw new UnsupportedObjectError('Stripe', `has no object "${object}" here`);
  return `/v1/${object}`;
}

const handler: ConnectorHandler = {
  async test(call) {
    await call.request({ method: 'GET', path: '/v1/balance' });
  },

  identify: identifyStripeAccount,

  async list(call, object, { cursor, pageSize, since }): Promise<ListPage> {
    const path = objectPath(object);
    if (typeof since === 'number') return readEvents(call, object, since);
    const query: Record<string, string | number> = { limit: Math.min(pageSize ?? MAX_PAGE_SIZE, MAX_PAGE_SIZE) };
    if (cursor) query.starting_after = cursor;
    // "If no value is supplied, all subscriptions that have not been canceled are returned."
    if (object === 'subscriptions') query.status = 'all';
    const response = await call.request<{ data: ConnectorRecord[]; has_more: boolean }>({ method: 'GET', path, query });
    const records = response.body.data ?? [];
    return {
      records,
      nextCursor: response.body.has_more && records.length ? String(records[records.length - 1].id) : null,
      // A full read's checkpoint is Stripe's clock when it began: the events after it are the
      // changes it may not have seen. Later pages leave it as it is.
      checkpoint: cursor ? undefined : checkpointAt(stripeNow(response)),
    };
  },

  async get(call, object, id) {
    return (await call.request<ConnectorRecord>({ method: 'GET', path: `${objectPath(object)}/${encodeURIComponent(id)}` })).body;
  },

  async create(call, object, data, options) {
    if (!WRITABLE.has(object)) throw new UnsupportedObjectError('Stripe', `${object} are read-only here`);
    const headers = options?.idempotencyKey ? { 'idempotency-key': options.idempotencyKey } : idempotent();
    return (await call.request<ConnectorRecord>({ method: 'POST', path: objectPath(object), form: stripeForm(data), headers })).body;
  },

  async update(call, object, id, data) {
    if (!WRITABLE.has(object)) throw new UnsupportedObjectError('Stripe', `${object} are read-only here`);
    return (
      await call.request<ConnectorRecord>({
        method: 'POST',
        path: `${objectPath(object)}/${encodeURIComponent(id)}`,
        form: stripeForm(data),
        headers: idempotent(),
      })
    ).body;
  },

  actions: stripeActionHandlers,
  actionRecovery: stripeActionRecovery,

  parseError(body) {
    const error = (body as { error?: { code?: string; type?: string; message?: string; decline_code?: string } })?.error;
    // A card decline's reason (insufficient_funds, lost_card, ...) is in decline_code, not code.
    const decline = error?.decline_code && error.decline_code !== error.code ? ` (decline_code ${error.decline_code})` : '';
    return { code: error?.code ?? error?.type, message: error?.message && `${error.message}${decline}` };
  },
};

export const stripe: ConnectorDefinition = {
  key: 'stripe',
  name: 'Stripe',
  description: 'Payments, customers, invoices and subscriptions.',
  provider: 'stripe',
  category: ConnectorCategory.PAYMENT,
  connectorType: ConnectorType.REST_API,
  authTypes: [AuthType.API_KEY],
  baseUrl: 'https://api.stripe.com',
  version: '2024-06-20',
  icon: null,
  rateLimit: { strategy: 'token_bucket', limit: 100, windowSeconds: 1 },
  credentialFields: { [AuthType.API_KEY]: ['apiKey'] },
  objects: OBJECTS,
  actions: STRIPE_ACTIONS,
  handler,
};
