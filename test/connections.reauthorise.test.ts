import { LinkedInServer } from './providers/linkedin.server';
import { OAuthServer } from './providers/oauth.server';
import { QuickBooksServer } from './providers/quickbooks.server';
import { gatewayToken, startTestService, TestService } from './support/service';

const START = 'mutation($input: StartOAuthInput!) { startOAuth(input: $input) { authorizationUrl state } }';
const COMPLETE = 'mutation($input: CompleteOAuthInput!) { completeOAuth(input: $input) { id name status config providerAccountId } }';
const READ = 'query($id: ID!) { connection(id: $id) { id name status config providerAccountId lastError syncConfigs { id } } }';
const TEST = 'mutation($id: ID!) { testConnection(id: $id) { ok status } }';
const COUNT = 'query($key: String) { connections(connectorKey: $key) { totalCount } }';

/**
 * startOAuth with connectionId re-authorises that connection: the same id, name, syncs and links
 * with new tokens, unless they reach another provider account (CONFLICT, the old tokens stay).
 * OAuth completion learns the account (QuickBooks' realmId from the redirect). Against a local
 * authorization server, QuickBooks' and LinkedIn's APIs.
 */
describe('Re-authorising a connection', () => {
  let t: TestService;
  let oauth: OAuthServer;
  let books: QuickBooksServer;
  let linkedin: LinkedInServer;

  /** The user consents at the (local) provider; the code and state come back on the redirect. */
  const authorize = async (input: Record<string, unknown>, token?: string) => {
    const res: any = await t.gql(START, { input: { name: 'Authorised', redirectUri: `${t.url}/oauth/callback`, ...input } }, token);
    expect(res.errors).toBeUndefined();
    const redirect = new URL((await fetch(res.data.startOAuth.authorizationUrl, { redirect: 'manual' })).headers.get('location')!);
    return { state: redirect.searchParams.get('state')!, code: redirect.searchParams.get('code')! };
  };
  const complete = async (grant: { state: string; code: string }, config?: Record<string, unknown>) =>
    (await t.gql(COMPLETE, { input: { ...grant, config } })) as any;
  const read = async (id: string) => ((await t.gql(READ, { id })) as any).data.connection;
  const count = async (key: string) => ((await t.gql(COUNT, { key })) as any).data.connections.totalCount as number;

  const connectBooks = async () => {
    const done = await complete(await authorize({ connectorKey: 'quickbooks', name: 'Books', config: { baseUrl: books.url } }), { realmId: books.realmId });
    expect(done.errors).toBeUndefined();
    return done.data.completeOAuth as { id: string; providerAccountId: string };
  };

  beforeAll(async () => {
    oauth = await new OAuthServer().start();
    books = await new QuickBooksServer(oauth).start();
    linkedin = await new LinkedInServer(oauth).start();
    t = await startTestService({ PROVIDER_RETRY_BASE_DELAY_MS: '5' });
    for (const connectorKey of ['quickbooks', 'linkedin']) {
      const set: any = await t.gql('mutation($input: SetOAuthClientInput!) { setOAuthClient(input: $input) }', {
        input: {
          connectorKey,
          clientId: oauth.clientId,
          clientSecret: oauth.clientSecret,
          authorizationUrl: `${oauth.url}/authorize`,
          tokenUrl: `${oauth.url}/token`,
        },
      });
      expect(set.data.setOAuthClient).toBe(true);
    }
  });
  afterAll(async () => {
    await t?.stop();
    await linkedin?.stop();
    await books?.stop();
    await oauth?.stop();
  });

  it('learns the QuickBooks company from the redirect’s realmId, through the browser callback too', async () => {
    const connected = await connectBooks();
    expect(connected.providerAccountId).toBe(books.realmId);
    const grant = await authorize({ connectorKey: 'quickbooks', name: 'Books (browser)', config: { baseUrl: books.url } });
    const page = await fetch(`${t.url}/oauth/callback?${new URLSearchParams({ ...grant, realmId: books.realmId })}`);
    expect(page.status).toBe(200);
    const list: any = await t.gql('{ connections(connectorKey: "quickbooks") { edges { node { name providerAccountId } } } }');
    expect(list.data.connections.edges.map((e: any) => e.node)).toContainEqual({ name: 'Books (browser)', providerAccountId: books.realmId });
  });

  it('replaces the tokens of the same connection: same id, name and syncs, CONNECTED again', async () => {
    const connected = await connectBooks();
    const config: any = await t.gql('mutation($input: CreateSyncConfigInput!) { createSyncConfig(input: $input) { id } }', {
      input: { name: 'Customers', connectionId: connected.id, sourceObject: 'Customer', targetObject: 'account', direction: 'INBOUND', frequency: 'manual' },
    });
    expect(config.errors).toBeUndefined();
    await t.service.db.query(`UPDATE connection SET status = 'EXPIRED', last_error = 'Token refresh refused' WHERE id = $1`, [connected.id]);
    const before = await count('quickbooks');
    const tokensBefore = oauth.validAccessTokens.size;

    const done = await complete(await authorize({ connectorKey: 'quickbooks', connectionId: connected.id, name: 'Ignored' }), { realmId: books.realmId });
    expect(done.errors).toBeUndefined();
    expect(done.data.completeOAuth).toMatchObject({ id: connected.id, name: 'Books', status: 'CONNECTED', providerAccountId: books.realmId });
    expect(done.data.completeOAuth.config).toEqual({ baseUrl: books.url, realmId: books.realmId });
    expect(await count('quickbooks')).toBe(before);
    expect(oauth.validAccessTokens.size).toBe(tokensBefore + 1);
    const after = await read(connected.id);
    expect(after).toMatchObject({ status: 'CONNECTED', lastError: null, syncConfigs: [{ id: config.data.createSyncConfig.id }] });

    // The stored token is the new one: the old ones no longer work, the connection still does.
    oauth.validAccessTokens.clear();
    const again = await complete(await authorize({ connectorKey: 'quickbooks', connectionId: connected.id }), { realmId: books.realmId });
    expect(again.errors).toBeUndefined();
    expect(((await t.gql(TEST, { id: connected.id })) as any).data.testConnection).toEqual({ ok: true, status: 'CONNECTED' });
  });

  it('refuses tokens for another QuickBooks company with CONFLICT and keeps the connection as it was', async () => {
    const connected = await connectBooks();
    const done = await complete(await authorize({ connectorKey: 'quickbooks', connectionId: connected.id }), { realmId: '4620816365225131' });
    expect(done.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', providerAccountId: books.realmId, foundProviderAccountId: '4620816365225131' });
    expect(await read(connected.id)).toMatchObject({ status: 'CONNECTED', providerAccountId: books.realmId, config: { realmId: books.realmId } });
    expect(((await t.gql(TEST, { id: connected.id })) as any).data.testConnection.ok).toBe(true);
  });

  it('LinkedIn: the member from userinfo; another member is refused, the same one re-authorises', async () => {
    const first = await complete(await authorize({ connectorKey: 'linkedin', name: 'Ada', config: { baseUrl: linkedin.url } }));
    expect(first.data.completeOAuth.providerAccountId).toBe('mem-782bd');
    const id = first.data.completeOAuth.id;

    linkedin.member.sub = 'mem-other';
    const other = await complete(await authorize({ connectorKey: 'linkedin', connectionId: id }));
    expect(other.errors?.[0].extensions?.code).toBe('CONFLICT');
    expect(other.errors?.[0].message).toMatch(/mem-other.*mem-782bd/);
    linkedin.member.sub = 'mem-782bd';

    const same = await complete(await authorize({ connectorKey: 'linkedin', connectionId: id }));
    expect(same.data.completeOAuth).toMatchObject({ id, name: 'Ada', providerAccountId: 'mem-782bd' });
  });

  it('refuses an unknown connection, another organization’s, and another connector’s', async () => {
    const connected = await connectBooks();
    const start = (input: Record<string, unknown>, token?: string) =>
      t.gql(START, { input: { name: 'x', redirectUri: `${t.url}/oauth/callback`, ...input } }, token) as Promise<any>;
    for (const connectionId of ['3a0f4a52-8f1e-4f43-9d55-1d5b8c7a9e10', 'not-a-uuid']) {
      const unknown = await start({ connectorKey: 'quickbooks', connectionId });
      expect(unknown.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    }
    const acme = await gatewayToken('acme', ['*']);
    await t.gql(
      'mutation($input: SetOAuthClientInput!) { setOAuthClient(input: $input) }',
      {
        input: { connectorKey: 'quickbooks', clientId: oauth.clientId, clientSecret: oauth.clientSecret, authorizationUrl: `${oauth.url}/authorize` },
      },
      acme,
    );
    const foreign = await start({ connectorKey: 'quickbooks', connectionId: connected.id }, acme);
    expect(foreign.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    const mismatch = await start({ connectorKey: 'linkedin', connectionId: connected.id });
    expect(mismatch.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'connectorKey' });
    expect(await t.service.db.query('SELECT count(*)::int AS n FROM oauth_state WHERE connection_id = $1 AND used_at IS NULL', [connected.id])).toEqual([
      { n: 0 },
    ]);
  });
});
