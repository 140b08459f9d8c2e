import { GmailServer } from './providers/gmail.server';
import { OAuthServer } from './providers/oauth.server';
import { RunningCrmGateway, startCrmGateway } from './support/crm-gateway-subgraphs';
import { startTestService, TestService } from './support/service';
import { TRIGGER, waitForRunEnd } from './support/sync-fixtures';

const ACTIVITIES = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Contact { id
  activities { totalCount edges { node { externalId direction from } } } } } }`;

/**
 * Gateway mode (CRM_GATEWAY_URL): contacts live in the Sales cloud behind @apollo/gateway, the
 * activities in this service's own store. A mailbox's messages are linked to the cloud's contacts
 * (and their accounts) with one batched lookup by email per page through the CRM store port.
 */
describe('activities in gateway mode: contacts in the Sales cloud', () => {
  const TOKEN = 'crm-gateway-activities-token';
  let crm: RunningCrmGateway;
  let oauth: OAuthServer;
  let gmail: GmailServer;
  let t: TestService;

  const ok = async (q: string, v?: Record<string, unknown>) => {
    const res: any = await t.gql(q, v);
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data;
  };

  beforeAll(async () => {
    crm = await startCrmGateway(TOKEN);
    oauth = await new OAuthServer().start();
    gmail = await new GmailServer((token) => oauth.isValid(token), 'owner@example.com').start();
    t = await startTestService({ CRM_GATEWAY_URL: crm.url, CRM_GATEWAY_TOKEN: TOKEN, PROVIDER_RETRY_BASE_DELAY_MS: '5', SYNC_RETRY_BASE_SECONDS: '0' });
  });
  afterAll(async () => {
    await t?.stop();
    await Promise.all([gmail?.stop(), oauth?.stop()]);
    await crm?.stop();
  });

  it('links Gmail messages to the cloud contacts taking part and their accounts, one lookup per page', async () => {
    const store = t.service.services.crmStore;
    const [{ id: accountId }] = await store.upsert('default', 'account', [{ data: { name: 'Acme' } }]);
    const [ada, bob] = await store.upsert('default', 'contact', [
      { data: { first_name: 'Ada', last_name: 'Lovelace', email: 'ada@acme.test', account_id: accountId } },
      { data: { first_name: 'Bob', last_name: 'Byte', email: 'bob@acme.test' } },
    ]);
    expect(crm.records('default', 'contact').size).toBe(2);
    const messages = Array.from({ length: 30 }, (_, i) =>
      gmail.addMessage({
        from: i % 2 ? 'owner@example.com' : 'Ada <Ada@Acme.test>',
        to: i % 2 ? 'ada@acme.test' : 'owner@example.com',
        cc: 'bob@acme.test',
        subject: `M${i}`,
      }),
    );

    await ok('mutation($input: SetOAuthClientInput!) { setOAuthClient(input: $input) }', {
      input: {
        connectorKey: 'gmail',
        clientId: oauth.clientId,
        clientSecret: oauth.clientSecret,
        tokenUrl: `${oauth.url}/token`,
        authorizationUrl: `${oauth.url}/authorize`,
      },
    });
    const tokens = oauth.issueTokens();
    const { createConnection } = await ok('mutation($input: CreateConnectionInput!) { createConnection(input: $input) { id } }', {
      input: {
        connectorKey: 'gmail',
        name: 'Gmail',
        authType: 'OAUTH2',
        credentials: { accessToken: tokens.access_token, refreshToken: tokens.refresh_token },
        config: { baseUrl: `${gmail.url}/gmail/v1` },
      },
    });
    const { createSyncConfig } = await ok('mutation($input: CreateSyncConfigInput!) { createSyncConfig(input: $input) { id } }', {
      input: { name: 'mail', connectionId: createConnection.id, sourceObject: 'messages', targetObject: 'activity', direction: 'INBOUND', frequency: 'manual' },
    });
    const lookupsBefore = crm.lookups('contact');
    const started = await ok(TRIGGER, { id: createSyncConfig.id });
    expect(await waitForRunEnd(t.gql as never, started.triggerSync.id, 30_000)).toMatchObject({ status: 'COMPLETED', recordsCreated: 30, recordsFailed: 0 });
    // 30 messages are one page of the sync: one lookup by email, not one per message or address.
    expect(crm.lookups('contact') - lookupsBefore).toBe(1);

    const rows: { data: Record<string, any> }[] = await t.service.db.query(
      `SELECT data FROM crm_record WHERE organization_id = 'default' AND object = 'activity'`,
    );
    expect(rows).toHaveLength(30);
    const first = rows.find((r) => r.data.external_id === messages[0].id)!;
    expect(first.data).toMatchObject({ direction: 'inbound', contact_ids: [ada.id, bob.id].sort(), account_ids: [accountId] });
    const second = rows.find((r) => r.data.external_id === messages[1].id)!;
    expect(second.data).toMatchObject({ direction: 'outbound', from: 'owner@example.com' });

    const { _entities } = await ok(ACTIVITIES, {
      r: [
        { __typename: 'Contact', id: ada.id, email: 'ada@acme.test' },
        { __typename: 'Contact', id: 'not-synced', email: 'nobody@acme.test' },
      ],
    });
    expect(_entities[0].activities.totalCount).toBe(30);
    expect(_entities[0].activities.edges[0].node).toMatchObject({ externalId: messages[29].id, direction: 'OUTBOUND' });
    expect(_entities[1].activities).toEqual({ totalCount: 0, edges: [] });
  });
});
