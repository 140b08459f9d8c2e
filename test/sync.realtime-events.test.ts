import { createHmac } from 'node:crypto';
import Stripe from 'stripe';
import { OAuthServer } from './providers/oauth.server';
import { OutlookServer } from './providers/outlook.server';
import { QuickBooksServer } from './providers/quickbooks.server';
import { StripeServer } from './providers/stripe.server';
import { startTestService, TestService } from './support/service';
import { Gql, TRIGGER, waitForRunEnd } from './support/sync-fixtures';

const STRIPE_SECRET = 'whsec_realtimeEventsSecret0001';
const QUICKBOOKS_TOKEN = 'intuit-verifier-token-realtime';
const CONNECT = 'mutation($input: CreateConnectionInput!) { createConnection(input: $input) { id } }';
const MAPPING = 'mutation($input: CreateFieldMappingInput!) { createFieldMapping(input: $input) { id } }';
const CONFIG = 'mutation($input: CreateSyncConfigInput!) { createSyncConfig(input: $input) { id } }';
const RUN_FIELDS = 'id status trigger mode recordsProcessed recordsCreated recordsUpdated recordsDeleted recordsFailed logs { code externalId }';
const RUN = `query($id: ID!) { syncRun(id: $id) { ${RUN_FIELDS} } }`;
const RUNS = `query($id: ID!) { syncConfig(id: $id) { runs(first: 50) { edges { node { ${RUN_FIELDS} } } } } }`;
const LINKS = `query($id: ID!) { externalLinks(syncConfigId: $id, first: 100) { edges { node { externalId status lastSyncedData } } } }`;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls until `check` answers something truthy (the events apply after the webhook's answer). */
async function eventually<T>(check: () => Promise<T | null | undefined | false>, what: string, ms = 15_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > until) throw new Error(`still waiting for ${what}`);
    await sleep(100);
  }
}

/**
 * Realtime from the event itself (issue 16): a verified provider event that carries (Stripe) or
 * names (QuickBooks) one record updates that record in the connection's realtime inbound config,
 * as a WEBHOOK run of one record, without re-listing the object; an older event arriving after a
 * newer one changes nothing, nor does an incremental run reading an older state. Through GraphQL
 * and real inbound webhook HTTP, signed as each provider documents.
 */
