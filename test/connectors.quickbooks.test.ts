import type { ConnectorCall } from '../src/connectors/connector.handler';
import { quickbooks as definition } from '../src/providers/quickbooks/quickbooks.connector';
import { OAuthServer } from './providers/oauth.server';
import { intuitTime, QuickBooksServer } from './providers/quickbooks.server';
import { bindNewConnection, startTestService, TestService } from './support/service';

const CONNECT = `mutation($input: CreateConnectionInput!) { createConnection(input: $input) {
  id status authType credentialHint connector { key } } }`;
const OAUTH_CLIENT = 'mutation($input: SetOAuthClientInput!) { setOAuthClient(input: $input) }';
const TEST = 'mutation($id: ID!) { testConnection(id: $id) { ok status latencyMs message } }';
const RECORDS =
  'query($id: ID!, $object: String!, $cursor: String) { connectionRecords(connectionId: $id, object: $object, cursor: $cursor) { records nextCursor } }';
const ACTION = 'mutation($id: ID!, $action: String!, $input: JSON!) { executeConnectorAction(connectionId: $id, action: $action, input: $input) }';
const STATUS = 'query($id: ID!) { connection(id: $id) { status lastError } }';

/** The QuickBooks Online connector through GraphQL against a local server speaking Intuit's documented API. */
describe('QuickBooks connector', () => {
  let t: TestService;
  let oauth: OAuthServer;
  let qbo: QuickBooksServer;
  let connectionId: string;

  const connect = async (config: Record<string, unknown>) => {
    const tokens = oauth.issueTokens();
    const credentials = { accessToken: tokens.access_token, refreshToken: tokens.refresh_token, expiresAt: new Date(Date.now() + 3_600_000).toISOString() };
    const res: any = await t.gql(CONNECT, { input: { connectorKey: 'quickbooks', name: 'QuickBooks (local)', authType: 'OAUTH2', credentials, config } });
    expect(res.errors).toBeUndefined();
    return res.data.createConnection.id as string;
  };
  const readAll = async (object: string, between?: (page: number) => void) => {
    const seen: any[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: any = await t.gql(RECORDS, { id: connectionId, object, cursor });
      expect(res.errors).toBeUndefined();
      seen.push(...res.data.connectionRecords.records);
      cursor = res.data.connectionRecords.nextCursor;
      pages++;
      between?.(pages);
    } while (cursor && pages < 20);
    return { seen, pages };
  };
  const queries = () => qbo.requests.filter((r) => r.path.endsWith('/query')).map((r) => r.query.get('query'));

  beforeAll(async () => {
    oauth = await new OAuthServer().start();
    qbo = await new QuickBooksServer(oauth).start();
    t = await startTestService({ PROVIDER_RETRY_BASE_DELAY_MS: '5' });
    const client: any = await t.gql(OAUTH_CLIENT, {
      input: {
        connectorKey: 'quickbooks',
        clientId: oauth.clientId,
        clientSecret: oauth.clientSecret,
        tokenUrl: `${oauth.url}/token`,
        authorizationUrl: `${oauth.url}/authorize`,
      },
    });
    expect(client.errors).toBeUndefined();
    connectionId = await connect({ baseUrl: qbo.url, realmId: qbo.realmId });
  });
  afterAll(async () => {
    await t.stop();
    await qbo.stop();
    await oauth.stop();
  });

  it('describes its objects, actions and rate budget', async () => {
    const res: any = await t.gql(
      'query($key: String!) { connector(key: $key) { objects { name supportsIncremental supportsWrite } actions { name } rateLimit { limit windowSeconds } } }',
      { key: 'quickbooks' },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data.connector).toEqual({
      objects: [
        { name: 'Customer', supportsIncremental: true, supportsWrite: true },
        { name: 'Invoice', supportsIncremental: true, supportsWrite: true },
        { name: 'Payment', supportsIncremental: true, supportsWrite: false },
      ],
      actions: [{ name: 'createInvoice' }],
      rateLimit: { limit: 500, windowSeconds: 60 },
    });
  });

  it('tests the connection by reading the company info of its realm', async () => {
    const res: any = await t.gql(TEST, { id: connectionId });
    expect(res.data.testConnection).toMatchObject({ ok: true, status: 'CONNECTED', message: 'Connected' });
    const call = qbo.requests.find((r) => r.path === `/v3/company/${qbo.realmId}/companyinfo/${qbo.realmId}`)!;
    expect(call.headers.authorization).toMatch(/^Bearer at_/);
    expect(call.query.get('minorversion')).toBe('75');
  });

  it('refuses to call QuickBooks without config.realmId, naming the field', async () => {
    const id = await connect({ baseUrl: qbo.url });
    const before = qbo.requests.length;
    const test: any = await t.gql(TEST, { id });
    expect(test.data.testConnection).toMatchObject({ ok: false, status: 'ERROR' });
    expect(test.data.testConnection.message).toContain('config.realmId');
    const read = await t.gql(RECORDS, { id, object: 'Customer' });
    expect(read.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'config.realmId' });
    expect(qbo.requests.length).toBe(before);
  });

  it('lists customers across pages by LastUpdatedTime, through ties at a page boundary and an edit mid-read', async () => {
    // Ten customers (95-104) saved in the same second: the first page ends in the middle of them.
    let tie = 0;
    const seeded = Array.from({ length: 250 }, (_, i) => {
      if (i === 95) tie = qbo.clock += 1000;
      return qbo.add('Customer', { DisplayName: `Customer ${i}`, PrimaryEmailAddr: { Address: `c${i}@example.com` } }, i >= 95 && i < 105 ? tie : undefined);
    });
    const { seen, pages } = await readAll('Customer', (page) => {
      if (page === 1) qbo.touch(seeded[3], { Notes: 'edited while the first page was read' }); // moves to the end
    });
    expect(pages).toBe(3);
    expect(new Set(seen.map((c) => c.Id))).toEqual(new Set(seeded.map((c) => c.Id)));
    expect(seen.filter((c) => c.Id === seeded[3].Id).pop()).toMatchObject({ Notes: 'edited while the first page was read' });
    const [first, second] = queries().slice(-3);
    expect(first).toBe('select * from Customer orderby Metadata.LastUpdatedTime startposition 1 maxresults 100');
    expect(second).toMatch(
      /^select \* from Customer where Metadata\.LastUpdatedTime >= '[^']+' orderby Metadata\.LastUpdatedTime startposition 6 maxresults 100$/,
    );
  });

  it.each(['Invoice', 'Payment'])('lists %s across pages', async (entity) => {
    const customer = qbo.store.get('Customer')![0];
    const seeded = Array.from({ length: 130 }, (_, i) => qbo.add(entity, { CustomerRef: { value: customer.Id }, TotalAmt: 10 + i, TxnDate: '2024-03-01' }));
    const { seen, pages } = await readAll(entity);
    expect(pages).toBe(2);
    expect(seen.map((r) => r.Id).sort()).toEqual(seeded.map((r) => r.Id).sort());
  });

  it('runs createInvoice, sending Intuit’s Invoice shape', async () => {
    const customer = qbo.store.get('Customer')![10];
    const input = {
      customerId: customer.Id,
      lines: [{ amount: 150, description: 'Consulting', itemId: '1', quantity: 3, unitPrice: 50 }, { amount: 20 }],
      dueDate: '2024-04-01',
      billEmail: 'ap@example.com',
      docNumber: 'HC-1001',
    };
    const res: any = await t.gql(ACTION, { id: connectionId, action: 'createInvoice', input });
    expect(res.errors).toBeUndefined();
    expect(res.data.executeConnectorAction).toMatchObject({
      Id: expect.any(String),
      SyncToken: '0',
      DocNumber: 'HC-1001',
      TotalAmt: 170,
      CustomerRef: { value: customer.Id },
    });
    const sent = qbo.requests.filter((r) => r.method === 'POST' && r.path === `/v3/company/${qbo.realmId}/invoice`).pop()!;
    expect(sent.body).toEqual({
      CustomerRef: { value: customer.Id },
      Line: [
        { Amount: 150, Description: 'Consulting', DetailType: 'SalesItemLineDetail', SalesItemLineDetail: { ItemRef: { value: '1' }, Qty: 3, UnitPrice: 50 } },
        { Amount: 20, DetailType: 'SalesItemLineDetail', SalesItemLineDetail: {} },
      ],
      DocNumber: 'HC-1001',
      DueDate: '2024-04-01',
      BillEmail: { Address: 'ap@example.com' },
    });
  });

  it('refuses createInvoice input that fails its schema before calling QuickBooks', async () => {
    const before = qbo.requests.length;
    const missing = await t.gql(ACTION, { id: connectionId, action: 'createInvoice', input: { lines: [{ amount: 5 }] } });
    expect(missing.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.customerId' });
    const badLine = await t.gql(ACTION, { id: connectionId, action: 'createInvoice', input: { customerId: '1', lines: [{ amount: 'five' }] } });
    expect(badLine.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.lines.0.amount' });
    expect(qbo.requests.length).toBe(before);
  });

  it('surfaces Intuit’s Fault code, message and detail', async () => {
    const res = await t.gql(ACTION, { id: connectionId, action: 'createInvoice', input: { customerId: '99999', lines: [{ amount: 5 }] } });
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', provider: { name: 'quickbooks', status: 400, code: '2500' } });
    expect(res.errors?.[0].extensions?.provider.message).toMatch(/^Invalid Reference Id: Invalid Reference Id : Something/);
  });

  it('retries a 429 ThrottleExceeded', async () => {
    qbo.failNext({
      status: 429,
      body: {
        Fault: {
          Error: [{ Message: 'message=ThrottleExceeded; errorCode=003001; statusCode=429', Detail: 'The request limit was reached.', code: '3001' }],
          type: 'SERVICE',
        },
      },
    });
    const res: any = await t.gql(RECORDS, { id: connectionId, object: 'Payment' });
    expect(res.errors).toBeUndefined();
    expect(res.data.connectionRecords.records.length).toBe(100);
  });

  it('refreshes the token with HTTP Basic client auth after a 401 and retries', async () => {
    const before = oauth.refreshCount;
    oauth.expireAccessTokens();
    const res: any = await t.gql(RECORDS, { id: connectionId, object: 'Invoice' });
    expect(res.errors).toBeUndefined();
    expect(oauth.refreshCount).toBe(before + 1);
    const refresh = oauth.requests.filter((r) => r.path === '/token').pop()!;
    expect(refresh.headers.authorization).toBe(`Basic ${Buffer.from(`${oauth.clientId}:${oauth.clientSecret}`).toString('base64')}`);
    expect(refresh.body).toMatchObject({ grant_type: 'refresh_token' });
    expect(refresh.body.client_secret).toBeUndefined();
  });

  describe('handler paths a sync uses', () => {
    const handler = definition.handler!;
    let call: ConnectorCall;
    beforeAll(async () => {
      const tokens = oauth.issueTokens();
      call = await bindNewConnection(t, {
        connectorKey: 'quickbooks',
        name: 'direct',
        authType: 'OAUTH2',
        credentials: { accessToken: tokens.access_token, refreshToken: tokens.refresh_token },
        config: { baseUrl: qbo.url, realmId: qbo.realmId },
      });
    });

    it('creates a customer, updates it sparsely with a fetched SyncToken, and reports a stale one', async () => {
      const created = await handler.create!(call, 'Customer', { DisplayName: 'Ada Lovelace', PrimaryEmailAddr: { Address: 'ada@example.com' } });
      expect(created).toMatchObject({ Id: expect.any(String), SyncToken: '0', DisplayName: 'Ada Lovelace' });
      const updated = await handler.update!(call, 'Customer', String(created.Id), { CompanyName: 'Analytical Engines' });
      expect(updated).toMatchObject({
        SyncToken: '1',
        DisplayName: 'Ada Lovelace',
        CompanyName: 'Analytical Engines',
        PrimaryEmailAddr: { Address: 'ada@example.com' },
      });
      expect(qbo.requests.filter((r) => r.method === 'POST').pop()!.body).toEqual({
        CompanyName: 'Analytical Engines',
        Id: created.Id,
        SyncToken: '0',
        sparse: true,
      });
      const stale = await handler.update!(call, 'Customer', String(created.Id), { SyncToken: '0', Notes: 'late' }).catch((e) => e);
      // Through the real runtime: Intuit's fault arrives parsed into the ProviderError.
      expect(stale).toMatchObject({
        status: 400,
        providerCode: '5010',
        providerMessage: expect.stringMatching(/^Stale Object Error: Stale Object Error : You and admin/),
      });
      await expect(handler.create!(call, 'Payment', {})).rejects.toThrow('read-only');
      expect(await handler.get!(call, 'Invoice', String(qbo.store.get('Invoice')![0].Id))).toMatchObject({ Id: qbo.store.get('Invoice')![0].Id });
    });

    it('reads the lowercase fault Intuit sends with a 401', () => {
      const body = {
        fault: {
          error: [{ message: 'message=AuthenticationFailed; errorCode=003200; statusCode=401', detail: 'Token expired: x', code: '3200' }],
          type: 'AUTHENTICATION',
        },
      };
      expect(definition.handler!.parseError!(body, 401)).toEqual({
        code: '3200',
        message: 'message=AuthenticationFailed; errorCode=003200; statusCode=401: Token expired: x',
      });
      expect(intuitTime(Date.parse('2024-03-01T09:00:00Z'))).toBe('2024-03-01T02:00:00-07:00');
    });
  });

  it('marks the connection EXPIRED when the refresh token is refused', async () => {
    oauth.refuseRefresh();
    oauth.expireAccessTokens();
    const res = await t.gql(RECORDS, { id: connectionId, object: 'Customer' });
    expect(res.errors?.length).toBeGreaterThan(0);
    const after: any = await t.gql(STATUS, { id: connectionId });
    expect(after.data.connection.status).toBe('EXPIRED');
  });
});
