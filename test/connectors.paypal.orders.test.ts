import { PayPalServer } from './providers/paypal.server';
import { startTestService, TestService } from './support/service';

const ACTION = 'mutation($id: ID!, $action: String!, $input: JSON!) { executeConnectorAction(connectionId: $id, action: $action, input: $input) }';
const RECORDS = 'query($id: ID!, $object: String!) { connectionRecords(connectionId: $id, object: $object) { records nextCursor } }';
const DAY_MS = 86_400_000;

/**
 * PayPal Orders v2 through GraphQL against the local PayPal stand-in: createOrder and
 * captureOrder with PayPal-Request-Id (a retry with the same id answers the first result), the
 * capture refusals as PayPal's issue in extensions.provider, and captures read back as an object.
 */
describe('PayPal orders and captures', () => {
  let t: TestService;
  let paypal: PayPalServer;
  let connectionId: string;

  const run = (action: string, input: Record<string, unknown>) => t.gql(ACTION, { id: connectionId, action, input }) as Promise<any>;
  const ok = async (action: string, input: Record<string, unknown>) => {
    const res = await run(action, input);
    expect(res.errors).toBeUndefined();
    return res.data.executeConnectorAction;
  };
  const unit = (invoiceId: string, value = '50.00') => ({ reference_id: invoiceId, invoice_id: invoiceId, amount: { currency_code: 'USD', value } });

  beforeAll(async () => {
    paypal = await new PayPalServer().start();
    t = await startTestService({ PROVIDER_RETRY_BASE_DELAY_MS: '5' });
    const res: any = await t.gql('mutation($input: CreateConnectionInput!) { createConnection(input: $input) { id } }', {
      input: {
        connectorKey: 'paypal',
        name: 'PayPal (local)',
        authType: 'OAUTH2',
        credentials: { clientId: paypal.clientId, clientSecret: paypal.clientSecret },
        config: { baseUrl: paypal.url, startDate: new Date(Date.now() - 5 * DAY_MS).toISOString() },
      },
    });
    expect(res.errors).toBeUndefined();
    connectionId = res.data.createConnection.id;
  });
  afterAll(async () => {
    await t?.stop();
    await paypal?.stop();
  });

  it('creates an order with intent CAPTURE and PayPal-Request-Id; the same request id creates it once', async () => {
    const input = { purchase_units: [{ ...unit('INV-100'), description: 'Annual plan', custom_id: 'acc-7' }], request_id: 'order-inv-100' };
    const order = await ok('createOrder', input);
    expect(order).toMatchObject({ status: 'CREATED', intent: 'CAPTURE', purchase_units: [{ reference_id: 'INV-100', invoice_id: 'INV-100' }] });
    expect(order.links).toContainEqual(expect.objectContaining({ rel: 'approve' }));
    const sent = paypal.requests.filter((r) => r.method === 'POST' && r.path === '/v2/checkout/orders').pop()!;
    expect(sent.body).toEqual({ intent: 'CAPTURE', purchase_units: input.purchase_units });
    expect(sent.headers).toMatchObject({ 'paypal-request-id': 'order-inv-100', prefer: 'return=representation', 'content-type': 'application/json' });
    const count = paypal.checkout.orders.size;
    expect((await ok('createOrder', input)).id).toBe(order.id);
    expect(paypal.checkout.orders.size).toBe(count);
  });

  it('refuses order input outside the schema before calling PayPal', async () => {
    const before = paypal.requests.length;
    const cases: [Record<string, unknown>, string][] = [
      [{}, 'input.purchase_units'],
      [{ purchase_units: [] }, 'input.purchase_units'],
      [{ purchase_units: [{ amount: { currency_code: 'USD', value: 50 } }] }, 'input.purchase_units.0.amount.value'],
      [{ purchase_units: [{ amount: { currency_code: 'usd', value: '5.00' } }] }, 'input.purchase_units.0.amount.currency_code'],
      [{ intent: 'AUTHORIZE', purchase_units: [unit('A')] }, 'input.intent'],
      [{ purchase_units: [{ amount: { currency_code: 'USD', value: '1.00' } }, unit('B')] }, 'input.purchase_units.0.reference_id'],
      [{ purchase_units: [{ ...unit('C'), invoice_id: 'x'.repeat(128) }] }, 'input.purchase_units.0.invoice_id'],
    ];
    for (const [input, field] of cases) {
      const res = await run('createOrder', input);
      expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    const noOrder = await run('captureOrder', { request_id: 'x' });
    expect(noOrder.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.order_id' });
    expect(paypal.requests.length).toBe(before);
  });

  it('refuses to capture before the buyer approves (ORDER_NOT_APPROVED) and a declined funding source (INSTRUMENT_DECLINED)', async () => {
    const order = await ok('createOrder', { purchase_units: [unit('INV-200')] });
    const early = await run('captureOrder', { order_id: order.id });
    expect(early.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', provider: { name: 'paypal', status: 422, code: 'ORDER_NOT_APPROVED' } });
    expect(early.errors[0].extensions.provider.message).toMatch(/not yet approved .* \(debug_id [0-9a-f]+\)$/);
    paypal.checkout.approve(order.id, 'declined');
    const declined = await run('captureOrder', { order_id: order.id });
    expect(declined.errors[0].extensions.provider).toMatchObject({ status: 422, code: 'INSTRUMENT_DECLINED' });
    const missing = await run('captureOrder', { order_id: 'NOSUCHORDER000000' });
    expect(missing.errors[0].extensions.provider).toMatchObject({ status: 404, code: 'INVALID_RESOURCE_ID' });
  });

  it('captures an approved order once, however often the same request is retried, and lists the capture with its invoice_id', async () => {
    const order = await ok('createOrder', { purchase_units: [{ ...unit('INV-300', '120.00'), custom_id: 'acc-9' }] });
    paypal.checkout.approve(order.id);
    const input = { order_id: order.id, request_id: 'capture-inv-300' };
    const done = await ok('captureOrder', input);
    expect(done).toMatchObject({ id: order.id, status: 'COMPLETED' });
    const [capture] = done.purchase_units[0].payments.captures;
    expect(capture).toMatchObject({ status: 'COMPLETED', amount: { currency_code: 'USD', value: '120.00' }, invoice_id: 'INV-300', final_capture: true });
    const sent = paypal.requests.filter((r) => r.path === `/v2/checkout/orders/${order.id}/capture`).pop()!;
    expect(sent.headers).toMatchObject({ 'paypal-request-id': 'capture-inv-300', prefer: 'return=representation' });

    const retried = await ok('captureOrder', input);
    expect(retried.purchase_units[0].payments.captures[0].id).toBe(capture.id);
    const again = await run('captureOrder', { order_id: order.id });
    expect(again.errors[0].extensions.provider).toMatchObject({ status: 422, code: 'ORDER_ALREADY_CAPTURED' });

    const res: any = await t.gql(RECORDS, { id: connectionId, object: 'captures' });
    expect(res.errors).toBeUndefined();
    expect(res.data.connectionRecords.records).toEqual([
      expect.objectContaining({
        id: capture.id,
        status: 'COMPLETED',
        amount: { currency_code: 'USD', value: '120.00' },
        invoice_id: 'INV-300',
        custom_id: 'acc-9',
      }),
    ]);
    const search = paypal.requests.filter((r) => r.path === '/v1/reporting/transactions').pop()!;
    expect(search.query.get('transaction_type')).toBe('T0006');
  });

  it('resends a capture whose answer was lost with the same PayPal-Request-Id, and PayPal captures once', async () => {
    const order = await ok('createOrder', { purchase_units: [unit('INV-400', '80.00')] });
    paypal.checkout.approve(order.id);
    const path = `/v2/checkout/orders/${order.id}/capture`;
    paypal.loseNextAnswer(path);
    const done = await ok('captureOrder', { order_id: order.id });
    expect(done.status).toBe('COMPLETED');
    const sent = paypal.requests.filter((r) => r.path === path);
    expect(sent).toHaveLength(2);
    expect(sent[1].headers['paypal-request-id']).toBe(sent[0].headers['paypal-request-id']);
    expect([...paypal.captures.values()].filter((c) => c.invoice_id === 'INV-400')).toHaveLength(1);
  });

  it('refuses a second payment of the same invoice_id (DUPLICATE_INVOICE_ID)', async () => {
    const order = await ok('createOrder', { purchase_units: [unit('INV-300', '1.00')] });
    paypal.checkout.approve(order.id);
    const res = await run('captureOrder', { order_id: order.id });
    expect(res.errors[0].extensions.provider).toMatchObject({ status: 422, code: 'DUPLICATE_INVOICE_ID' });
  });
});
