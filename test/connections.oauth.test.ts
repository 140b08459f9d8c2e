import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { LinkedInServer } from './providers/linkedin.server';
import { OAuthServer } from './providers/oauth.server';
import { BOOTSTRAP_KEY, startReplica, startTestService, TestService } from './support/service';

const START = `mutation($input: StartOAuthInput!) { startOAuth(input: $input) { authorizationUrl state expiresAt } }`;
const COMPLETE = `mutation($input: CompleteOAuthInput!) { completeOAuth(input: $input) { id status } }`;
const PROFILE = `mutation($id: ID!) { executeConnectorAction(connectionId: $id, action: "getProfile", input: {}) }`;
const STATUS = `query($id: ID!) { connection(id: $id) { status expiresAt lastError scopes } }`;

/**
 * The OAuth2 authorization code flow with PKCE end to end (LinkedIn against a local authorization
 * server and a local LinkedIn API), then token refresh before expiry, after a 401, across two
 * replicas at once, and a refused refresh turning the connection EXPIRED.
 */
describe('OAuth2 connections', () => {
  let t: TestService;
  let replica: TestService;
  let oauth: OAuthServer;
  let linkedin: LinkedInServer;
  let connectionId: string;

  const start = async () => {
    const res: any = await t.gql(START, {
      input: { connectorKey: 'linkedin', name: 'My LinkedIn', redirectUri: `${t.url}/oauth/callback`, config: { baseUrl: linkedin.url } },
    });
    expect(res.errors).toBeUndefined();
    return res.data.startOAuth as { authorizationUrl: string; state: string; expiresAt: string };
  };

  beforeAll(async () => {
    oauth = await new OAuthServer().start();
    linkedin = await new LinkedInServer(oauth).start();
    t = await startTestService({ PROVIDER_RETRY_BASE_DELAY_MS: '5' });
    replica = await startReplica(t, { PROVIDER_RETRY_BASE_DELAY_MS: '5' });
    const set: any = await t.gql('mutation($input: SetOAuthClientInput!) { setOAuthClient(input: $input) }', {
      input: {
        connectorKey: 'linkedin',
        clientId: oauth.clientId,
        clientSecret: oauth.clientSecret,
        authorizationUrl: `${oauth.url}/authorize`,
        tokenUrl: `${oauth.url}/token`,
      },
    });
    expect(set.data.setOAuthClient).toBe(true);
  });
  afterAll(async () => {
    await replica.stop();
    await t.stop();
    await linkedin.stop();
    await oauth.stop();
  });

  it('builds the authorize URL with client_id, redirect_uri, scope, a single-use state and a PKCE S256 challenge', async () => {
    const { authorizationUrl, state, expiresAt } = await start();
    const url = new URL(authorizationUrl);
    expect(`${url.origin}${url.pathname}`).toBe(`${oauth.url}/authorize`);
    expect(Object.fromEntries(url.searchParams)).toMatchObject({
      response_type: 'code',
      client_id: oauth.clientId,
      redirect_uri: `${t.url}/oauth/callback`,
      scope: 'openid profile email',
      state,
      code_challenge_method: 'S256',
    });
    expect(url.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const ttl = Date.parse(expiresAt) - Date.now();
    expect(ttl).toBeGreaterThan(9 * 60_000);
    expect(ttl).toBeLessThanOrEqual(10 * 60_000);
  });

  it('completes through the browser callback, and the state cannot be replayed', async () => {
    const { authorizationUrl } = await start();
    const consent = await fetch(authorizationUrl, { redirect: 'manual' });
    const callback = consent.headers.get('location')!;
    expect(callback.startsWith(`${t.url}/oauth/callback?`)).toBe(true);
    const page = await fetch(callback);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('My LinkedIn is connected');
    const list: any = await t.gql('{ connections(connectorKey: "linkedin") { edges { node { id status authType scopes expiresAt credentialHint } } } }');
    const node = list.data.connections.edges[0].node;
    expect(node).toMatchObject({ status: 'CONNECTED', authType: 'OAUTH2', scopes: ['openid', 'profile', 'email'] });
    expect(Date.parse(node.expiresAt)).toBeGreaterThan(Date.now() + 50 * 60_000);
    connectionId = node.id;

    expect((await fetch(callback)).status).toBe(400);
    const params = new URL(callback).searchParams;
    const replay = await t.gql(COMPLETE, { input: { state: params.get('state'), code: params.get('code') } });
    expect(replay.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'state' });
  });

  it('keeps the redirect parameters a connector declares, such as QuickBooks’ realmId', async () => {
    await t.gql('mutation($input: SetOAuthClientInput!) { setOAuthClient(input: $input) }', {
      input: {
        connectorKey: 'quickbooks',
        clientId: oauth.clientId,
        clientSecret: oauth.clientSecret,
        authorizationUrl: `${oauth.url}/authorize`,
        tokenUrl: `${oauth.url}/token`,
      },
    });
    const res: any = await t.gql(START, { input: { connectorKey: 'quickbooks', name: 'Books', redirectUri: `${t.url}/oauth/callback` } });
    const callback = new URL((await fetch(res.data.startOAuth.authorizationUrl, { redirect: 'manual' })).headers.get('location')!);
    callback.searchParams.set('realmId', '9130357766900766'); // Intuit adds the company id
    expect((await fetch(callback)).status).toBe(200);
    const list: any = await t.gql('{ connections(connectorKey: "quickbooks") { edges { node { status config } } } }');
    expect(list.data.connections.edges[0].node).toEqual({ status: 'CONNECTED', config: { realmId: '9130357766900766' } });
  });

  it('refuses an expired state and a state of another organization', async () => {
    const { authorizationUrl, state } = await start();
    const code = new URL((await fetch(authorizationUrl, { redirect: 'manual' })).headers.get('location')!).searchParams.get('code');
    const other = await t.gql(COMPLETE, { input: { state, code } }, 'hcrm_test_not_this_org');
    expect(other.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    await t.service.db.query(`UPDATE oauth_state SET expires_at = now() - interval '1 second'`);
    const expired = await t.gql(COMPLETE, { input: { state, code } });
    expect(expired.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'state' });
  });

  it('calls the API with the access token and refreshes it before expiry', async () => {
    const first: any = await t.gql(PROFILE, { id: connectionId });
    expect(first.data.executeConnectorAction).toMatchObject({ email: 'ada@example.com', name: 'Ada Lovelace' });
    const before = oauth.refreshCount;
    await t.service.db.query(`UPDATE connection SET expires_at = now() + interval '2 minutes' WHERE id = $1`, [connectionId]);
    const res: any = await t.gql(PROFILE, { id: connectionId });
    expect(res.errors).toBeUndefined();
    expect(oauth.refreshCount).toBe(before + 1);
    const after: any = await t.gql(STATUS, { id: connectionId });
    expect(Date.parse(after.data.connection.expiresAt)).toBeGreaterThan(Date.now() + 50 * 60_000);
  });

  it('refreshes once after a 401, even when two replicas hit it at the same moment', async () => {
    oauth.expireAccessTokens();
    oauth.tokenDelayMs = 300;
    const before = oauth.refreshCount;
    const [a, b]: any[] = await Promise.all([t.gql(PROFILE, { id: connectionId }), replica.gql(PROFILE, { id: connectionId })]);
    oauth.tokenDelayMs = 0;
    expect(a.errors).toBeUndefined();
    expect(b.errors).toBeUndefined();
    expect(oauth.refreshCount).toBe(before + 1);
  });

  it('marks the connection EXPIRED when the refresh token is refused, and streams the change', async () => {
    const changes: any[] = [];
    const ws = createClient({
      url: t.url.replace('http', 'ws') + '/graphql',
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${BOOTSTRAP_KEY}` },
      lazy: false,
    });
    ws.subscribe(
      { query: 'subscription($id: ID) { connectionStatusChanged(connectionId: $id) { id status } }', variables: { id: connectionId } },
      { next: (m) => changes.push(m), error: () => undefined, complete: () => undefined },
    );
    await new Promise((r) => setTimeout(r, 300));
    oauth.refuseRefresh();
    oauth.expireAccessTokens();
    const res = await t.gql(PROFILE, { id: connectionId });
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', connectionStatus: 'EXPIRED' });
    const after: any = await t.gql(STATUS, { id: connectionId });
    expect(after.data.connection.status).toBe('EXPIRED');
    expect(after.data.connection.lastError).toContain('invalid_grant');
    const until = Date.now() + 5000;
    while (!changes.length && Date.now() < until) await new Promise((r) => setTimeout(r, 25));
    await ws.dispose();
    expect(changes[0].data.connectionStatusChanged).toEqual({ id: connectionId, status: 'EXPIRED' });
  });

  it('lists the LinkedIn profile and, with the organization scope, the administered organizations across pages', async () => {
    oauth.refuse = false;
    const imported: any = await t.gql('mutation($input: CreateConnectionInput!) { createConnection(input: $input) { id } }', {
      input: {
        connectorKey: 'linkedin',
        name: 'imported',
        authType: 'OAUTH2',
        credentials: { ...toCredentials(oauth.issueTokens('openid profile email rw_organization_admin')) },
        config: { baseUrl: linkedin.url },
      },
    });
    const id = imported.data.createConnection.id;
    linkedin.seedOrganizations(130);
    const orgs: string[] = [];
    let cursor: string | null = null;
    do {
      const res: any = await t.gql(
        `query($id: ID!, $cursor: String) {
          connectionRecords(connectionId: $id, object: "organizations", cursor: $cursor, pageSize: 50) { records nextCursor } }`,
        { id, cursor },
      );
      expect(res.errors).toBeUndefined();
      orgs.push(...res.data.connectionRecords.records.map((r: any) => r.organization));
      cursor = res.data.connectionRecords.nextCursor;
    } while (cursor);
    expect(new Set(orgs).size).toBe(130);
    const profile: any = await t.gql('query($id: ID!) { connectionRecords(connectionId: $id, object: "profile") { records nextCursor } }', { id });
    expect(profile.data.connectionRecords).toEqual({ records: [linkedin.member], nextCursor: null });
    const test: any = await t.gql('mutation($id: ID!) { testConnection(id: $id) { ok status } }', { id });
    expect(test.data.testConnection).toEqual({ ok: true, status: 'CONNECTED' });
  });
});

function toCredentials(tokens: { access_token: string; refresh_token: string }) {
  return { accessToken: tokens.access_token, refreshToken: tokens.refresh_token };
}
