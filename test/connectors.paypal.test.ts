import type { ConnectorCall } from '../src/connectors/connector.handler';
import { paypal as definition } from '../src/providers/paypal/paypal.connector';
import { PayPalServer } from './providers/paypal.server';
import { bindNewConnection, startTestService, TestService } from './support/service';

const CONNECT = `mutation($input: CreateConnectionInput!) { createConnection(input: $input) {
  id status authType credentialHint connector { key } } }`;
const TEST = 'mutation($id: ID!) { testConnection(id: $id) { ok status latencyMs message } }';
const RECORDS =
  'query($id: ID!, $object: String!, $cursor: String) { connectionRecords(connectionId: $id, object: $object, cursor: $cursor) { records nextCursor } }';
const ACTION = 'mutation($id: ID!, $action: String!, $input: JSON!) { executeConnectorAction(connectionId: $id, action: $action, input: $input) }';
const STATUS = 'query($id: ID!) { connection(id: $id) { status lastError } }';

const DAY_MS = 86_400_000;

/** The PayPal connector through GraphQL against a local server speaking PayPal's documented REST APIs. */
describe('PayPal connector', () => {
  let t: TestService;
  let paypal: PayPalServer;
  let connectionId: string;

  const readAll = async (object: string) => {
    const seen: any[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: any = await t.gql(RECORDS, { id: connectionId, object, cursor });
      expect(res.errors).toBeUndefined();
      seen.push(...res.data.connectionRecords.records);
      cursor = res.data.connectionRecords.nextCursor;
      pages++;
    } while (cursor && pages < 50);
    return { seen, pages };
  };

  beforeAll(async () => {
    paypal = await new PayPalServer().start();
    t = await startTestService({ PROVIDER_RETRY_BASE_DELAY_MS: '5' });
    const config = { baseUrl: paypal.url, startDate: new Date(Date.now() - 70 * DAY_MS).toISOString() };
    const res: any = await t.gql(CONNECT, {
      input: {
        connectorKey: 'paypal',
        name: 'PayPal (local)',
        authType: 'OAUTH2',
        credentials: { clientId: paypal.clientId, clientSecret: paypal.clientSecret },
        config,
      },
    });
    expect(res.errors).toBeUndefined();
    connectionId = res.data.createConnection.id;
  });
  afterAll(async () => {
    await t.stop();
    await paypal.stop();
  });

  it('describes its objects, actions and rate budget', async () => {
    const res: any = await t.gql(
      'query($key: String!) { connector(key: $key) { objects { name supportsIncremental supportsWrite } actions { name } rateLimit { limit windowSeconds } } }',
      { key: 'paypal' },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data.connector).toEqual({
      objects: [
        { name: 'invoices', supportsIncremental: false, supportsWrite: true },
        { name: 'transactions', supportsIncremental: true, supportsWrite: false },
        { name: 'refunds', supportsIncremental: true, supportsWrite: false },
        { name: 'captures', supportsIncremental: true, supportsWrite: false },
      ],
      actions: [{ name: 'createOrder' }, { name: 'captureOrder' }, { name: 'refundCapture' }, { name: 'sendInvoice' }],
      rateLimit: { limit: 30, windowSeconds: 1 },
    });
  });

  it('stores the client secret encrypted and fetches a client-credentials token with HTTP Basic on first use', async () => {
    const res: any = await t.gql(TEST, { id: connectionId });
    expect(res.data.testConnection).toMatchObject({ ok: true, status: 'CONNECTED', message: 'Connected' });
    const token = paypal.requests.find((r) => r.path === '/v1/oauth2/token')!;
    expect(token.headers.authorization).toBe(`Basic ${Buffer.from(`${paypal.clientId}:${paypal.clientSecret}`).toString('base64')}`);
    expect(token.body).toEqual({ grant_type: 'client_credentials' });
    const probe = paypal.requests.find((r) => r.path === '/v2/invoicing/invoices')!;
    expect(probe.headers.authorization).toMatch(/^Bearer A21AA/);
    const [row] = await t.service.db.query('SELECT credentials_encrypted, credential_hint FROM connection WHERE id = $1', [connectionId]);
    expect(row.credentials_encrypted).not.toContain(paypal.clientSecret);
    expect(row.credential_hint).not.toContain(paypal.clientSecret);
  });

  it('lists invoices page by page with total_required until total_pages', async () => {
    const seeded = paypal.seedInvoices(230);
    const { seen, pages } = await readAll('invoices');
    expect(pages).toBe(3);
    expect(seen.map((i) => i.id).sort()).toEqual(seeded.map((i) => i.id).sort());
    const calls = paypal.requests.filter((r) => r.path === '/v2/invoicing/invoices' && r.query.get('page_size') === '100');
    expect(calls.map((r) => [r.query.get('page'), r.query.get('total_required')])).toEqual([
      ['1', 'true'],
      ['2', 'true'],
      ['3', 'true'],
    ]);
  });

  it('lists transactions through Transaction Search in windows of at most 31 days, paging inside each', async () => {
    const seeded = paypal.seedTransactions(260, 65);
    const { seen, pages } = await readAll('transactions');
    expect(pages).toBeGreaterThanOrEqual(4);
    expect(new Set(seen.map((r) => r.id)).size).toBe(260);
    expect(seen.map((r) => r.id).sort()).toEqual(seeded.map((r) => r.transaction_info.transaction_id).sort());
    expect(seen[0]).toMatchObject({ transaction_info: { transaction_event_code: 'T0006' }, payer_info: { email_address: 'buyer@example.com' } });
    const searches = paypal.requests.filter((r) => r.path === '/v1/reporting/transactions');
    for (const s of searches) {
      expect(Date.parse(s.query.get('end_date')!) - Date.parse(s.query.get('start_date')!)).toBeLessThanOrEqual(31 * DAY_MS);
      expect(s.query.get('transaction_type')).toBeNull();
    }
    expect(new Set(searches.map((s) => s.query.get('start_date'))).size).toBe(3);
    expect(searches.some((s) => s.query.get('page') === '2')).toBe(true);
  });

  it('runs refundCapture with PayPal-Request-Id, and a repeated request id refunds only once', async () => {
    const capture = paypal.seedCapture('100.00');
    const input = {
      capture_id: capture.id,
      amount: { value: '25.00', currency_code: 'USD' },
      note_to_payer: 'Damaged item',
      invoice_id: 'INV-77',
      request_id: 'refund-order-77',
    };
    const res: any = await t.gql(ACTION, { id: connectionId, action: 'refundCapture', input });
    expect(res.errors).toBeUndefined();
    expect(res.data.executeConnectorAction).toMatchObject({ status: 'COMPLETED', amount: { value: '25.00', currency_code: 'USD' }, invoice_id: 'INV-77' });
    const sent = paypal.requests.filter((r) => r.path === `/v2/payments/captures/${capture.id}/refund`).pop()!;
    expect(sent.body).toEqual({ amount: { value: '25.00', currency_code: 'USD' }, note_to_payer: 'Damaged item', invoice_id: 'INV-77' });
    expect(sent.headers).toMatchObject({ 'paypal-request-id': 'refund-order-77', prefer: 'return=representation', 'content-type': 'application/json' });
    const again: any = await t.gql(ACTION, { id: connectionId, action: 'refundCapture', input });
    expect(again.data.executeConnectorAction.id).toBe(res.data.executeConnectorAction.id);
    expect(capture.refunded).toBe(25);
    const full: any = await t.gql(ACTION, { id: connectionId, action: 'refundCapture', input: { capture_id: capture.id } });
    expect(full.data.executeConnectorAction.amount).toEqual({ currency_code: 'USD', value: '75.00' });
  });

  it('lists refunds from Transaction Search (event code T1107), since PayPal has no list-refunds endpoint', async () => {
    const capture = paypal.seedCapture('500.00');
    const older = Array.from({ length: 250 }, (_, i) => paypal.seedRefund(capture.id, '1.00', 10 + (i % 50)));
    const { seen } = await readAll('refunds');
    const ids = seen.map((r) => r.id);
    expect(ids).toEqual(expect.arrayContaining(older.map((r) => r.transaction_info.transaction_id)));
    expect(seen.length).toBe(252); // the two made by refundCapture above, too
    expect(seen.find((r) => r.id === older[0].transaction_info.transaction_id)).toMatchObject({
      status: 'COMPLETED',
      amount: { value: '1.00', currency_code: 'USD' },
      capture_id: capture.id,
    });
    const searches = paypal.requests.filter((r) => r.path === '/v1/reporting/transactions' && r.query.get('transaction_type') === 'T1107');
    expect(searches.length).toBeGreaterThanOrEqual(4);
  });

  it('runs sendInvoice and reports SENT', async () => {
    const [draft] = paypal.seedInvoices(1);
    const res: any = await t.gql(ACTION, {
      id: connectionId,
      action: 'sendInvoice',
      input: { invoice_id: draft.id, send_to_invoicer: true, additional_recipients: ['cc@example.com'] },
    });
    expect(res.errors).toBeUndefined();
    expect(res.data.executeConnectorAction).toMatchObject({ invoice_id: draft.id, status: 'SENT', href: expect.stringContaining(draft.id) });
    const sent = paypal.requests.filter((r) => r.path === `/v2/invoicing/invoices/${draft.id}/send`).pop()!;
    expect(sent.body).toEqual({ send_to_invoicer: true, additional_recipients: ['cc@example.com'] });
    expect(draft.status).toBe('SENT');
  });

  it('refuses action input that fails its schema before calling PayPal', async () => {
    const before = paypal.requests.length;
    const missing = await t.gql(ACTION, { id: connectionId, action: 'refundCapture', input: { amount: { value: '1.00', currency_code: 'USD' } } });
    expect(missing.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.capture_id' });
    const badAmount = await t.gql(ACTION, {
      id: connectionId,
      action: 'refundCapture',
      input: { capture_id: 'X', amount: { value: 10, currency_code: 'USD' } },
    });
    expect(badAmount.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.amount.value' });
    const extra = await t.gql(ACTION, { id: connectionId, action: 'sendInvoice', input: { invoice_id: 'INV2-X', cc: 'x' } });
    expect(extra.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.cc' });
    expect(paypal.requests.length).toBe(before);
  });

  it('surfaces PayPal’s issue, description and debug_id for a refused request', async () => {
    const capture = paypal.seedCapture('5.00');
    const res = await t.gql(ACTION, {
      id: connectionId,
      action: 'refundCapture',
      input: { capture_id: capture.id, amount: { value: '9.00', currency_code: 'USD' } },
    });
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', provider: { name: 'paypal', status: 422, code: 'REFUND_AMOUNT_EXCEEDED' } });
    expect(res.errors?.[0].extensions?.provider.message).toMatch(/must be less than or equal .* \(debug_id [0-9a-f]+\)$/);
    const missing = await t.gql(ACTION, { id: connectionId, action: 'refundCapture', input: { capture_id: 'NOSUCHCAPTURE0000' } });
    expect(missing.errors?.[0].extensions).toMatchObject({ provider: { status: 404, code: 'INVALID_RESOURCE_ID' } });
  });

  it('retries a 429 RATE_LIMIT_REACHED and a 503', async () => {
    paypal.failNext(
      { status: 429, body: { name: 'RATE_LIMIT_REACHED', message: 'Too many requests. Blocked due to rate limiting.', debug_id: 'abc123' } },
      { status: 503, body: { name: 'SERVICE_UNAVAILABLE', message: 'Service Unavailable.', debug_id: 'abc124' } },
    );
    const res: any = await t.gql(RECORDS, { id: connectionId, object: 'invoices' });
    expect(res.errors).toBeUndefined();
    expect(res.data.connectionRecords.records.length).toBe(100);
  });

  it('gets a new client-credentials token after a 401 and retries the call', async () => {
    const before = paypal.tokenRequests;
    paypal.expireAccessTokens();
    const res: any = await t.gql(RECORDS, { id: connectionId, object: 'invoices' });
    expect(res.errors).toBeUndefined();
    expect(paypal.tokenRequests).toBe(before + 1);
    const [rejected, retried] = paypal.requests.filter((r) => r.path === '/v2/invoicing/invoices').slice(-2);
    expect(rejected.headers.authorization).not.toBe(retried.headers.authorization);
  });

  describe('handler paths a sync uses', () => {
    const handler = definition.handler!;
    let call: ConnectorCall;
    beforeAll(async () => {
      call = await bindNewConnection(t, {
        connectorKey: 'paypal',
        name: 'direct',
        authType: 'OAUTH2',
        credentials: { clientId: paypal.clientId, clientSecret: paypal.clientSecret },
        config: { baseUrl: paypal.url },
      });
    });

    it('reads transactions from the checkpoint on, and the next checkpoint trails by three hours', async () => {
      const since = new Date(Date.now() - 5 * DAY_MS).toISOString();
      const before = paypal.requests.length;
      const page = await handler.list(call, 'transactions', { since });
      const search = paypal.requests[before];
      expect(search.query.get('start_date')).toBe(since);
      expect(page.nextCursor).toBeNull();
      expect(page.records.length).toBeGreaterThan(0);
      const lag = Date.now() - Date.parse(page.checkpoint as string);
      expect(lag).toBeGreaterThanOrEqual(3 * 3_600_000);
      expect(lag).toBeLessThan(3 * 3_600_000 + 60_000);
    });

    it('skips empty windows of the three-year history, at most six per call', async () => {
      const before = paypal.requests.length;
      const page = await handler.list(call, 'transactions', {});
      expect(paypal.requests.length - before).toBe(6);
      expect(page.records).toEqual([]);
      expect(page.nextCursor).not.toBeNull();
      expect(Date.parse(page.checkpoint as string)).toBe(Date.parse(paypal.requests[paypal.requests.length - 1].query.get('end_date')!));
    });

    it('creates a draft invoice and updates it by merging into a full PUT', async () => {
      const created = await handler.create!(call, 'invoices', {
        detail: { currency_code: 'EUR', note: 'first' },
        amount: { currency_code: 'EUR', value: '40.00' },
      });
      expect(created).toMatchObject({ status: 'DRAFT', detail: { currency_code: 'EUR', note: 'first' } });
      const updated = await handler.update!(call, 'invoices', String(created.id), { detail: { note: 'second' } });
      expect(updated).toMatchObject({ id: created.id, detail: { currency_code: 'EUR', note: 'second' }, amount: { value: '40.00' } });
      const put = paypal.requests.filter((r) => r.method === 'PUT').pop()!;
      expect(put.body.detail).toMatchObject({ currency_code: 'EUR', note: 'second' });
      expect(put.headers['paypal-request-id']).toBeTruthy();
      await expect(handler.create!(call, 'refunds', {})).rejects.toThrow('read-only');
      const refund = [...paypal.refunds.values()][0];
      expect(await handler.get!(call, 'refunds', refund.id)).toMatchObject({ id: refund.id, status: 'COMPLETED' });
    });
  });

  it('marks the connection EXPIRED when PayPal refuses the client credentials', async () => {
    paypal.refuseClient = true;
    paypal.expireAccessTokens();
    const res = await t.gql(RECORDS, { id: connectionId, object: 'invoices' });
    expect(res.errors?.length).toBeGreaterThan(0);
    const after: any = await t.gql(STATUS, { id: connectionId });
    expect(after.data.connection.status).toBe('EXPIRED');
    expect(after.data.connection.lastError).toContain('Client Authentication failed');
  });
});
