import { BuiltInCrmStore } from '../src/sync/crm/built-in-crm-store';
import { StripeServer } from './providers/stripe.server';
import { startTestService, TestService } from './support/service';
import { syncKit } from './support/crm-object-fixtures';

const ACTION = 'mutation($id: ID!, $action: String!, $input: JSON!) { executeConnectorAction(connectionId: $id, action: $action, input: $input) }';
const SUGGEST = `query($id: ID!, $object: String!, $target: String!) {
  suggestFieldMappingsForConnection(connectionId: $id, object: $object, targetObject: $target) { sourceField targetField transform { type params } } }`;

/**
 * Stripe subscriptions into HotCRM's `subscription` object: the suggester reads the connector's
 * subscription fields with Stripe's conventions (minor units, Unix seconds), the full read lists
 * canceled subscriptions too (status=all), account_id is the HotCRM account linked to the
 * subscription's customer, and an incremental read (the Events API) carries a later cancellation.
 */
describe('sync: Stripe subscriptions → subscription', () => {
  let t: TestService;
  let stripe: StripeServer;
  let crm: BuiltInCrmStore;
  let connectionId: string;

  const gql = (q: string, v?: Record<string, unknown>) => t.gql(q, v) as Promise<any>;
  const ok = async (q: string, v?: Record<string, unknown>) => {
    const res = await gql(q, v);
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data;
  };
  const action = async (name: string, input: Record<string, unknown>) => (await ok(ACTION, { id: connectionId, action: name, input })).executeConnectorAction;
  // The mapping + manual config and the run-and-wait every sync test uses (test/support).
  const kit = () => syncKit(gql);
  const sync = (configId: string, mode?: string) => kit().run(configId, mode);
  const config = (sourceObject: string, targetObject: string, rules: unknown[]) => kit().config(connectionId, sourceObject, targetObject, rules);
  const linked = async (externalObject: string, externalId: string) =>
    (
      await t.service.db.query(
        `SELECT internal_id FROM external_link WHERE organization_id = 'default' AND connection_id = $1 AND external_object = $2 AND external_id = $3`,
        [connectionId, externalObject, externalId],
      )
    )[0]?.internal_id as string | undefined;
  const record = async (externalId: string) => {
    const id = (await linked('subscriptions', externalId))!;
    return (await crm.get('default', 'subscription', [id])).get(id)?.data;
  };

  beforeAll(async () => {
    stripe = await new StripeServer().start();
    t = await startTestService({ PROVIDER_RETRY_BASE_DELAY_MS: '5', SYNC_RETRY_BASE_SECONDS: '0' });
    crm = new BuiltInCrmStore(t.service.db);
    connectionId = (
      await ok('mutation($input: CreateConnectionInput!) { createConnection(input: $input) { id } }', {
        input: { connectorKey: 'stripe', name: 'Stripe', credentials: { apiKey: stripe.apiKey }, config: { baseUrl: stripe.url } },
      })
    ).createConnection.id;
  });
  afterAll(async () => {
    await t?.stop();
    await stripe?.stop();
  });

  it('suggests the subscription mapping from the connector’s fields and Stripe’s conventions', async () => {
    const suggestions = (await ok(SUGGEST, { id: connectionId, object: 'subscriptions', target: 'subscription' })).suggestFieldMappingsForConnection;
    const by = Object.fromEntries(suggestions.map((s: any) => [s.targetField, s]));
    expect(by.account_id).toMatchObject({ sourceField: 'customer', transform: { type: 'REFERENCE', params: { object: 'customers' } } });
    expect(by.plan_name?.sourceField).toBe('items.data.0.price.nickname');
    expect(by.quantity?.sourceField).toBe('items.data.0.quantity');
    expect(by.amount).toMatchObject({ sourceField: 'items.data.0.price.unit_amount', transform: { type: 'CENTS_TO_DECIMAL' } });
    expect(by.interval?.sourceField).toBe('items.data.0.price.recurring.interval');
    expect(by.current_period_end).toMatchObject({ sourceField: 'current_period_end', transform: { type: 'DATE_FORMAT', params: { from: 'unix' } } });
    expect(by.canceled_at).toMatchObject({ sourceField: 'canceled_at', transform: { type: 'DATE_FORMAT', params: { from: 'unix' } } });
    // Stripe's currency is lower case; nothing in the schema says so, so no UPPERCASE is suggested.
    expect(by.currency_code).toMatchObject({ sourceField: 'currency', transform: null });
  });

  it('syncs active and canceled subscriptions with account_id = the HotCRM account of the linked customer, and a later cancellation incrementally', async () => {
    const [ada, grace] = stripe.seedCustomers(2);
    for (const c of [ada, grace]) stripe.update('customers', c.id, { invoice_settings: { default_payment_method: 'pm_card_visa' } });
    const team = stripe.billing.addPrice(1250, 'week', { nickname: 'Team' }); // a week: the period ends within the 30 days of events Stripe keeps;
    const active = await action('createSubscription', { customer: ada.id, items: [{ price: team.id, quantity: 4 }] });
    const ended = await action('createSubscription', { customer: grace.id, items: [{ price: team.id, quantity: 1 }] });
    await action('cancelSubscription', { subscription_id: ended.id });

    const customers = await config('customers', 'account', [
      { sourceField: 'name', targetField: 'name' },
      { sourceField: 'email', targetField: 'email' },
    ]);
    const suggested = (await ok(SUGGEST, { id: connectionId, object: 'subscriptions', target: 'subscription' })).suggestFieldMappingsForConnection;
    const rules = suggested.map((s: any) => ({ sourceField: s.sourceField, targetField: s.targetField, ...(s.transform ? { transform: s.transform } : {}) }));
    const subscriptions = await config('subscriptions', 'subscription', rules);

    expect(await sync(customers)).toMatchObject({ status: 'COMPLETED', recordsCreated: 2 });
    expect(await sync(subscriptions, 'FULL')).toMatchObject({ status: 'COMPLETED', recordsCreated: 2, recordsFailed: 0 });
    const listed = stripe.requests.filter((r) => r.method === 'GET' && r.path === '/v1/subscriptions');
    expect(listed.every((r) => r.query.get('status') === 'all')).toBe(true);

    const adaAccount = await linked('customers', ada.id);
    expect(await record(active.id)).toMatchObject({
      account_id: adaAccount,
      plan_name: 'Team',
      status: 'active',
      quantity: 4,
      amount: 12.5,
      interval: 'week',
      current_period_end: new Date(active.current_period_end * 1000).toISOString(),
    });
    const canceled = stripe.store.get('subscriptions')!.find((s) => s.id === ended.id)!;
    expect(await record(ended.id)).toMatchObject({
      account_id: await linked('customers', grace.id),
      status: 'canceled',
      canceled_at: new Date((canceled.canceled_at as number) * 1000).toISOString(),
    });

    // Canceled at period end: still active (with canceled_at set), then canceled once the period ends.
    await action('cancelSubscription', { subscription_id: active.id, at_period_end: true });
    stripe.billing.endPeriod(active.id);
    const next = await sync(subscriptions);
    expect(next).toMatchObject({ status: 'COMPLETED', mode: 'INCREMENTAL', recordsUpdated: 1, recordsFailed: 0 });
    expect(await record(active.id)).toMatchObject({ account_id: adaAccount, status: 'canceled', canceled_at: expect.any(String) });
  });
});