describe('realtime events in and out of order', () => {
  let t: TestService;
  let gql: Gql;

  const post = (connectionId: string, body: string, headers: Record<string, string>) =>
    fetch(`${t.url}/webhooks/inbound/${connectionId}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const links = async (configId: string) => {
    const res = await gql(LINKS, { id: configId });
    return new Map<string, { status: string; lastSyncedData: any }>(res.data.externalLinks.edges.map(({ node }: any) => [node.externalId, node]));
  };
  const runs = async (configId: string): Promise<any[]> => (await gql(RUNS, { id: configId })).data.syncConfig.runs.edges.map((e: any) => e.node);
  /** The config's WEBHOOK runs once there are `count` of them, all ended. */
  const webhookRuns = (configId: string, count: number) =>
    eventually(async () => {
      const found = (await runs(configId)).filter((r) => r.trigger === 'WEBHOOK');
      return found.length >= count && found.every((r) => ['COMPLETED', 'FAILED'].includes(r.status)) && found;
    }, `${count} webhook runs`);
  const setup = async (
    connection: Record<string, unknown>,
    object: string,
    rules: Record<string, unknown>[] | null,
    targetObject = 'account',
    direction = 'INBOUND',
  ) => {
    const conn = await gql(CONNECT, { input: connection });
    expect(conn.errors).toBeUndefined();
    const connectionId = conn.data.createConnection.id;
    const mapping = rules && (await gql(MAPPING, { input: { name: `${object} → ${targetObject}`, sourceObject: object, targetObject, rules } }));
    const config = await gql(CONFIG, {
      input: {
        name: `${object} realtime`,
        connectionId,
        sourceObject: object,
        targetObject,
        direction,
        frequency: 'realtime',
        fieldMappingId: mapping ? mapping.data.createFieldMapping.id : null,
      },
    });
    expect(config.errors).toBeUndefined();
    const configId = config.data.createSyncConfig.id;
    const full = await gql(TRIGGER, { id: configId, mode: 'FULL' });
    expect(await waitForRunEnd(gql, full.data.triggerSync.id, 30_000, RUN)).toMatchObject({ status: 'COMPLETED', recordsFailed: 0 });
    return { connectionId, configId };
  };

  /** A Stripe event as Stripe sends it (https://docs.stripe.com/api/events/object), signed by Stripe's library. */
  const sendStripeEvent = async (connectionId: string, id: string, type: string, object: Record<string, unknown>, created: number) => {
    const body = JSON.stringify({ id, object: 'event', type, created, api_version: '2024-06-20', livemode: false, data: { object } });
    const res = await post(connectionId, body, { 'stripe-signature': Stripe.webhooks.generateTestHeaderString({ payload: body, secret: STRIPE_SECRET }) });
    expect(res.status).toBe(200);
  };
  /** A realtime customers → account config on a new connection to `stripe`, after its first FULL run. */
  const stripeSetup = (stripe: StripeServer, name: string, direction = 'INBOUND') =>
    setup(
      { connectorKey: 'stripe', name, credentials: { apiKey: stripe.apiKey, webhookSecret: STRIPE_SECRET }, config: { baseUrl: stripe.url } },
      'customers',
      [
        { sourceField: 'name', targetField: 'name', transform: { type: 'TRIM' } },
        { sourceField: 'email', targetField: 'email', transform: { type: 'LOWERCASE' } },
      ],
      'account',
      direction,
    );

  beforeAll(async () => {
    t = await startTestService({ PROVIDER_RETRY_BASE_DELAY_MS: '5' });
    gql = (q, v) => t.gql(q, v);
  });
  afterAll(() => t?.stop());

  describe('Stripe: the event carries the object', () => {
    let stripe: StripeServer;
    let connectionId: string;
    let configId: string;
    let sent = 0;

    const send = (type: string, object: Record<string, unknown>, created: number) =>
      sendStripeEvent(connectionId, `evt_realtime${++sent}`, type, object, created);
    const customer = (i: number) => (stripe.store.get('customers') as any[])[i];
    /** Requests that would re-list customers (the list endpoint or the Events API). */
    const lists = (from: number) => stripe.requests.slice(from).filter((r) => r.method === 'GET' && ['/v1/customers', '/v1/events'].includes(r.path));

    beforeAll(async () => {
      stripe = await new StripeServer().start();
      stripe.seedCustomers(4);
      ({ connectionId, configId } = await stripeSetup(stripe, 'Stripe realtime'));
    });
    afterAll(() => stripe?.stop());

    it('customer.updated updates that one record, as a WEBHOOK run, without listing customers or events', async () => {
      const before = stripe.requests.length;
      const target = customer(0);
      await send('customer.updated', { ...target, name: '  Renamed by event ' }, stripe.now() + 100);
      const linked = await eventually(async () => {
        const link = (await links(configId)).get(target.id);
        return link?.lastSyncedData?.name === 'Renamed by event' && link;
      }, 'the event applied');
      expect(linked.status).toBe('SYNCED');
      const [run] = await webhookRuns(configId, 1);
      expect(run).toMatchObject({ status: 'COMPLETED', mode: 'INCREMENTAL', recordsProcessed: 1, recordsUpdated: 1, recordsCreated: 0, recordsFailed: 0 });
      expect(lists(before)).toEqual([]);
      // The other customers were not touched.
      expect((await links(configId)).get(customer(1).id)?.lastSyncedData.name).toBe('Customer 1');
    });

    it('an older event arriving after a newer one changes nothing, logged as stale', async () => {
      const target = customer(0);
      await send('customer.updated', { ...target, name: 'Stale name' }, stripe.now() + 50);
      const stale = (await webhookRuns(configId, 2)).find((r) => r.logs.some((l: any) => l.code === 'STALE_CHANGE'));
      expect(stale).toMatchObject({ status: 'COMPLETED', recordsProcessed: 1, recordsUpdated: 0, recordsCreated: 0 });
      expect(stale.logs).toEqual(expect.arrayContaining([expect.objectContaining({ code: 'STALE_CHANGE', externalId: target.id })]));
      expect((await links(configId)).get(target.id)?.lastSyncedData.name).toBe('Renamed by event');
    });

    it('a newer event after it applies again; an incremental run reading an older state leaves the newer one', async () => {
      const target = customer(0);
      await send('customer.updated', { ...target, name: 'Newest by event' }, stripe.now() + 200);
      await eventually(async () => (await links(configId)).get(target.id)?.lastSyncedData.name === 'Newest by event', 'the newer event');
      // An edit Stripe records now (its clock is behind the events above): the run's event is older.
      stripe.update('customers', target.id, { name: 'Edited before the events' });
      stripe.update('customers', customer(2).id, { name: 'Edited in Stripe' });
      const res = await gql(TRIGGER, { id: configId, mode: 'INCREMENTAL' });
      const run = await waitForRunEnd(gql, res.data.triggerSync.id, 30_000, RUN);
      expect(run).toMatchObject({ status: 'COMPLETED', recordsUpdated: 1 });
      const after = await links(configId);
      expect(after.get(target.id)?.lastSyncedData.name).toBe('Newest by event');
      expect(after.get(customer(2).id)?.lastSyncedData.name).toBe('Edited in Stripe');
    });

    it('a burst of events for one customer, sent at once in shuffled order, leaves the newest state', async () => {
      const target = customer(1);
      const before = (await runs(configId)).filter((r) => r.trigger === 'WEBHOOK').length;
      const shuffled = [7, 2, 14, 0, 9, 4, 11, 1, 13, 6, 3, 12, 5, 10, 8];
      await Promise.all(shuffled.map((i) => send('customer.updated', { ...target, name: `Burst ${i}` }, stripe.now() + 1000 + i)));
      const ended = await webhookRuns(configId, before + 15);
      expect(ended.filter((r) => r.status !== 'COMPLETED')).toEqual([]);
      expect((await links(configId)).get(target.id)?.lastSyncedData.name).toBe('Burst 14');
    });

    it('customer.deleted marks the link DELETED and counts it; an older update after it does not bring it back', async () => {
      const target = customer(3);
      const before = (await runs(configId)).filter((r) => r.trigger === 'WEBHOOK').length;
      await send('customer.deleted', target, stripe.now() + 300);
      const [deleting] = await webhookRuns(configId, before + 1); // newest first
      expect(deleting).toMatchObject({ status: 'COMPLETED', recordsProcessed: 0, recordsDeleted: 1 });
      expect((await links(configId)).get(target.id)?.status).toBe('DELETED');
      await send('customer.updated', { ...target, name: 'Late update' }, stripe.now() + 250);
      const [late] = await webhookRuns(configId, before + 2);
      expect(late).toMatchObject({ status: 'COMPLETED', recordsUpdated: 0, recordsCreated: 0 });
      expect(late.logs).toEqual(expect.arrayContaining([expect.objectContaining({ code: 'STALE_CHANGE', externalId: target.id })]));
      expect((await links(configId)).get(target.id)).toMatchObject({ status: 'DELETED', lastSyncedData: expect.objectContaining({ name: 'Customer 3' }) });
    });
  });

  describe('Stripe, bidirectional: the event updates HotCRM without a whole run', () => {
    let stripe: StripeServer;
    let connectionId: string;
    let configId: string;
    let sent = 0;

    const send = (type: string, object: Record<string, unknown>, created: number) => sendStripeEvent(connectionId, `evt_both${++sent}`, type, object, created);
    const customer = (i: number) => (stripe.store.get('customers') as any[])[i];

    beforeAll(async () => {
      stripe = await new StripeServer().start();
      stripe.seedCustomers(3);
      ({ connectionId, configId } = await stripeSetup(stripe, 'Stripe both ways', 'BIDIRECTIONAL'));
    });
    afterAll(() => stripe?.stop());

    it('applies customer.updated to its one record (no list, no write back to Stripe), ignores an older one, and marks customer.deleted', async () => {
      const before = stripe.requests.length;
      const target = customer(0);
      await send('customer.updated', { ...target, name: 'Both ways by event' }, stripe.now() + 100);
      await eventually(async () => (await links(configId)).get(target.id)?.lastSyncedData?.name === 'Both ways by event', 'the event applied');
      const [run] = await webhookRuns(configId, 1);
      expect(run).toMatchObject({ status: 'COMPLETED', recordsProcessed: 1, recordsUpdated: 1, recordsFailed: 0 });
      const calls = stripe.requests.slice(before).filter((r) => r.path.startsWith('/v1/customers') || r.path === '/v1/events');
      expect(calls).toEqual([]);

      await send('customer.updated', { ...target, name: 'Older state' }, stripe.now() + 50);
      const stale = (await webhookRuns(configId, 2)).find((r) => r.logs.some((l: any) => l.code === 'STALE_CHANGE'));
      expect(stale).toMatchObject({ status: 'COMPLETED', recordsUpdated: 0 });
      expect((await links(configId)).get(target.id)?.lastSyncedData.name).toBe('Both ways by event');

      await send('customer.deleted', customer(1), stripe.now() + 300);
      const [deleting] = await webhookRuns(configId, 3);
      expect(deleting).toMatchObject({ status: 'COMPLETED', recordsDeleted: 1 });
      expect((await links(configId)).get(customer(1).id)?.status).toBe('DELETED');
      expect((await links(configId)).get(customer(2).id)?.status).toBe('SYNCED');
    });
  });

  describe('QuickBooks: the notification names the entity', () => {
    let oauth: OAuthServer;
    let qbo: QuickBooksServer;
    let connectionId: string;
    let configId: string;

    /** The legacy payload Intuit documents ({eventNotifications: [{realmId, dataChangeEvent: {entities}}]}), HMAC-SHA256 signed. */
    const notify = async (entities: { name: string; id: string; operation: string; lastUpdated: string }[]) => {
      const body = JSON.stringify({ eventNotifications: [{ realmId: qbo.realmId, dataChangeEvent: { entities } }] });
      const signature = createHmac('sha256', QUICKBOOKS_TOKEN).update(body).digest('base64');
      expect((await post(connectionId, body, { 'intuit-signature': signature })).status).toBe(200);
    };

    beforeAll(async () => {
      oauth = await new OAuthServer().start();
      qbo = await new QuickBooksServer(oauth).start();
      for (let i = 0; i < 3; i++) qbo.add('Customer', { DisplayName: `QB Customer ${i}`, Active: true });
      const tokens = oauth.issueTokens();
      ({ connectionId, configId } = await setup(
        {
          connectorKey: 'quickbooks',
          name: 'QuickBooks realtime',
          authType: 'OAUTH2',
          credentials: { accessToken: tokens.access_token, refreshToken: tokens.refresh_token, webhookSecret: QUICKBOOKS_TOKEN },
          config: { baseUrl: qbo.url, realmId: qbo.realmId },
        },
        'Customer',
        [{ sourceField: 'DisplayName', targetField: 'name' }],
      ));
    });
    afterAll(async () => {
      await qbo?.stop();
      await oauth?.stop();
    });

    it('reads just that entity (GET /v3/company/{realmId}/customer/{id}), no query or CDC', async () => {
      const row = qbo.store.get('Customer')![1];
      qbo.touch(row, { DisplayName: 'Renamed in QuickBooks' });
      const before = qbo.requests.length;
      await notify([{ name: 'Customer', id: row.Id, operation: 'Update', lastUpdated: row.MetaData.LastUpdatedTime }]);
      await eventually(async () => (await links(configId)).get(row.Id)?.lastSyncedData.name === 'Renamed in QuickBooks', 'the entity read');
      const asked = qbo.requests.slice(before).map((r) => r.path);
      expect(asked).toEqual([`/v3/company/${qbo.realmId}/customer/${row.Id}`]);
      const [run] = await webhookRuns(configId, 1);
      expect(run).toMatchObject({ status: 'COMPLETED', recordsProcessed: 1, recordsUpdated: 1 });
      // The next incremental run (CDC) reads the same change, versioned alike: nothing to write.
      const res = await gql(TRIGGER, { id: configId, mode: 'INCREMENTAL' });
      expect(await waitForRunEnd(gql, res.data.triggerSync.id, 30_000, RUN)).toMatchObject({ status: 'COMPLETED', recordsProcessed: 1, recordsUpdated: 0 });
    });

    it('a Delete notification marks the link DELETED without reading anything', async () => {
      const row = qbo.store.get('Customer')![2];
      const before = qbo.requests.length;
      await notify([
        { name: 'Customer', id: row.Id, operation: 'Delete', lastUpdated: new Date(Date.parse(row.MetaData.LastUpdatedTime) + 60_000).toISOString() },
      ]);
      await eventually(async () => (await links(configId)).get(row.Id)?.status === 'DELETED', 'the deletion');
      expect(qbo.requests.slice(before)).toEqual([]);
    });
  });

  describe('Outlook: the Graph change notification names the message', () => {
    let oauth: OAuthServer;
    let graph: OutlookServer;
    let connectionId: string;
    let configId: string;
    const CLIENT_STATE = 'graph-client-state-realtime';

    /** A change notification collection as Graph posts it (https://learn.microsoft.com/graph/api/resources/changenotification). */
    const notify = async (changeType: string, id: string) => {
      const body = JSON.stringify({
        value: [
          {
            id: `n-${changeType}-${id}-${Date.now()}`,
            subscriptionId: 'f3d5e1a0-0000-4000-8000-000000000001',
            subscriptionExpirationDateTime: new Date(Date.now() + 86_400_000).toISOString(),
            clientState: CLIENT_STATE,
            changeType,
            resource: `Users/${graph.userId}/Messages/${id}`,
            tenantId: '00000000-0000-4000-8000-00000000000a',
            resourceData: { '@odata.type': '#Microsoft.Graph.Message', '@odata.id': `Users/${graph.userId}/Messages/${id}`, id },
          },
        ],
      });
      expect((await post(connectionId, body, {})).status).toBe(202);
    };

    beforeAll(async () => {
      oauth = await new OAuthServer().start();
      graph = await new OutlookServer((token) => oauth.isValid(token)).start();
      graph.addMessage({ subject: 'Before', from: 'first@contoso.example' });
      const tokens = oauth.issueTokens();
      ({ connectionId, configId } = await setup(
        {
          connectorKey: 'outlook',
          name: 'Outlook realtime',
          credentials: { accessToken: tokens.access_token, refreshToken: tokens.refresh_token, webhookSecret: CLIENT_STATE },
          config: { baseUrl: `${graph.url}/v1.0` },
        },
        'messages',
        null,
        'contact',
      ));
    });
    afterAll(async () => {
      await graph?.stop();
      await oauth?.stop();
    });

    it('reads just that message (GET /me/messages/{id}), no delta round; deleted marks the link DELETED', async () => {
      const message = graph.addMessage({ subject: 'Hello', from: 'sender@contoso.example' });
      const before = graph.requests.length;
      await notify('created', String(message.id));
      const link = await eventually(async () => (await links(configId)).get(String(message.id)), 'the message read');
      expect(link.lastSyncedData).toMatchObject({ email: 'sender@contoso.example' });
      expect(graph.requests.slice(before).map((r) => r.path)).toEqual([`/v1.0/me/messages/${message.id}`]);
      graph.remove('messages', String(message.id));
      await notify('deleted', String(message.id));
      await eventually(async () => (await links(configId)).get(String(message.id))?.status === 'DELETED', 'the deletion');
      expect(graph.requests.slice(before)).toHaveLength(1);
    });
  });
});
