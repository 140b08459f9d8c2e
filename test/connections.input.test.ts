import { StripeServer } from './providers/stripe.server';
import { gatewayToken, startTestService, TestService } from './support/service';

const CREATE = 'mutation($input: CreateConnectionInput!) { createConnection(input: $input) { id status credentialHint } }';

/**
 * Bad input to the connection mutations: each is BAD_USER_INPUT naming the field, and nothing is
 * stored. The service runs with ALLOW_PRIVATE_TARGETS=false, as in production.
 */
describe('connection input checks', () => {
  let t: TestService;
  let stripe: StripeServer;
  const count = async () => Number((await t.service.db.query('SELECT count(*) AS n FROM connection'))[0].n);

  beforeAll(async () => {
    stripe = await new StripeServer().start();
    t = await startTestService({ ALLOW_PRIVATE_TARGETS: 'false' });
  });
  afterAll(async () => {
    await t.stop();
    await stripe.stop();
  });

  it.each([
    ['an unknown connector', { connectorKey: 'nope', name: 'x', credentials: { apiKey: 'sk_test_123456789012' } }, 'connectorKey'],
    ['an auth type the connector lacks', { connectorKey: 'stripe', name: 'x', authType: 'BASIC', credentials: { username: 'a', password: 'b' } }, 'authType'],
    ['a missing credential field', { connectorKey: 'stripe', name: 'x', credentials: {} }, 'credentials.apiKey'],
    ['credentials that are not an object', { connectorKey: 'stripe', name: 'x', credentials: 'sk_test_123' }, 'credentials'],
    ['an empty name', { connectorKey: 'stripe', name: '  ', credentials: { apiKey: 'sk_test_123456789012' } }, 'name'],
    [
      'a malformed base URL',
      { connectorKey: 'stripe', name: 'x', credentials: { apiKey: 'sk_test_123456789012' }, config: { baseUrl: 'not a url' } },
      'config.baseUrl',
    ],
    [
      'a non-http base URL',
      { connectorKey: 'stripe', name: 'x', credentials: { apiKey: 'sk_test_123456789012' }, config: { baseUrl: 'file:///etc/passwd' } },
      'config.baseUrl',
    ],
    [
      'a loopback base URL',
      { connectorKey: 'stripe', name: 'x', credentials: { apiKey: 'sk_test_123456789012' }, config: { baseUrl: 'http://127.0.0.1:8080' } },
      'config.baseUrl',
    ],
    [
      'a private base URL',
      { connectorKey: 'stripe', name: 'x', credentials: { apiKey: 'sk_test_123456789012' }, config: { baseUrl: 'http://10.1.2.3' } },
      'config.baseUrl',
    ],
    [
      'the metadata address',
      { connectorKey: 'stripe', name: 'x', credentials: { apiKey: 'sk_test_123456789012' }, config: { baseUrl: 'http://169.254.169.254/latest' } },
      'config.baseUrl',
    ],
    [
      'a name that resolves to loopback',
      { connectorKey: 'stripe', name: 'x', credentials: { apiKey: 'sk_test_123456789012' }, config: { baseUrl: 'http://localhost:9999' } },
      'config.baseUrl',
    ],
    ['an OAuth2 connection without tokens', { connectorKey: 'linkedin', name: 'x' }, 'credentials.accessToken'],
  ])('refuses %s', async (_label, input, field) => {
    const before = await count();
    const res = await t.gql(CREATE, { input });
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(await count()).toBe(before);
  });

  it('refuses OAuth for a connector without an OAuth client, and for an API-key connector', async () => {
    const input = { connectorKey: 'linkedin', name: 'x', redirectUri: 'https://app.example/cb' };
    const noClient = await t.gql('mutation($input: StartOAuthInput!) { startOAuth(input: $input) { state } }', { input });
    expect(noClient.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'connectorKey' });
    const apiKey = await t.gql('mutation($input: SetOAuthClientInput!) { setOAuthClient(input: $input) }', {
      input: { connectorKey: 'stripe', clientId: 'a', clientSecret: 'b' },
    });
    expect(apiKey.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'connectorKey' });
    const privateToken = await t.gql('mutation($input: SetOAuthClientInput!) { setOAuthClient(input: $input) }', {
      input: { connectorKey: 'linkedin', clientId: 'a', clientSecret: 'b', tokenUrl: 'http://127.0.0.1/token' },
    });
    expect(privateToken.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'tokenUrl' });
  });

  it('updates, disconnects and deletes, and refuses other organizations and write-less keys', async () => {
    const created: any = await t.gql(CREATE, { input: { connectorKey: 'stripe', name: 'Main', credentials: { apiKey: 'sk_live_abcdefghijkl9876' } } });
    const id = created.data.createConnection.id;
    expect(created.data.createConnection).toMatchObject({ status: 'CONNECTED', credentialHint: 'sk_live_…9876' });
    const renamed: any = await t.gql(
      'mutation($id: ID!) { updateConnection(id: $id, input: { name: "Renamed", credentials: { webhookSecret: "whsec_x" } }) { name credentialHint } }',
      { id },
    );
    expect(renamed.data.updateConnection).toEqual({ name: 'Renamed', credentialHint: 'sk_live_…9876' });
    const reader = await gatewayToken('default', ['read:*']);
    const denied = await t.gql(CREATE, { input: { connectorKey: 'stripe', name: 'x', credentials: { apiKey: 'sk_test_123456789012' } } }, reader);
    expect(denied.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const stranger = await gatewayToken('other-org', ['*']);
    const foreign = await t.gql('mutation($id: ID!) { updateConnection(id: $id, input: { name: "mine now" }) { id } }', { id }, stranger);
    expect(foreign.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    const gone: any = await t.gql('mutation($id: ID!) { disconnect(id: $id) { status } }', { id });
    expect(gone.data.disconnect.status).toBe('DISCONNECTED');
    const [row] = await t.service.db.query('SELECT credentials_encrypted FROM connection WHERE id = $1', [id]);
    expect(row.credentials_encrypted).toBeNull();
    const test: any = await t.gql('mutation($id: ID!) { testConnection(id: $id) { ok status } }', { id });
    expect(test.data.testConnection.ok).toBe(false);
    expect(((await t.gql('mutation($id: ID!) { deleteConnection(id: $id) }', { id })) as any).data.deleteConnection).toBe(true);
    const again = await t.gql('mutation($id: ID!) { deleteConnection(id: $id) }', { id });
    expect(again.errors?.[0].extensions?.code).toBe('NOT_FOUND');
  });
});
