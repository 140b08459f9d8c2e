import { AdobeSignServer, adobeThrottled } from './providers/adobe_sign.server';
import { OAuthServer } from './providers/oauth.server';
import { startTestService, TestService } from './support/service';

const CONNECT = `mutation($input: CreateConnectionInput!) { createConnection(input: $input) { id status authType } }`;
const TEST = 'mutation($id: ID!) { testConnection(id: $id) { ok status message } }';
const RECORDS = `query($id: ID!, $object: String!, $cursor: String, $pageSize: Int) {
  connectionRecords(connectionId: $id, object: $object, cursor: $cursor, pageSize: $pageSize) { records nextCursor } }`;
const ACTION = 'mutation($id: ID!, $action: String!, $input: JSON!) { executeConnectorAction(connectionId: $id, action: $action, input: $input) }';
const STATUS = 'query($id: ID!) { connection(id: $id) { status lastError } }';

/** The Adobe Acrobat Sign connector through GraphQL against local stand-ins for its API and OAuth server. */
describe('Adobe Sign connector', () => {
  let t: TestService;
  let oauth: OAuthServer;
  let adobe: AdobeSignServer;
  let connectionId: string;

  beforeAll(async () => {
    oauth = await new OAuthServer().start();
    adobe = await new AdobeSignServer(oauth).start();
    t = await startTestService({ PROVIDER_RETRY_BASE_DELAY_MS: '5' });
    const set: any = await t.gql('mutation($input: SetOAuthClientInput!) { setOAuthClient(input: $input) }', {
      input: {
        connectorKey: 'adobe_sign',
        clientId: oauth.clientId,
        clientSecret: oauth.clientSecret,
        authorizationUrl: `${oauth.url}/authorize`,
        tokenUrl: `${oauth.url}/token`,
      },
    });
    expect(set.data.setOAuthClient).toBe(true);
    const tokens = oauth.issueTokens();
    const res: any = await t.gql(CONNECT, {
      input: {
        connectorKey: 'adobe_sign',
        name: 'Adobe Sign (local)',
        credentials: { accessToken: tokens.access_token, refreshToken: tokens.refresh_token },
        config: { baseUrl: `${adobe.url}/api/rest/v6` },
      },
    });
    expect(res.errors).toBeUndefined();
    connectionId = res.data.createConnection.id;
  });
  afterAll(async () => {
    await t.stop();
    await adobe.stop();
    await oauth.stop();
  });

  it('declares agreements, its three actions, and asks for account-wide scopes', async () => {
    const res: any = await t.gql('{ connector(key: "adobe_sign") { objects { name supportsIncremental supportsWrite } actions { name } } }');
    expect(res.data.connector.objects).toEqual([{ name: 'agreements', supportsIncremental: false, supportsWrite: true }]);
    expect(res.data.connector.actions.map((a: any) => a.name)).toEqual(['uploadTransientDocument', 'sendAgreement', 'getSigningUrl']);
    const start: any = await t.gql('mutation($input: StartOAuthInput!) { startOAuth(input: $input) { authorizationUrl } }', {
      input: { connectorKey: 'adobe_sign', name: 'consent', redirectUri: `${t.url}/oauth/callback` },
    });
    expect(new URL(start.data.startOAuth.authorizationUrl).searchParams.get('scope')).toBe(
      'agreement_read:account agreement_write:account agreement_send:account',
    );
  });

  it('tests the connection with the Bearer token', async () => {
    const res: any = await t.gql(TEST, { id: connectionId });
    expect(res.data.testConnection).toMatchObject({ ok: true, status: 'CONNECTED' });
    const call = adobe.requests.find((r) => r.path === '/api/rest/v6/agreements')!;
    expect(call.headers.authorization).toMatch(/^Bearer at_/);
    expect(call.query.get('pageSize')).toBe('1');
  });

  it('lists agreements across pages with cursor and page.nextCursor', async () => {
    const seeded = adobe.seedAgreements(230);
    const before = adobe.requests.length;
    const seen: any[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: any = await t.gql(RECORDS, { id: connectionId, object: 'agreements', cursor });
      expect(res.errors).toBeUndefined();
      seen.push(...res.data.connectionRecords.records);
      cursor = res.data.connectionRecords.nextCursor;
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen.map((a) => a.id).sort()).toEqual(seeded.map((a) => a.id).sort());
    expect(seen[0]).toMatchObject({ name: 'Agreement 229', status: 'OUT_FOR_SIGNATURE', type: 'AGREEMENT', esign: true });
    const calls = adobe.requests.slice(before);
    expect(calls.map((r) => r.query.get('pageSize'))).toEqual(['100', '100', '100']);
    expect(calls[0].query.has('cursor')).toBe(false);
    expect(calls[1].query.get('cursor')).toBeTruthy();
  });

  it('waits out a 429 with Retry-After', async () => {
    adobe.failNext(adobeThrottled(1));
    const started = Date.now();
    const res: any = await t.gql(RECORDS, { id: connectionId, object: 'agreements', pageSize: 2 });
    expect(res.errors).toBeUndefined();
    expect(res.data.connectionRecords.records).toHaveLength(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
  });

  it('sends an agreement for e-signature and gets its signing URL', async () => {
    const documentId = adobe.addTransientDocument();
    const input = {
      name: 'MSA 2024',
      fileInfos: [{ transientDocumentId: documentId }, { libraryDocumentId: 'CBJCHBCAABAAlibraryNDA' }],
      participantSetsInfo: [{ memberInfos: [{ email: 'grace@example.com' }], order: 1, role: 'SIGNER' }],
      ccs: [{ email: 'legal@example.com' }],
      message: 'Please sign',
    };
    const sent: any = await t.gql(ACTION, { id: connectionId, action: 'sendAgreement', input });
    expect(sent.errors).toBeUndefined();
    const agreementId = sent.data.executeConnectorAction.id;
    expect(agreementId).toMatch(/^CBJCHBCAABAA/);
    const post = adobe.requests.filter((r) => r.method === 'POST').pop()!;
    expect(post.path).toBe('/api/rest/v6/agreements');
    expect(post.body).toEqual({ ...input, signatureType: 'ESIGN', state: 'IN_PROCESS' });

    const urls: any = await t.gql(ACTION, { id: connectionId, action: 'getSigningUrl', input: { agreementId, frameParent: 'crm.example.com' } });
    expect(urls.errors).toBeUndefined();
    expect(urls.data.executeConnectorAction.signingUrlSetInfos[0].signingUrls[0]).toMatchObject({
      email: 'grace@example.com',
      esignUrl: expect.stringContaining('https://'),
    });
    const get = adobe.requests.filter((r) => r.path.endsWith('/signingUrls')).pop()!;
    expect(get.path).toBe(`/api/rest/v6/agreements/${agreementId}/signingUrls`);
    expect(get.query.get('frameParent')).toBe('crm.example.com');
  });

  it('surfaces Adobe’s code when an agreement cannot be signed or a document is unknown', async () => {
    const [signed] = adobe.seedAgreements(1, 'SIGNED');
    const urls = await t.gql(ACTION, { id: connectionId, action: 'getSigningUrl', input: { agreementId: signed.id } });
    expect(urls.errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      provider: { name: 'adobe_sign', status: 404, code: 'AGREEMENT_NOT_SIGNABLE' },
    });
    const input = {
      name: 'x',
      fileInfos: [{ transientDocumentId: 'CBJCHBCAABAAexpired' }],
      participantSetsInfo: [{ memberInfos: [{ email: 'a@example.com' }], order: 1, role: 'SIGNER' }],
    };
    const sent = await t.gql(ACTION, { id: connectionId, action: 'sendAgreement', input });
    expect(sent.errors?.[0].extensions).toMatchObject({ provider: { status: 404, code: 'INVALID_TRANSIENT_DOCUMENT_ID' } });
  });

  it('refuses action input that fails its schema before calling Adobe', async () => {
    const before = adobe.requests.length;
    const missing = await t.gql(ACTION, {
      id: connectionId,
      action: 'sendAgreement',
      input: { name: 'x', fileInfos: [{ libraryDocumentId: 'CBJCHBCAABAAlibraryNDA' }] },
    });
    expect(missing.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.participantSetsInfo' });
    const role = await t.gql(ACTION, {
      id: connectionId,
      action: 'sendAgreement',
      input: {
        name: 'x',
        fileInfos: [{ libraryDocumentId: 'L' }],
        participantSetsInfo: [{ memberInfos: [{ email: 'a@example.com' }], order: 1, role: 'BOSS' }],
      },
    });
    expect(role.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.participantSetsInfo.0.role' });
    const noId = await t.gql(ACTION, { id: connectionId, action: 'getSigningUrl', input: {} });
    expect(noId.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.agreementId' });
    expect(adobe.requests.length).toBe(before);
  });

  it('refreshes the token after a 401 and retries', async () => {
    oauth.expireAccessTokens();
    const before = oauth.refreshCount;
    const res: any = await t.gql(RECORDS, { id: connectionId, object: 'agreements', pageSize: 1 });
    expect(res.errors).toBeUndefined();
    expect(oauth.refreshCount).toBe(before + 1);
    // Adobe's documented refresh endpoint, not the code-exchange one.
    expect(oauth.requests.filter((r) => r.path === '/oauth/v2/refresh')).toHaveLength(1);
    const refresh = oauth.requests.filter((r) => r.body.grant_type === 'refresh_token').pop()!;
    expect(refresh.body).toMatchObject({ client_id: oauth.clientId, client_secret: oauth.clientSecret });
  });

  it('marks the connection EXPIRED when the refresh token is refused', async () => {
    oauth.refuseRefresh();
    oauth.expireAccessTokens();
    const res = await t.gql(ACTION, { id: connectionId, action: 'getSigningUrl', input: { agreementId: 'CBJCHBCAABAAany' } });
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', connectionStatus: 'EXPIRED' });
    const after: any = await t.gql(STATUS, { id: connectionId });
    expect(after.data.connection.status).toBe('EXPIRED');
  });
});
