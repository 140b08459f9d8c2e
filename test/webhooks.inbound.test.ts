import { createHmac, randomUUID } from 'node:crypto';
import Stripe from 'stripe';
import { gatewayToken, startTestServiceWithLogs, TestService } from './support/service';

const CONNECT = 'mutation($input: CreateConnectionInput!) { createConnection(input: $input) { id inboundWebhookUrl } }';
const EVENTS = `query($source: String, $type: String) { integrationEvents(source: $source, type: $type, first: 100) {
  totalCount edges { node { id type source objectType recordId data occurredAt } } } }`;

const STRIPE_SECRET = 'whsec_localStripeEndpointSecret0001';
const SLACK_SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
const DOCUSIGN_KEY = 'd0cuS1gnConnectKey+Base64ish/Value=';
const QUICKBOOKS_TOKEN = 'intuit-verifier-token-0001';
const REALM = '9130347596520036';

/**
 * Inbound provider webhooks with HMAC schemes (Stripe, Slack, DocuSign Connect, QuickBooks):
 * real HTTP against POST /webhooks/inbound/:connectionId, signed as each provider documents
 * (Stripe by its official library), and what got recorded read back through integrationEvents.
 */
describe('inbound provider webhooks: signed bodies', () => {
  let t: TestService;
  const ids: Record<string, string> = {};
  /** Every log line the service wrote, at debug level, through the production redaction. */
  const logLines: string[] = [];
  /** Every signature header value sent, to look for in those lines. */
  const sentSignatures = new Set<string>();

  const connect = async (input: Record<string, unknown>, token?: string) => {
    const res: any = await t.gql(CONNECT, { input }, token);
    expect(res.errors).toBeUndefined();
    return res.data.createConnection as { id: string; inboundWebhookUrl: string };
  };
  const post = (id: string, body: string, headers: Record<string, string> = {}) => {
    for (const [name, value] of Object.entries(headers)) if (/signature/.test(name)) sentSignatures.add(value);
    return fetch(`${t.url}/webhooks/inbound/${id}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  };
  const events = async (source: string, token?: string) => {
    const res: any = await t.gql(EVENTS, { source }, token);
    expect(res.errors).toBeUndefined();
    return res.data.integrationEvents as { totalCount: number; edges: { node: any }[] };
  };
  const oauth = (extra: Record<string, unknown> = {}) => ({ accessToken: `at-${randomUUID()}`, ...extra });

  beforeAll(async () => {
    t = await startTestServiceWithLogs({ PUBLIC_URL: 'https://integrations.example.com' }, logLines);
    ids.stripe = (await connect({ connectorKey: 'stripe', name: 'Stripe', credentials: { apiKey: 'sk_test_local', webhookSecret: STRIPE_SECRET } })).id;
    ids.slack = (
      await connect({ connectorKey: 'slack', name: 'Slack', authType: 'TOKEN', credentials: { token: 'xoxb-local', webhookSecret: SLACK_SECRET } })
    ).id;
    ids.docusign = (await connect({ connectorKey: 'docusign', name: 'DocuSign', credentials: oauth({ webhookSecret: DOCUSIGN_KEY }) })).id;
    ids.quickbooks = (
      await connect({ connectorKey: 'quickbooks', name: 'QuickBooks', credentials: oauth({ webhookSecret: QUICKBOOKS_TOKEN }), config: { realmId: REALM } })
    ).id;
    ids.gmail = (await connect({ connectorKey: 'gmail', name: 'Gmail', credentials: oauth() })).id;
  });
  afterAll(() => t.stop());

  describe('routing', () => {
    it('shows each connection the URL to give its provider', async () => {
      const res: any = await t.gql('query($id: ID!) { connection(id: $id) { inboundWebhookUrl } }', { id: ids.stripe });
      expect(res.data.connection.inboundWebhookUrl).toBe(`https://integrations.example.com/webhooks/inbound/${ids.stripe}`);
    });

    it('answers 404, saying nothing more, for an unknown or malformed id and for connectors without a scheme', async () => {
      for (const id of [randomUUID(), 'not-a-uuid', ids.gmail]) {
        const res = await post(id, '{}');
        expect(res.status).toBe(404);
        expect(await res.json()).toEqual({ error: 'not_found' });
      }
    });

    it('refuses GET where the provider only POSTs, and bodies over 1 MiB', async () => {
      expect((await fetch(`${t.url}/webhooks/inbound/${ids.stripe}`)).status).toBe(405);
      const huge = await post(ids.stripe, JSON.stringify({ pad: 'x'.repeat(1024 * 1024) }));
      expect(huge.status).toBe(413);
      expect((await events('stripe')).totalCount).toBe(0);
    });
  });

  describe('Stripe', () => {
    const invoicePaid = (id: string) =>
      JSON.stringify({
        id,
        object: 'event',
        type: 'invoice.paid',
        created: 1_735_689_600,
        api_version: '2024-06-20',
        livemode: false,
        data: { object: { id: 'in_1PaidLocal', object: 'invoice', amount_paid: 4200, currency: 'usd', customer: 'cus_Local1' } },
      });

    it('records a correctly signed event as stripe.<type> with the invoice as its record', async () => {
      const body = invoicePaid('evt_1Paid');
      const res = await post(ids.stripe, body, { 'stripe-signature': Stripe.webhooks.generateTestHeaderString({ payload: body, secret: STRIPE_SECRET }) });
      expect(res.status).toBe(200);
      const { edges } = await events('stripe');
      expect(edges.map((e) => e.node)).toEqual([
        expect.objectContaining({
          type: 'stripe.invoice.paid',
          source: 'stripe',
          objectType: 'invoice',
          recordId: 'in_1PaidLocal',
          occurredAt: '2025-01-01T00:00:00.000Z',
          data: JSON.parse(body),
        }),
      ]);
    });

    it('records a redelivered event once', async () => {
      const body = invoicePaid('evt_1Twice');
      for (let i = 0; i < 3; i++) {
        const res = await post(ids.stripe, body, { 'stripe-signature': Stripe.webhooks.generateTestHeaderString({ payload: body, secret: STRIPE_SECRET }) });
        expect(res.status).toBe(200);
      }
      expect((await events('stripe')).edges.filter((e) => e.node.data.id === 'evt_1Twice')).toHaveLength(1);
    });

    it('fans out to matching webhook subscriptions like any other event, once however often it arrives', async () => {
      const sub: any = await t.gql('mutation($input: CreateWebhookSubscriptionInput!) { createWebhookSubscription(input: $input) { subscription { id } } }', {
        input: { name: 'Paid invoices', eventTypes: ['stripe.invoice.*'], targetUrl: 'http://127.0.0.1:9/hooks', retryPolicy: 'NONE' },
      });
      expect(sub.errors).toBeUndefined();
      const body = invoicePaid('evt_1FanOut');
      for (let i = 0; i < 2; i++) {
        expect(
          (await post(ids.stripe, body, { 'stripe-signature': Stripe.webhooks.generateTestHeaderString({ payload: body, secret: STRIPE_SECRET }) })).status,
        ).toBe(200);
      }
      const res: any = await t.gql('{ integrationEvents(source: "stripe", first: 100) { edges { node { deliveryCount data } } } }');
      expect(res.data.integrationEvents.edges.filter((e: any) => e.node.data.id === 'evt_1FanOut').map((e: any) => e.node.deliveryCount)).toEqual([1]);
      await t.gql('mutation($id: ID!) { deleteWebhookSubscription(id: $id) }', { id: sub.data.createWebhookSubscription.subscription.id });
    });

    it('refuses (401, nothing recorded) a wrong secret, a changed body, a stale timestamp or no signature', async () => {
      const before = (await events('stripe')).totalCount;
      const body = invoicePaid('evt_1Forged');
      const header = (secret: string, timestamp?: number) => Stripe.webhooks.generateTestHeaderString({ payload: body, secret, timestamp });
      const attempts: [string, Record<string, string>][] = [
        [body, { 'stripe-signature': header('whsec_someoneElsesSecret') }],
        [body.replace('4200', '1'), { 'stripe-signature': header(STRIPE_SECRET) }],
        [body, { 'stripe-signature': header(STRIPE_SECRET, Math.floor(Date.now() / 1000) - 600) }],
        [body, {}],
      ];
      for (const [payload, headers] of attempts) {
        const res = await post(ids.stripe, payload, headers);
        expect(res.status).toBe(401);
        expect(JSON.stringify(await res.json())).not.toContain(STRIPE_SECRET);
      }
      expect((await events('stripe')).totalCount).toBe(before);
    });
  });

  describe('Slack', () => {
    const sign = (body: string, timestamp = Math.floor(Date.now() / 1000), secret = SLACK_SECRET) => ({
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`,
    });
    const callback = (eventId: string) =>
      JSON.stringify({
        token: 'XXYYZZ-deprecated-verification-token',
        team_id: 'T0LOCAL',
        api_app_id: 'A0LOCAL',
        type: 'event_callback',
        event_id: eventId,
        event_time: 1_735_689_600,
        event: { type: 'message', channel: 'C0LOCAL', user: 'U0LOCAL', text: 'hello', ts: '1735689600.000100' },
      });

    it('answers url_verification with the challenge once the signature holds, and refuses it otherwise', async () => {
      const body = JSON.stringify({
        token: 'Jhj5dZrVaK7ZwHHjRyZWjbDl',
        challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P',
        type: 'url_verification',
      });
      const ok = await post(ids.slack, body, sign(body));
      expect(ok.status).toBe(200);
      expect(await ok.json()).toEqual({ challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P' });
      const forged = await post(ids.slack, body, sign(body, undefined, 'not-the-signing-secret'));
      expect(forged.status).toBe(401);
      expect(await forged.text()).not.toContain('3eZbrw1aBm2r');
      expect((await events('slack')).totalCount).toBe(0);
    });

    it('records event_callback as slack.<event.type> once per event_id, without the verification token', async () => {
      const body = callback('Ev0LOCAL0001');
      const first = await post(ids.slack, body, sign(body));
      const retry = await post(ids.slack, body, { ...sign(body), 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' });
      expect([first.status, retry.status]).toEqual([200, 200]);
      const { edges } = await events('slack');
      expect(edges).toHaveLength(1);
      expect(edges[0].node).toMatchObject({
        type: 'slack.message',
        source: 'slack',
        occurredAt: '2025-01-01T00:00:00.000Z',
        data: { event_id: 'Ev0LOCAL0001', event: { text: 'hello' } },
      });
      expect(edges[0].node.data).not.toHaveProperty('token');
    });

    it('refuses (401, nothing recorded) a forged signature, a timestamp over five minutes old, or missing headers', async () => {
      const body = callback('Ev0LOCAL0002');
      const stale = Math.floor(Date.now() / 1000) - 301;
      const attempts: Record<string, string>[] = [
        sign(body, undefined, 'guessed'),
        sign(body, stale),
        { 'x-slack-signature': sign(body)['x-slack-signature'] },
        {},
      ];
      for (const headers of attempts) {
        expect((await post(ids.slack, body, headers)).status).toBe(401);
      }
      expect((await events('slack')).edges.some((e) => e.node.data.event_id === 'Ev0LOCAL0002')).toBe(false);
    });
  });

  describe('DocuSign Connect', () => {
    const hmac = (body: string, key = DOCUSIGN_KEY) => createHmac('sha256', key).update(body).digest('base64');
    const message = (event: string, retryCount = 0) =>
      JSON.stringify({
        event,
        apiVersion: 'v2.1',
        uri: '/restapi/v2.1/accounts/acc-1/envelopes/0aa8c5a1-0000-4000-8000-00000000e001',
        retryCount,
        configurationId: 10_418_171,
        generatedDateTime: '2025-01-01T00:00:00.0000000Z',
        data: { accountId: 'acc-1', userId: 'usr-1', envelopeId: '0aa8c5a1-0000-4000-8000-00000000e001' },
      });

    it('records a message whose X-DocuSign-Signature-N matches, once across Connect retries', async () => {
      const first = await post(ids.docusign, message('envelope-completed'), { 'x-docusign-signature-1': hmac(message('envelope-completed')) });
      // A retry carries retryCount+1, and here the current key is the second of two active keys.
      const retryBody = message('envelope-completed', 1);
      const retry = await post(ids.docusign, retryBody, {
        'x-docusign-signature-1': hmac(retryBody, 'an-older-connect-key'),
        'x-docusign-signature-2': hmac(retryBody),
      });
      expect([first.status, retry.status]).toEqual([200, 200]);
      const { edges } = await events('docusign');
      expect(edges.map((e) => e.node)).toEqual([
        expect.objectContaining({
          type: 'docusign.envelope-completed',
          objectType: 'envelope',
          recordId: '0aa8c5a1-0000-4000-8000-00000000e001',
          occurredAt: '2025-01-01T00:00:00.000Z',
        }),
      ]);
    });

    it('refuses (401, nothing recorded) a signature made with another key, or none', async () => {
      const body = message('envelope-voided');
      expect((await post(ids.docusign, body, { 'x-docusign-signature-1': hmac(body, 'wrong-key') })).status).toBe(401);
      expect((await post(ids.docusign, body)).status).toBe(401);
      expect((await events('docusign')).totalCount).toBe(1);
    });
  });

  describe('QuickBooks', () => {
    const sign = (body: string, token = QUICKBOOKS_TOKEN) => ({ 'intuit-signature': createHmac('sha256', token).update(body).digest('base64') });
    const legacy = JSON.stringify({
      eventNotifications: [
        {
          realmId: REALM,
          dataChangeEvent: {
            entities: [
              { name: 'Invoice', id: '130', operation: 'Create', lastUpdated: '2025-01-01T00:00:00.000Z' },
              { name: 'Customer', id: '58', operation: 'Update', lastUpdated: '2025-01-01T00:00:01.000Z' },
            ],
          },
        },
        // Another company connected to the same Intuit app: not this connection's.
        {
          realmId: '4620816365000000',
          dataChangeEvent: { entities: [{ name: 'Invoice', id: '9', operation: 'Create', lastUpdated: '2025-01-01T00:00:00.000Z' }] },
        },
      ],
    });

    it('records one event per entity change of this company, once, typed quickbooks.<Entity>.<Operation>', async () => {
      expect((await post(ids.quickbooks, legacy, sign(legacy))).status).toBe(200);
      expect((await post(ids.quickbooks, legacy, sign(legacy))).status).toBe(200);
      const { edges } = await events('quickbooks');
      expect(edges.map((e) => [e.node.type, e.node.recordId, e.node.data.realmId]).sort()).toEqual([
        ['quickbooks.Customer.Update', '58', REALM],
        ['quickbooks.Invoice.Create', '130', REALM],
      ]);
    });

    it('reads the CloudEvents format into the same types', async () => {
      const body = JSON.stringify([
        {
          specversion: '1.0',
          id: '88cd52aa-33b6-4351-9aa4-47572edbd068',
          source: 'intuit.dsnBgbseACLLRZNxo2dfc4evmEJdxde58xeeYcZliOU=',
          type: 'qbo.invoice.voided.v1',
          datacontenttype: 'application/json',
          time: '2025-01-02T21:31:25.179Z',
          intuitentityid: '130',
          intuitaccountid: REALM,
          data: {},
        },
      ]);
      expect((await post(ids.quickbooks, body, sign(body))).status).toBe(200);
      const voided = (await t.gql(EVENTS, { source: 'quickbooks', type: 'quickbooks.Invoice.Void' })) as any;
      expect(voided.data.integrationEvents.edges.map((e: any) => e.node)).toEqual([
        expect.objectContaining({ objectType: 'Invoice', recordId: '130', occurredAt: '2025-01-02T21:31:25.179Z' }),
      ]);
    });

    it('refuses (401, nothing recorded) a signature made with another verifier token, or none', async () => {
      const body = legacy.replace('"130"', '"131"');
      expect((await post(ids.quickbooks, body, sign(body, 'other-app-token'))).status).toBe(401);
      expect((await post(ids.quickbooks, body)).status).toBe(401);
      expect((await events('quickbooks')).totalCount).toBe(3);
    });
  });

  it("records into the connection's organization only", async () => {
    const acme = await gatewayToken('acme', ['*']);
    const conn = await connect({ connectorKey: 'stripe', name: 'Acme Stripe', credentials: { apiKey: 'sk_test_acme', webhookSecret: 'whsec_acme' } }, acme);
    const body = JSON.stringify({
      id: 'evt_1Acme',
      object: 'event',
      type: 'customer.created',
      created: 1_735_689_600,
      data: { object: { id: 'cus_Acme', object: 'customer' } },
    });
    expect((await post(conn.id, body, { 'stripe-signature': Stripe.webhooks.generateTestHeaderString({ payload: body, secret: 'whsec_acme' }) })).status).toBe(
      200,
    );
    expect((await events('stripe', acme)).edges.map((e) => e.node.data.id)).toEqual(['evt_1Acme']);
    expect((await events('stripe')).edges.map((e) => e.node.data.id)).not.toContain('evt_1Acme');
  });

  it('logs no secret and no signature, even at debug level', () => {
    const log = logLines.join('');
    expect(log).toContain('inbound webhook refused');
    expect(sentSignatures.size).toBeGreaterThan(10);
    for (const value of [...sentSignatures, STRIPE_SECRET, SLACK_SECRET, DOCUSIGN_KEY, QUICKBOOKS_TOKEN]) expect(log).not.toContain(value);
  });
});
