import { DocuSignServer, docusignRateLimited } from './providers/docusign.server';
import { OAuthServer } from './providers/oauth.server';
import { startTestService, TestService } from './support/service';

const CONNECT = `mutation($input: CreateConnectionInput!) { createConnection(input: $input) { id status authType } }`;
const TEST = 'mutation($id: ID!) { testConnection(id: $id) { ok status message } }';
const RECORDS = `query($id: ID!, $object: String!, $cursor: String, $pageSize: Int) {
  connectionRecords(connectionId: $id, object: $object, cursor: $cursor, pageSize: $pageSize) { records nextCursor } }`;
const ACTION = 'mutation($id: ID!, $action: String!, $input: JSON!) { executeConnectorAction(connectionId: $id, action: $action, input: $input) }';
const STATUS = 'query($id: ID!) { connection(id: $id) { status lastError } }';
const PDF = Buffer.from('%PDF-1.4 contract').toString('base64');

/** The DocuSign connector through GraphQL against local stand-ins for DocuSign's API and OAuth server. */
describe('DocuSign connector', () => {
  let t: TestService;
  let oauth: OAuthServer;
  let docusign: DocuSignServer;
  let connectionId: string;

  const connect = async (config: Record<string, unknown>) => {
    const tokens = oauth.issueTokens();
    const res: any = await t.gql(CONNECT, {
      input: {
        connectorKey: 'docusign',
        name: 'DocuSign (local)',
        credentials: { accessToken: tokens.access_token, refreshToken: tokens.refresh_token, expiresAt: new Date(Date.now() + 3600_000).toISOString() },
        config,
      },
    });
    expect(res.errors).toBeUndefined();
    return res.data.createConnection.id as string;
  };

  const readAll = async (object: string, pageSize?: number) => {
    const records: any[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const res: any = await t.gql(RECORDS, { id: connectionId, object, cursor, pageSize });
      expect(res.errors).toBeUndefined();
      records.push(...res.data.connectionRecords.records);
      cursor = res.data.connectionRecords.nextCursor;
      pages++;
    } while (cursor);
    return { records, pages };
  };

  beforeAll(async () => {
    oauth = await new OAuthServer().start();
    docusign = await new DocuSignServer(oauth).start();
    t = await startTestService({ PROVIDER_RETRY_BASE_DELAY_MS: '5' });
    const set: any = await t.gql('mutation($input: SetOAuthClientInput!) { setOAuthClient(input: $input) }', {
      input: {
        connectorKey: 'docusign',
        clientId: oauth.clientId,
        clientSecret: oauth.clientSecret,
        authorizationUrl: `${oauth.url}/authorize`,
        tokenUrl: `${oauth.url}/token`,
      },
    });
    expect(set.data.setOAuthClient).toBe(true);
    connectionId = await connect({ baseUrl: `${docusign.url}/restapi`, accountId: docusign.accountId });
  });
  afterAll(async () => {
    await t.stop();
    await docusign.stop();
    await oauth.stop();
  });

  it('declares envelopes and recipients, both actions and DocuSign’s budget', async () => {
    const res: any = await t.gql('{ connector(key: "docusign") { objects { name supportsIncremental } actions { name } rateLimit { limit windowSeconds } } }');
    expect(res.data.connector.objects.map((o: any) => o.name)).toEqual(['envelopes', 'recipients']);
    expect(res.data.connector.actions.map((a: any) => a.name)).toEqual(['sendEnvelope', 'sendEnvelopeFromTemplate', 'voidEnvelope']);
    expect(res.data.connector.rateLimit).toEqual({ limit: 50, windowSeconds: 1 });
  });

  it('tests the connection against the account with the Bearer token', async () => {
    const res: any = await t.gql(TEST, { id: connectionId });
    expect(res.data.testConnection).toMatchObject({ ok: true, status: 'CONNECTED' });
    expect(docusign.requests.find((r) => r.path === `/restapi/v2.1/accounts/${docusign.accountId}`)!.headers.authorization).toMatch(/^Bearer at_/);
  });

  it('refuses a connection without config.accountId with a clear error', async () => {
    const id = await connect({ baseUrl: `${docusign.url}/restapi` });
    const res: any = await t.gql(TEST, { id });
    expect(res.data.testConnection).toMatchObject({ ok: false, status: 'ERROR' });
    expect(res.data.testConnection.message).toContain('config.accountId');
    const action = await t.gql(ACTION, { id, action: 'voidEnvelope', input: { envelopeId: '9d2f3c4b-1a2b-4c3d-8e9f-0a1b2c3d4e5f', voidedReason: 'x' } });
    expect(action.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'config.accountId' });
  });

  it('lists envelopes across pages with from_date and start_position/count', async () => {
    const seeded = docusign.seedEnvelopes(230);
    const { records, pages } = await readAll('envelopes');
    expect(pages).toBe(3);
    expect(records.map((r) => r.id).sort()).toEqual(seeded.map((e) => e.envelopeId).sort());
    expect(records[0]).toMatchObject({ id: records[0].envelopeId, status: 'sent', emailSubject: 'Contract 0' });
    const calls = docusign.requests.filter((r) => r.path.endsWith('/envelopes') && r.method === 'GET');
    expect(calls.map((r) => r.query.get('start_position'))).toEqual(['0', '100', '200']);
    expect(calls.every((r) => r.query.get('count') === '100')).toBe(true);
    // One window for the whole listing: the default look-back, carried by the cursor.
    expect(new Set(calls.map((r) => r.query.get('from_date'))).size).toBe(1);
    expect(Date.now() - Date.parse(calls[0].query.get('from_date')!)).toBeGreaterThan(364 * 86_400_000);
  });

  it('lists every envelope’s recipients, a page of envelopes at a time', async () => {
    const before = docusign.requests.length;
    const { records, pages } = await readAll('recipients', 100);
    expect(pages).toBe(12); // 230 envelopes, 20 per page
    expect(records).toHaveLength(460);
    expect(new Set(records.map((r) => r.id)).size).toBe(460);
    expect(records[0]).toMatchObject({ recipientGroup: 'signers', recipientId: '1', email: 'signer0@example.com' });
    expect(records[0].id).toBe(`${records[0].envelopeId}:1`);
    expect(records[1]).toMatchObject({ recipientGroup: 'carbonCopies', recipientId: '2' });
    const recipientCalls = docusign.requests.slice(before).filter((r) => r.path.endsWith('/recipients'));
    expect(recipientCalls).toHaveLength(230);
  });

  it('waits out DocuSign’s 429 and a 503, then answers', async () => {
    docusign.failNext(docusignRateLimited(), { status: 503, body: { errorCode: 'SERVICE_UNAVAILABLE', message: 'busy' } });
    const res: any = await t.gql(RECORDS, { id: connectionId, object: 'envelopes', pageSize: 5 });
    expect(res.errors).toBeUndefined();
    expect(res.data.connectionRecords.records).toHaveLength(5);
  });

  it('sends an envelope with base64 documents and signers', async () => {
    const input = {
      emailSubject: 'Please sign the MSA',
      emailBlurb: 'Thanks!',
      documents: [{ name: 'msa.pdf', documentBase64: PDF }],
      signers: [{ email: 'grace@example.com', name: 'Grace Hopper', tabs: { signHereTabs: [{ anchorString: '/sig/' }] } }],
      carbonCopies: [{ email: 'legal@example.com', name: 'Legal' }],
    };
    const res: any = await t.gql(ACTION, { id: connectionId, action: 'sendEnvelope', input });
    expect(res.errors).toBeUndefined();
    expect(res.data.executeConnectorAction).toMatchObject({ status: 'sent', envelopeId: expect.any(String) });
    const sent = docusign.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/envelopes')).pop()!;
    expect(sent.body).toEqual({
      emailSubject: 'Please sign the MSA',
      emailBlurb: 'Thanks!',
      status: 'sent',
      documents: [{ documentId: '1', name: 'msa.pdf', fileExtension: 'pdf', documentBase64: PDF }],
      recipients: {
        signers: [{ recipientId: '1', email: 'grace@example.com', name: 'Grace Hopper', tabs: { signHereTabs: [{ anchorString: '/sig/' }] } }],
        carbonCopies: [{ recipientId: '2', email: 'legal@example.com', name: 'Legal' }],
      },
    });
  });

  it('sends an envelope from a server template, its roles filled by roleName, and surfaces TEMPLATE_ID_INVALID', async () => {
    const templateId = docusign.seedTemplate('Order form', ['Customer']);
    const input = {
      templateId,
      emailSubject: 'Order form for ACME',
      templateRoles: [
        { roleName: 'Customer', email: 'grace@acme.example', name: 'Grace Hopper', tabs: { textTabs: [{ tabLabel: 'amount', value: '50000' }] } },
      ],
    };
    const res: any = await t.gql(ACTION, { id: connectionId, action: 'sendEnvelopeFromTemplate', input });
    expect(res.errors).toBeUndefined();
    expect(res.data.executeConnectorAction).toMatchObject({ status: 'sent', envelopeId: expect.any(String) });
    expect(docusign.created.pop()).toEqual({ ...input, status: 'sent' });
    const envelope = docusign.envelopes.find((e) => e.envelopeId === res.data.executeConnectorAction.envelopeId)!;
    expect(envelope).toMatchObject({ status: 'sent', emailSubject: 'Order form for ACME', templateId });
    expect(docusign.recipients.get(envelope.envelopeId)!.signers).toEqual([expect.objectContaining({ roleName: 'Customer', email: 'grace@acme.example' })]);

    const unknown = await t.gql(ACTION, {
      id: connectionId,
      action: 'sendEnvelopeFromTemplate',
      input: { ...input, templateId: '9d2f3c4b-1a2b-4c3d-8e9f-0a1b2c3d4e5f' },
    });
    expect(unknown.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', provider: { name: 'docusign', status: 400, code: 'TEMPLATE_ID_INVALID' } });
    const noRole = await t.gql(ACTION, {
      id: connectionId,
      action: 'sendEnvelopeFromTemplate',
      input: { templateId, templateRoles: [{ roleName: 'Signer', email: 'a@b.example', name: 'A' }] },
    });
    expect(noRole.errors?.[0].extensions).toMatchObject({ provider: { code: 'ENVELOPE_IS_INCOMPLETE' } });
  });

  it('voids an envelope, and surfaces DocuSign’s errorCode when it cannot', async () => {
    const [target] = docusign.seedEnvelopes(1);
    const res: any = await t.gql(ACTION, { id: connectionId, action: 'voidEnvelope', input: { envelopeId: target.envelopeId, voidedReason: 'Wrong amount' } });
    expect(res.errors).toBeUndefined();
    expect(res.data.executeConnectorAction).toMatchObject({ envelopeId: target.envelopeId, status: 'voided' });
    const put = docusign.requests.filter((r) => r.method === 'PUT').pop()!;
    expect(put.path).toBe(`/restapi/v2.1/accounts/${docusign.accountId}/envelopes/${target.envelopeId}`);
    expect(put.body).toEqual({ status: 'voided', voidedReason: 'Wrong amount' });
    expect(target).toMatchObject({ status: 'voided', voidedReason: 'Wrong amount' });

    const again = await t.gql(ACTION, { id: connectionId, action: 'voidEnvelope', input: { envelopeId: target.envelopeId, voidedReason: 'Twice' } });
    expect(again.errors?.[0].extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      provider: { name: 'docusign', status: 400, code: 'ENVELOPE_CANNOT_VOID_INVALID_STATE' },
    });
  });

  it('refuses action input that fails its schema before calling DocuSign', async () => {
    const before = docusign.requests.length;
    const missing = await t.gql(ACTION, {
      id: connectionId,
      action: 'sendEnvelope',
      input: { emailSubject: 'x', documents: [{ name: 'a.pdf', documentBase64: PDF }] },
    });
    expect(missing.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.signers' });
    const reason = await t.gql(ACTION, { id: connectionId, action: 'voidEnvelope', input: { envelopeId: '9d2f3c4b-1a2b-4c3d-8e9f-0a1b2c3d4e5f' } });
    expect(reason.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.voidedReason' });
    expect(docusign.requests.length).toBe(before);
  });

  it('refreshes the token with HTTP Basic client auth after a 401 and retries', async () => {
    oauth.expireAccessTokens();
    const before = oauth.refreshCount;
    const res: any = await t.gql(RECORDS, { id: connectionId, object: 'envelopes', pageSize: 1 });
    expect(res.errors).toBeUndefined();
    expect(oauth.refreshCount).toBe(before + 1);
    const refresh = oauth.requests.filter((r) => r.body.grant_type === 'refresh_token').pop()!;
    expect(refresh.headers.authorization).toBe(`Basic ${Buffer.from(`${oauth.clientId}:${oauth.clientSecret}`).toString('base64')}`);
    expect(refresh.body.client_secret).toBeUndefined();
  });

  it('marks the connection EXPIRED when the refresh token is refused', async () => {
    oauth.refuseRefresh();
    oauth.expireAccessTokens();
    const res = await t.gql(RECORDS, { id: connectionId, object: 'envelopes', pageSize: 1 });
    expect(res.errors?.[0].extensions).toMatchObject({ code: 'CONFLICT', connectionStatus: 'EXPIRED' });
    const after: any = await t.gql(STATUS, { id: connectionId });
    expect(after.data.connection.status).toBe('EXPIRED');
  });
});
