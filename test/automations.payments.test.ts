import { PayPalServer } from './providers/paypal.server';
import { StripeServer } from './providers/stripe.server';
import { startTestService, TestService } from './support/service';

const CREATE = 'mutation($input: CreateAutomationInput!) { createAutomation(input: $input) { id } }';
const PUBLISH = 'mutation($input: PublishEventInput!) { publishEvent(input: $input) { id } }';
const RUNS = 'query($id: ID!) { automation(id: $id) { runs(first: 10) { edges { node { id status result error } } } } }';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Payment actions run by automations carry the run's id as the provider's idempotency key
 * (Stripe's Idempotency-Key, PayPal's PayPal-Request-Id), so every attempt of one run is one
 * logical write that the provider deduplicates.
 */
describe('automations: payment actions keyed by the run', () => {
  let t: TestService;
  let stripe: StripeServer;
  let paypal: PayPalServer;

  const ok = async (query: string, variables?: Record<string, unknown>) => {
    const res: any = await t.gql(query, variables);
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data;
  };
  const connect = async (input: Record<string, unknown>) =>
    (await ok('mutation($input: CreateConnectionInput!) { createConnection(input: $input) { id } }', { input })).createConnection.id as string;
  const runOnce = async (connectionId: string, action: string, inputTemplate: Record<string, unknown>, data: Record<string, unknown>) => {
    const type = `payment.${action.toLowerCase()}`;
    const { id } = (await ok(CREATE, { input: { name: action, eventTypes: [type], connectionId, action, inputTemplate } })).createAutomation;
    await ok(PUBLISH, { input: { type, objectType: 'invoice', recordId: `inv-${Math.random()}`, data } });
    for (let i = 0; i < 150; i++) {
      const [run] = (await ok(RUNS, { id })).automation.runs.edges.map((e: any) => e.node);
      if (run && run.status !== 'PENDING' && run.status !== 'RUNNING') return run;
      await sleep(100);
    }
    throw new Error(`${action}: no finished run`);
  };

  beforeAll(async () => {
    [stripe, paypal] = await Promise.all([new StripeServer().start(), new PayPalServer().start()]);
    t = await startTestService({ PROVIDER_RETRY_BASE_DELAY_MS: '5' });
  });
  afterAll(async () => {
    await t?.stop();
    await Promise.all([stripe?.stop(), paypal?.stop()]);
  });

  it('confirms a Stripe PaymentIntent with the run id as Idempotency-Key', async () => {
    const connectionId = await connect({ connectorKey: 'stripe', name: 'Stripe', credentials: { apiKey: stripe.apiKey }, config: { baseUrl: stripe.url } });
    const [customer] = stripe.seedCustomers(1);
    const run = await runOnce(
      connectionId,
      'createPaymentIntent',
      { amount: 1800, currency: 'usd', customer: '{{event.data.customer}}', payment_method: 'pm_card_visa', confirm: true, payment_method_types: ['card'] },
      { customer: customer.id },
    );
    expect(run).toMatchObject({ status: 'SUCCEEDED', result: { status: 'succeeded', customer: customer.id } });
    const sent = stripe.requests.filter((r) => r.path === '/v1/payment_intents').pop()!;
    expect(sent.headers['idempotency-key']).toBe(run.id);
  });

  it('captures a PayPal order with the run id as PayPal-Request-Id', async () => {
    const connectionId = await connect({
      connectorKey: 'paypal',
      name: 'PayPal',
      authType: 'OAUTH2',
      credentials: { clientId: paypal.clientId, clientSecret: paypal.clientSecret },
      config: { baseUrl: paypal.url },
    });
    const created: any = await t.gql('mutation($id: ID!, $input: JSON!) { executeConnectorAction(connectionId: $id, action: "createOrder", input: $input) }', {
      id: connectionId,
      input: { purchase_units: [{ invoice_id: 'INV-A1', amount: { currency_code: 'EUR', value: '9.90' } }] },
    });
    const orderId = created.data.executeConnectorAction.id;
    paypal.checkout.approve(orderId);
    const run = await runOnce(connectionId, 'captureOrder', { order_id: '{{event.data.order}}' }, { order: orderId });
    expect(run).toMatchObject({ status: 'SUCCEEDED', result: { id: orderId, status: 'COMPLETED' } });
    const sent = paypal.requests.filter((r) => r.path === `/v2/checkout/orders/${orderId}/capture`).pop()!;
    expect(sent.headers['paypal-request-id']).toBe(run.id);
  });
});
