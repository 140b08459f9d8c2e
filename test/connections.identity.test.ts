import { slack as slackDefinition } from '../src/providers/slack/slack.connector';
import { AdobeSignServer } from './providers/adobe_sign.server';
import { acmeInput } from './providers/custom-api.definition';
import { CustomApiServer } from './providers/custom-api.server';
import { DocuSignServer } from './providers/docusign.server';
import { GmailServer } from './providers/gmail.server';
import { LinkedInServer } from './providers/linkedin.server';
import { OAuthServer } from './providers/oauth.server';
import { OutlookServer } from './providers/outlook.server';
import { PayPalServer } from './providers/paypal.server';
import { SlackServer } from './providers/slack.server';
import { StripeServer } from './providers/stripe.server';
import { TeamsServer } from './providers/teams.server';
import { startTestService, TestService } from './support/service';

const FIELDS = 'id status credentialHint config providerAccountId';
const CONNECT = `mutation($input: CreateConnectionInput!) { createConnection(input: $input) { ${FIELDS} } }`;
const UPDATE = `mutation($id: ID!, $input: UpdateConnectionInput!) { updateConnection(id: $id, input: $input) { ${FIELDS} } }`;
const TEST = 'mutation($id: ID!) { testConnection(id: $id) { ok status message } }';
const READ = `query($id: ID!) { connection(id: $id) { ${FIELDS} } }`;

/**
 * Connection.providerAccountId through GraphQL: each built-in provider's connection learns the
 * account it reaches from the provider's documented identity call (local stand-ins), a failing
 * call leaves it unknown without failing the connection, and new credentials for another account
 * are refused with CONFLICT while the old ones stay.
 */
