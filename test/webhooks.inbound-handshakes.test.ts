import { randomUUID } from 'node:crypto';
import { PayPalServer } from './providers/paypal.server';
import { gatewayToken, startTestService, TestService } from './support/service';

const CONNECT = 'mutation($input: CreateConnectionInput!) { createConnection(input: $input) { id } }';
const EVENTS = `query($source: String, $type: String) { integrationEvents(source: $source, type: $type, first: 100) {
  totalCount edges { node { id type source objectType recordId data occurredAt } } } }`;

const CLIENT_STATE = 'graph-client-state-3f9a1c0e';
const ADOBE_CLIENT_ID = 'CBJCHBCAABAAlocalAdobeClientId01';

/**
 * Inbound provider webhooks whose schemes are handshakes or checks rather than an HMAC:
 * Microsoft Graph (Teams, Outlook: validationToken, clientState), Adobe Sign (client id echo)
 * and PayPal (its verify-webhook-signature call, against a local PayPal that signs with RSA).
 */
describe('inbound provider webhooks: handshakes and verification calls', () => {
  let t: TestService;
  let paypal: PayPalServer;
  const ids: Record<string, string> = {};

  const connect = async (input: Record<string, unknown>, token?: string) => {
    const res: any = await t.gql(CONNECT, { input }, token);
    expect(res.errors).toBeUndefined();
    return res.data.createConnection.id as string;
  };
  const url = (id: string, query = '') => `${t.url}/webhooks/inbound/${id}${query}`;
  const post = (id: string, body: string, headers: Record<string, string> = {}, query = '') =>
    fetch(url(id, query), { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const events = async (source: string, token?: string) => {
    const res: any = await t.gql(EVENTS, { source }, token);
    expect(res.errors).toBeUndefined();
    return res.data.integrationEvents as { totalCount: number; edges: { node: any }[] };
  };
  const oauth = (extra: Record<string, unknown> = {}) => ({ accessToken: `at-${randomUUID()}`, ...extra });

  beforeAll(async () => {
    paypal = await new PayPalServer().start();
    t = await startTestService({ PROVIDER_RETRY_BASE_DELAY_MS: '5' });
    ids.teams = await connect({ connectorKey: 'teams', name: 'Teams', credentials: oauth({ webhookSecret: CLIENT_STATE }) });
    ids.outlook = await connect({ connectorKey: 'outlook', name: 'Outlook', credentials: oauth({ webhookSecret: CLIENT_STATE }) });
    ids.outlookWithoutSecret = await connect({ connectorKey: 'outlook', name: 'Outlook, no secret', credentials: oauth() });
    const set: any = await t.gql('mutation($input: SetOAuthClientInput!) { setOAuthClient(input: $input) }', {
      input: { connectorKey: 'adobe_sign', clientId: ADOBE_CLIENT_ID, clientSecret: 'adobe-client-secret' },
    });
    expect(set.errors).toBeUndefined();
    ids.adobe = await connect({ connectorKey: 'adobe_sign', name: 'Adobe Sign', credentials: oauth() });
  });
  afterAll(async () => {
    await t.stop();
    await paypal.stop();
  });

  describe('Microsoft Graph (Teams and Outlook)', () => {
    const notification = (over: Record<string, unknown> = {}) => ({
      subscriptionId: '7f105c7d-2dc5-4530-97cd-4e7ae6534c07',
      subscriptionExpirationDateTime: '2025-01-03T00:00:00.000Z',
      changeType: 'created',
      resource: "Users/6f4b.../Messages('AAMkADk...')",
      clientState: CLIENT_STATE,
      tenantId: '84bd8158-6d4d-4958-8b9f-9d6445542f95',
      resourceData: {
        '@odata.type': '#Microsoft.Graph.Message',
        '@odata.id': "Users/6f4b.../Messages('AAMkADk...')",
        '@odata.etag': 'W/"CQAAABYAAADkrWGo7bouTKlsgTZMr9KwAAAUWRHf"',
        id: 'AAMkADk...',
      },
      ...over,
    });

    it('echoes validationToken as text/plain with 200, and records nothing', async () => {
      const token = 'Validation: Testing client application reachability for subscription Request-Id: 0e9f2b3c <b>x</b>';
      const res = await fetch(url(ids.teams, `?validationToken=${encodeURIComponent(token)}`), {
        method: 'POST',
        headers: { 'content-type': 'text/plain; charset=utf-8' },
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(await res.text()).toBe(token);
      expect((await events('teams')).totalCount).toBe(0);
    });

    it('does not validate a subscription for a connection without a clientState to check against', async () => {
      const res = await fetch(url(ids.outlookWithoutSecret, '?validationToken=abc'), { method: 'POST' });
      expect(res.status).toBe(401);
      expect(await res.text()).not.toContain('abc');
    });

    it('records notifications whose clientState matches as <key>.<changeType>, answers 202, once per notification', async () => {
      const body = JSON.stringify({
        value: [
          notification(),
          notification({ changeType: 'updated', resourceData: { '@odata.type': '#Microsoft.Graph.Message', id: 'AAMkADk...', '@odata.etag': 'W/"2"' } }),
        ],
      });
      const first = await post(ids.outlook, body);
      const again = await post(ids.outlook, body);
      expect([first.status, again.status]).toEqual([202, 202]);
      const { edges } = await events('outlook');
      expect(edges.map((e) => [e.node.type, e.node.objectType, e.node.recordId]).sort()).toEqual([
        ['outlook.created', 'Message', 'AAMkADk...'],
        ['outlook.updated', 'Message', 'AAMkADk...'],
      ]);
      // clientState is the shared secret: it is not stored with the event.
      expect(JSON.stringify(edges)).not.toContain(CLIENT_STATE);
    });

    it('types lifecycle notifications <key>.lifecycle.<event> and keys them by their id', async () => {
      const body = JSON.stringify({
        value: [
          {
            id: 'lc-1',
            subscriptionId: '7f105c7d-2dc5-4530-97cd-4e7ae6534c07',
            subscriptionExpirationDateTime: '2025-01-03T00:00:00.000Z',
            lifecycleEvent: 'reauthorizationRequired',
            resource: '/teams/x/channels/y/messages',
            clientState: CLIENT_STATE,
            tenantId: 't',
          },
        ],
      });
      expect((await post(ids.teams, body)).status).toBe(202);
      const { edges } = await events('teams');
      expect(edges.map((e) => e.node.type)).toEqual(['teams.lifecycle.reauthorizationRequired']);
    });

    it('refuses (401, nothing recorded) any batch with a wrong or missing clientState', async () => {
      const before = (await events('outlook')).totalCount;
      const mixed = JSON.stringify({ value: [notification({ changeType: 'deleted' }), notification({ changeType: 'deleted', clientState: 'guess' })] });
      const { clientState: _s, ...withoutState } = notification({ changeType: 'deleted' });
      for (const body of [mixed, JSON.stringify({ value: [withoutState] }), '{}']) {
        expect((await post(ids.outlook, body)).status).toBe(401);
      }
      expect((await events('outlook')).totalCount).toBe(before);
    });
  });

  describe('Adobe Sign', () => {
    const payload = (id: string) =>
      JSON.stringify({
        webhookId: 'CBJCHBCAABAA-webhook',
        webhookName: 'HotCRM',
        webhookNotificationId: id,
        webhookUrlInfo: { url: 'https://example.com' },
        webhookScope: 'ACCOUNT',
        webhookNotificationApplicableUsers: [{ id: 'u1', email: 'a@example.com', role: 'SENDER', payloadApplicable: 'true' }],
        event: 'AGREEMENT_WORKFLOW_COMPLETED',
        eventDate: '2025-01-01T00:00:00Z',
        eventResourceType: 'agreement',
        participantRole: 'SENDER',
        actionType: 'ESIGNED',
        participantUserId: 'u1',
        participantUserEmail: 'a@example.com',
        actingUserId: 'u1',
        actingUserEmail: 'a@example.com',
        initiatingUserId: 'u1',
        initiatingUserEmail: 'a@example.com',
        agreement: { id: 'CBJCHBCAABAA-agreement-1', name: 'MSA', status: 'SIGNED' },
      });

    it("verifies intent by echoing our application's client id on GET, as header and JSON", async () => {
      const res = await fetch(url(ids.adobe), { headers: { 'x-adobesign-clientid': ADOBE_CLIENT_ID } });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-adobesign-clientid')).toBe(ADOBE_CLIENT_ID);
      expect(await res.json()).toEqual({ xAdobeSignClientId: ADOBE_CLIENT_ID });
    });

    it("refuses another application's client id, or none", async () => {
      const other = await fetch(url(ids.adobe), { headers: { 'x-adobesign-clientid': 'SomeoneElsesClientId' } });
      expect(other.status).toBe(401);
      expect(other.headers.get('x-adobesign-clientid')).toBeNull();
      expect((await fetch(url(ids.adobe))).status).toBe(401);
      expect((await post(ids.adobe, payload('n-forged'), { 'x-adobesign-clientid': 'SomeoneElsesClientId' })).status).toBe(401);
      expect((await events('adobe_sign')).totalCount).toBe(0);
    });

    it('records a notification once per webhookNotificationId, echoing the client id each time', async () => {
      for (let i = 0; i < 2; i++) {
        const res = await post(ids.adobe, payload('n-0001'), { 'x-adobesign-clientid': ADOBE_CLIENT_ID });
        expect(res.status).toBe(200);
        expect(res.headers.get('x-adobesign-clientid')).toBe(ADOBE_CLIENT_ID);
      }
      const { edges } = await events('adobe_sign');
      expect(edges.map((e) => e.node)).toEqual([
        expect.objectContaining({
          type: 'adobe_sign.AGREEMENT_WORKFLOW_COMPLETED',
          objectType: 'agreement',
          recordId: 'CBJCHBCAABAA-agreement-1',
          occurredAt: '2025-01-01T00:00:00.000Z',
        }),
      ]);
    });
  });

  describe('PayPal', () => {
    let connectionId: string;
    let webhookId: string;
    const capture = (id: string) => ({
      id,
      event_version: '1.0',
      create_time: '2025-01-01T00:00:00.000Z',
      resource_type: 'capture',
      resource_version: '2.0',
      event_type: 'PAYMENT.CAPTURE.COMPLETED',
      summary: 'Payment completed for $ 7.47 USD',
      resource: { id: '42311647XV020574X', status: 'COMPLETED', amount: { currency_code: 'USD', value: '7.47' } },
      links: [],
    });

    beforeAll(async () => {
      webhookId = paypal.registerWebhook();
      connectionId = await connect({
        connectorKey: 'paypal',
        name: 'PayPal',
        authType: 'OAUTH2',
        credentials: { clientId: paypal.clientId, clientSecret: paypal.clientSecret, webhookId },
        config: { baseUrl: paypal.url },
      });
    });

    it("records an event PayPal's verify-webhook-signature calls SUCCESS, once", async () => {
      const { body, headers } = paypal.signWebhook(capture('WH-58D329510W468432D-8HN650336L201105X'), webhookId);
      expect((await post(connectionId, body, headers)).status).toBe(200);
      expect((await post(connectionId, body, headers)).status).toBe(200);
      const verify = paypal.requests.filter((r) => r.path === '/v1/notifications/verify-webhook-signature');
      expect(verify).toHaveLength(2);
      expect(verify[0].headers.authorization).toMatch(/^Bearer A21AA/);
      expect(verify[0].body).toMatchObject({
        webhook_id: webhookId,
        transmission_id: headers['paypal-transmission-id'],
        auth_algo: 'SHA256withRSA',
        webhook_event: JSON.parse(body),
      });
      const { edges } = await events('paypal');
      expect(edges.map((e) => e.node)).toEqual([
        expect.objectContaining({
          type: 'paypal.PAYMENT.CAPTURE.COMPLETED',
          objectType: 'capture',
          recordId: '42311647XV020574X',
          occurredAt: '2025-01-01T00:00:00.000Z',
        }),
      ]);
    });

    it("refuses (401, nothing recorded) a tampered body, another webhook's signature, or missing transmission headers", async () => {
      const signed = paypal.signWebhook(capture('WH-TAMPERED'), webhookId);
      const tampered = signed.body.replace('7.47', '7470.00');
      const otherWebhook = paypal.signWebhook(capture('WH-OTHER'), paypal.registerWebhook());
      const { 'paypal-transmission-sig': _sig, ...unsigned } = signed.headers;
      expect((await post(connectionId, tampered, signed.headers)).status).toBe(401);
      expect((await post(connectionId, otherWebhook.body, otherWebhook.headers)).status).toBe(401);
      expect((await post(connectionId, signed.body, unsigned)).status).toBe(401);
      expect((await events('paypal')).totalCount).toBe(1);
    });

    it('answers 503 (PayPal retries) when the verification call itself fails, recording nothing', async () => {
      const { body, headers } = paypal.signWebhook(capture('WH-WHILE-DOWN'), webhookId);
      // Every attempt the connector's client makes (the first and its four retries) fails.
      const down = { status: 500, body: { name: 'INTERNAL_SERVICE_ERROR', message: 'An internal service error occurred.' } };
      paypal.failNext(down, down, down, down, down);
      expect((await post(connectionId, body, headers)).status).toBe(503);
      expect((await events('paypal')).totalCount).toBe(1);
      expect((await post(connectionId, body, headers)).status).toBe(200);
      expect((await events('paypal')).totalCount).toBe(2);
    });
  });

  it('keeps each organization to its own connection: another org cannot see the events', async () => {
    const acme = await gatewayToken('acme', ['read:webhooks']);
    expect((await events('outlook', acme)).totalCount).toBe(0);
  });
});
