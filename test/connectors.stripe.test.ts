import { StripeServer } from './providers/stripe.server';
import { startTestService, TestService } from './support/service';

const CONNECT = `mutation($input: CreateConnectionInput!) { createConnection(input: $input) {
  id status authType credentialHint config connector { key } } }`;
const TEST = 'mutation($id: ID!) { testConnection(id: $id) { ok status latencyMs message } }';
const RECORDS =
  'query($id: ID!, $object: String!, $cursor: String) { connectionRecords(connectionId: $id, object: $object, cursor: $cursor) { records nextCursor } }';
const ACTION = 'mutation($id: ID!, $action: String!, $input: JSON!) { executeConnectorAction(connectionId: $id, action: $action, input: $input) }';

/** The Stripe connector through GraphQL against a local server speaking Stripe's documented API. */
describe('Stripe connector', () => {
  let t: TestService;
  let stripe: StripeServer;
  let connectionId: string;

  beforeAll(async () => {
    stripe = await new StripeServer().start();
    t = await startTestService({ PROVIDER_RETRY_BASE_DELAY_MS: '5' });
    const res: any = await t.gql(CONNECT, {
      input: { connectorKey: 'stripe', name: 'Stripe (local)', credentials: { apiKey: stripe.apiKey }, config: { baseUrl: stripe.url } },
    });
    expect(res.errors).toBeUndefined();
    connectionId = res.data.createConnection.id;
  });
  afterAll(async () => {
    await t.stop();
    await stripe.stop();
  });

  it('stores the key encrypted and shows only a hint', async () => {
    const res: any = await t.gql('query($id: ID!) { connection(id: $id) { status authType credentialHint connector { key } } }', { id: connectionId });
    expect(res.data.connection).toEqual({ status: 'CONNECTED', authType: 'API_KEY', credentialHint: 'sk_test_…4242', connector: { key: 'stripe' } });
    const [row] = await t.service.db.query('SELECT credentials_encrypted FROM connection WHERE id = $1', [connectionId]);
    expect(row.credentials_encrypted).not.toContain(stripe.apiKey);
    expect(JSON.stringify(res)).not.toContain(stripe.apiKey);
  });

  it('tests the connection with an authenticated call and reports latency', async () => {
    const res: any = await t.gql(TEST, { id: connectionId });
    expect(res.data.testConnection).toMatchObject({ ok: true, status: 'CONNECTED', message: 'Connected' });
    expect(res.data.testConnection.latencyMs).toBeGreaterThanOrEqual(0);
    const call = stripe.requests.find((r) => r.path === '/v1/balance')!;
    expect(call.headers.authorization).toBe(`Bearer ${stripe.apiKey}`);
  });

  it('reports a refused key as ERROR with Stripe’s own message', async () => {
    const bad: any = await t.gql(CONNECT, {
      input: { connectorKey: 'stripe', name: 'wrong key', credentials: { apiKey: 'sk_test_wrongwrongwrong' }, config: { baseUrl: stripe.url } },
    });
    const res: any = await t.gql(TEST, { id: bad.data.createConnection.id });
    expect(res.data.testConnection).toMatchObject({ ok: false, status: 'ERROR' });
    expect(res.data.testConnection.message).toContain('Invalid API Key provided');
    const after: any = await t.gql('query($id: ID!) { connection(id: $id) { status lastError } }', { id: bad.data.createConnection.id });
    expect(after.data.connection.status).toBe('ERROR');
  });

  it('lists customers across pages with starting_after until has_more is false', async () => {
    const seeded = stripe.seedCustomers(230);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: any = await t.gql(RECORDS, { id: connectionId, object: 'customers', cursor });
      expect(res.errors).toBeUndefined();
      seen.push(...res.data.connectionRecords.records.map((r: any) => r.id));
      cursor = res.data.connectionRecords.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(new Set(seen).size).toBe(230);
    expect(seen.sort()).toEqual(seeded.map((c) => c.id).sort());
    expect(stripe.requests.filter((r) => r.path === '/v1/customers').map((r) => r.query.get('limit'))).toContain('100');
  });

  it.each(['invoices', 'payment_intents', 'charges', 'refunds', 'subscriptions'])('lists %s', async (object) => {
    stripe.add(object, { amount: 500, currency: 'usd', status: 'succeeded' });
    const res: any = await t.gql(RECORDS, { id: connectionId, object });
    expect(res.errors).toBeUndefined();
    expect(res.data.connectionRecords.records.length).toBeGreaterThan(0);
  });

  it('waits out a 429 with Retry-After and retries a 503 and a reset connection', async () => {
    stripe.failNext(
      { status: 429, headers: { 'retry-after': '1' }, body: { error: { type: 'rate_limit_error', message: 'Too many requests' } } },
      { status: 503, body: { error: { type: 'api_error', message: 'busy' } } },
      'reset',
    );
    const started = Date.now();
    const res: any = await t.gql(RECORDS, { id: connectionId, object: 'charges' });
    expect(res.errors).toBeUndefined();
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
  });

  it('runs createPaymentIntent and createRefund', async () => {
    const intent: any = await t.gql(ACTION, {
      id: connectionId,
      action: 'createPaymentIntent',
      input: { amount: 2500, currency: 'eur', metadata: { order: 'A-1' } },
    });
    expect(intent.errors).toBeUndefined();
    expect(intent.data.executeConnectorAction).toMatchObject({ object: 'payment_intent', amount: 2500, currency: 'eur', metadata: { order: 'A-1' } });
    const sent = stripe.requests.filter((r) => r.path === '/v1/payment_intents' && r.method === 'POST').pop()!;
    expect(sent.raw).toContain('metadata%5Border%5D=A-1');
    const refund: any = await t.gql(ACTION, {
      id: connectionId,
      action: 'createRefund',
      input: { payment_intent: intent.data.executeConnectorAction.id, amount: 1000 },
    });
    expect(refund.data.executeConnectorAction).toMatchObject({ object: 'refund', amount: 1000, status: 'succeeded' });
  });

  it('refuses action input that fails its schema, and unknown actions, before calling Stripe', async () => {
    const before = stripe.requests.length;
    const missing = await t.gql(ACTION, { id: connectionId, action: 'createPaymentIntent', input: { currency: 'eur' } });
    expect(missing.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.amount' });
    const wrongType = await t.gql(ACTION, { id: connectionId, action: 'createPaymentIntent', input: { amount: 'ten', currency: 'eur' } });
    expect(wrongType.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.amount' });
    const unknown = await t.gql(ACTION, { id: connectionId, action: 'deleteEverything', input: {} });
    expect(unknown.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'action' });
    expect(stripe.requests.length).toBe(before);
  });

  it('surfaces Stripe’s error code and message for a refused request', async () => {
    const res = await t.gql(ACTION, { id: connectionId, action: 'createRefund', input: { payment_intent: 'pi_missing' } });
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', provider: { name: 'stripe', status: 400, code: 'resource_missing' } });
  });
});