describe('Connection provider account identity', () => {
  const slackBudget = slackDefinition.rateLimit;
  let t: TestService;
  let oauth: OAuthServer;
  let stripe: StripeServer;
  let servers: { stop(): Promise<void> }[] = [];

  const started = async <S extends { start(): Promise<S>; stop(): Promise<void> }>(server: S): Promise<S> => {
    servers.push(server);
    return server.start();
  };
  const connect = async (input: Record<string, unknown>) => {
    const res: any = await t.gql(CONNECT, { input: { name: `${input.connectorKey} (local)`, ...input } });
    expect(res.errors).toBeUndefined();
    return res.data.createConnection as { id: string; status: string; credentialHint: string; config: any; providerAccountId: string | null };
  };
  /** OAuth2 tokens the local authorization server issued, imported as createConnection allows. */
  const imported = (scope = '') => {
    const tokens = oauth.issueTokens(scope);
    return { accessToken: tokens.access_token, refreshToken: tokens.refresh_token, expiresAt: new Date(Date.now() + 3600_000).toISOString() };
  };
  const calls = (server: { requests: { method: string; path: string }[] }, path: string) => server.requests.filter((r) => r.path === path).length;

  beforeAll(async () => {
    Object.assign(slackDefinition, { rateLimit: { ...slackBudget, limit: 1000 } });
    oauth = await started(new OAuthServer());
    stripe = await started(new StripeServer());
    t = await startTestService({ PROVIDER_RETRY_BASE_DELAY_MS: '5' });
  });
  afterAll(async () => {
    Object.assign(slackDefinition, { rateLimit: slackBudget });
    await t?.stop();
    for (const server of servers) await server.stop();
    servers = [];
  });

  it('Stripe: GET /v1/account names the acct_ id the secret key belongs to', async () => {
    const created = await connect({ connectorKey: 'stripe', credentials: { apiKey: stripe.apiKey }, config: { baseUrl: stripe.url } });
    expect(created).toMatchObject({ status: 'CONNECTED', providerAccountId: 'acct_1LocalStripeAcct01' });
    const asked = stripe.requests.filter((r) => r.path === '/v1/account');
    expect(asked).toHaveLength(1);
    expect(asked[0].headers.authorization).toBe(`Bearer ${stripe.apiKey}`);
    const read: any = await t.gql(READ, { id: created.id });
    expect(read.data.connection.providerAccountId).toBe('acct_1LocalStripeAcct01');
  });

  it('Slack: auth.test names the workspace (team_id)', async () => {
    const slack = await started(new SlackServer(oauth));
    const created = await connect({
      connectorKey: 'slack',
      authType: 'TOKEN',
      credentials: { token: slack.botToken },
      config: { baseUrl: `${slack.url}/api` },
    });
    expect(created.providerAccountId).toBe('T0LOCAL001');
    const viaOAuth = await connect({ connectorKey: 'slack', credentials: imported(), config: { baseUrl: `${slack.url}/api` } });
    expect(viaOAuth.providerAccountId).toBe('T0LOCAL001');
  });

  it('Gmail: the profile’s emailAddress, lowercased', async () => {
    const mail = await started(new GmailServer((token) => oauth.isValid(token), 'Owner.Name@Example.com'));
    const created = await connect({ connectorKey: 'gmail', credentials: imported(), config: { baseUrl: `${mail.url}/gmail/v1` } });
    expect(created.providerAccountId).toBe('owner.name@example.com');
  });

  it('Outlook and Teams: Graph GET /me names the user’s object id', async () => {
    const outlook = await started(new OutlookServer((token) => oauth.isValid(token)));
    const teams = await started(new TeamsServer(oauth));
    const mail = await connect({ connectorKey: 'outlook', credentials: imported(), config: { baseUrl: `${outlook.url}/v1.0` } });
    expect(mail.providerAccountId).toBe(outlook.userId);
    expect(outlook.requests.find((r) => r.path === '/v1.0/me' && r.query.get('$select') === 'id')).toBeDefined();
    const chat = await connect({ connectorKey: 'teams', credentials: imported(), config: { baseUrl: `${teams.url}/v1.0` } });
    expect(chat.providerAccountId).toBe(teams.userId);
  });

  it('LinkedIn, DocuSign and PayPal: userinfo sub, the confirmed account GUID, the payer id', async () => {
    const linkedin = await started(new LinkedInServer(oauth));
    expect((await connect({ connectorKey: 'linkedin', credentials: imported(), config: { baseUrl: linkedin.url } })).providerAccountId).toBe('mem-782bd');

    const docusign = await started(new DocuSignServer(oauth, '3F2C1A7E-5B4D-4E8F-9A10-2B3C4D5E6F70'));
    const envelopes = await connect({
      connectorKey: 'docusign',
      credentials: imported(),
      config: { baseUrl: `${docusign.url}/restapi`, accountId: docusign.accountId },
    });
    expect(envelopes.providerAccountId).toBe('3f2c1a7e-5b4d-4e8f-9a10-2b3c4d5e6f70');

    const paypal = await started(new PayPalServer());
    const payments = await connect({
      connectorKey: 'paypal',
      credentials: { clientId: paypal.clientId, clientSecret: paypal.clientSecret },
      config: { baseUrl: paypal.url },
    });
    expect(payments.providerAccountId).toBe('WDJJHEBZ4X2LY');
    // Without the List Balances permission PayPal cannot say: unknown, and the connection works.
    paypal.listBalances = false;
    const unnamed = await connect({
      connectorKey: 'paypal',
      credentials: { clientId: paypal.clientId, clientSecret: paypal.clientSecret },
      config: { baseUrl: paypal.url },
    });
    expect(unnamed).toMatchObject({ status: 'CONNECTED', providerAccountId: null });
    expect(((await t.gql(TEST, { id: unnamed.id })) as any).data.testConnection.ok).toBe(true);
  });

  it('Adobe Sign: users/me names the account with user_read; without that scope it stays unknown', async () => {
    const adobe = await started(new AdobeSignServer(oauth));
    const config = { baseUrl: `${adobe.url}/api/rest/v6` };
    const plain = await connect({ connectorKey: 'adobe_sign', credentials: imported('agreement_read:account agreement_write:account'), config });
    expect(plain).toMatchObject({ status: 'CONNECTED', providerAccountId: null });
    const withUserRead = await connect({ connectorKey: 'adobe_sign', credentials: imported('agreement_read:account user_read:self'), config });
    expect(withUserRead.providerAccountId).toBe(adobe.accountId);
  });

  it('custom connectors cannot tell: null, and no extra call', async () => {
    const acme = await started(new CustomApiServer());
    const declared: any = await t.gql('mutation($input: CreateConnectorInput!) { createConnector(input: $input) { key } }', { input: acmeInput(acme.url) });
    expect(declared.errors).toBeUndefined();
    const created = await connect({ connectorKey: 'acme', credentials: { apiKey: acme.apiKey } });
    expect(created).toMatchObject({ status: 'CONNECTED', providerAccountId: null });
    expect(acme.requests).toHaveLength(0);
  });

  it('a failing identity call keeps the connection, unknown, and testConnection learns it later', async () => {
    stripe.failNext(...Array.from({ length: 5 }, () => ({ status: 500, body: { error: { type: 'api_error', message: 'Something went wrong on our end.' } } })));
    const created = await connect({ connectorKey: 'stripe', credentials: { apiKey: stripe.apiKey }, config: { baseUrl: stripe.url } });
    expect(created).toMatchObject({ status: 'CONNECTED', providerAccountId: null });
    const tested: any = await t.gql(TEST, { id: created.id });
    expect(tested.data.testConnection).toMatchObject({ ok: true, status: 'CONNECTED' });
    expect(((await t.gql(READ, { id: created.id })) as any).data.connection.providerAccountId).toBe('acct_1LocalStripeAcct01');
    // Once known, a test does not ask again.
    const before = calls(stripe, '/v1/account');
    await t.gql(TEST, { id: created.id });
    expect(calls(stripe, '/v1/account')).toBe(before);
  });

  it('answers the status the first call left: an imported token that cannot be refreshed is EXPIRED, not an error', async () => {
    const mail = await started(new GmailServer((token) => oauth.isValid(token)));
    const stale = { ...imported(), expiresAt: new Date(Date.now() - 60_000).toISOString() }; // no OAuth client set: no refresh
    const created = await connect({ connectorKey: 'gmail', credentials: stale, config: { baseUrl: `${mail.url}/gmail/v1` } });
    expect(created).toMatchObject({ status: 'EXPIRED', providerAccountId: null });
    expect(((await t.gql(READ, { id: created.id })) as any).data.connection.status).toBe('EXPIRED');
  });

  it('a key of another account is refused with CONFLICT, and the old key and config stay', async () => {
    const other = await started(new StripeServer('sk_test_51OtherStripeKey9999', 'acct_1OtherStripeAcct2'));
    const created = await connect({ connectorKey: 'stripe', credentials: { apiKey: stripe.apiKey }, config: { baseUrl: stripe.url } });
    const refused: any = await t.gql(UPDATE, { id: created.id, input: { credentials: { apiKey: other.apiKey }, config: { baseUrl: other.url } } });
    expect(refused.errors?.[0].extensions).toMatchObject({
      code: 'CONFLICT',
      connectionId: created.id,
      providerAccountId: 'acct_1LocalStripeAcct01',
      foundProviderAccountId: 'acct_1OtherStripeAcct2',
    });
    expect(refused.errors[0].message).toContain('acct_1OtherStripeAcct2');
    expect(refused.errors[0].message).not.toContain(other.apiKey);
    const kept: any = await t.gql(READ, { id: created.id });
    expect(kept.data.connection).toEqual(created);
    const balanceCalls = calls(stripe, '/v1/balance');
    expect(((await t.gql(TEST, { id: created.id })) as any).data.testConnection.ok).toBe(true);
    expect(calls(stripe, '/v1/balance')).toBe(balanceCalls + 1); // still the first account, with its own key
  });

  it('a new key for the same account is taken; a webhookSecret alone asks nothing', async () => {
    const rolled = await started(new StripeServer('sk_test_51RolledStripeKey7777', 'acct_1LocalStripeAcct01'));
    const created = await connect({ connectorKey: 'stripe', credentials: { apiKey: stripe.apiKey }, config: { baseUrl: stripe.url } });
    const updated: any = await t.gql(UPDATE, { id: created.id, input: { credentials: { apiKey: rolled.apiKey }, config: { baseUrl: rolled.url } } });
    expect(updated.errors).toBeUndefined();
    expect(updated.data.updateConnection).toMatchObject({ providerAccountId: 'acct_1LocalStripeAcct01', credentialHint: 'sk_test_…7777' });
    const asked = calls(rolled, '/v1/account');
    const secret: any = await t.gql(UPDATE, { id: created.id, input: { credentials: { webhookSecret: 'whsec_local' } } });
    expect(secret.errors).toBeUndefined();
    expect(calls(rolled, '/v1/account')).toBe(asked);
  });

  it('another QuickBooks company in config is refused the same way', async () => {
    const created = await connect({
      connectorKey: 'quickbooks',
      credentials: imported(),
      config: { baseUrl: 'http://127.0.0.1:9', realmId: '4620816365225131' },
    });
    expect(created.providerAccountId).toBe('4620816365225131');
    const refused: any = await t.gql(UPDATE, { id: created.id, input: { config: { baseUrl: 'http://127.0.0.1:9', realmId: '9130357766900766' } } });
    expect(refused.errors?.[0].extensions?.code).toBe('CONFLICT');
    expect(((await t.gql(READ, { id: created.id })) as any).data.connection.config.realmId).toBe('4620816365225131');
  });
});
