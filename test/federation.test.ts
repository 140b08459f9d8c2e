import { composeServices } from '@apollo/composition';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { createGatewayRuntime, GatewayRuntime } from '@graphql-hive/gateway-runtime';
import { parse } from 'graphql';
import { readFileSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import path from 'node:path';
import { RunningCrmSubgraphs, REVENUE_SDL, SALES_SDL, startCrmSubgraphs } from './support/crm-subgraphs';
import { seed } from './support/seed';
import { BOOTSTRAP_KEY, gatewayToken, GraphQLResponse, startTestService, TestService } from './support/service';
import { notifyChange, notifyUntil } from './support/ws-client';

/**
 * The checked-in schema/integration.graphql composed with Sales (Account, Contact) and Revenue
 * (Invoice) under two gateways, @apollo/gateway and Hive Gateway (its embeddable runtime, with
 * subscriptions to this subgraph over graphql-ws): the fields this subgraph adds to their types
 * come back joined to their records, scoped to the caller's organization and scopes, whichever
 * gateway plans the query.
 */

const INTEGRATION_SDL = readFileSync(path.resolve(__dirname, '../schema/integration.graphql'), 'utf8');

interface GatewayContext {
  authorization?: string;
}

const ACROSS_ALL_THREE = `{
  accounts { id name externalLinks { provider externalObject externalId status connection { id name } } }
  contacts { id email enrichment { provider fullName headline company } externalLinks { externalId } }
  invoices { id number payments { provider externalId amount currency status paidAt } }
}`;

/** Every value below exists only in the integration database; none may reach another org. */
const LINK_VALUES = ['cus_acme', 'li_ada', 'ch_paid', 'Ada Lovelace', 'Analytical Engines'];

const GATEWAYS = ['@apollo/gateway', 'Hive Gateway'] as const;
type Gateway = (typeof GATEWAYS)[number];

/** `n` aliased externalLinks on each account and each contact: 2n aliases the client wrote. */
const aliasedLinks = (n: number) => {
  const links = (prefix: string) => Array.from({ length: n }, (_, i) => `${prefix}${i}: externalLinks { externalId }`).join(' ');
  return `{ accounts { id ${links('a')} } contacts { id ${links('c')} } }`;
};

describe('federation: the integration subgraph under a gateway with Sales and Revenue', () => {
  let integration: TestService;
  let crm: RunningCrmSubgraphs;
  let gatewayServer: ApolloServer<GatewayContext>;
  let hive: GatewayRuntime;
  let hiveServer: Server;
  const urls = {} as Record<Gateway, string>;
  let stripeId: string;

  async function query(gateway: Gateway, text: string, token: string | null = BOOTSTRAP_KEY): Promise<GraphQLResponse> {
    const response = await fetch(urls[gateway], {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query: text }),
    });
    return { status: response.status, ...((await response.json()) as object) };
  }

  const codes = (res: GraphQLResponse) => (res.errors ?? []).map((e) => e.extensions?.code);
  const expectNoLinkData = (res: GraphQLResponse) => {
    const body = JSON.stringify(res.data ?? null);
    for (const value of LINK_VALUES) expect(body).not.toContain(value);
  };

  beforeAll(async () => {
    integration = await startTestService();
    crm = await startCrmSubgraphs({
      accounts: [
        { id: 'acc-1', name: 'Acme Corp' },
        { id: 'acc-2', name: 'Globex' },
      ],
      contacts: [
        { id: 'con-1', email: 'Ada.Lovelace@Example.COM', firstName: 'Ada' },
        { id: 'con-2', email: 'nobody@example.com', firstName: 'No' },
      ],
      invoices: [
        { id: 'inv-1', number: 'INV-001', total: 120.5 },
        { id: 'inv-2', number: 'INV-002', total: 10 },
      ],
    });

    const db = integration.service.db;
    stripeId = await seed.connection(db, 'default');
    await seed.externalLink(db, 'default', stripeId, {
      internal_object: 'account',
      internal_id: 'acc-1',
      external_object: 'customers',
      external_id: 'cus_acme',
    });
    const linkedinId = await seed.connection(db, 'default', { connector_key: 'linkedin', name: 'LinkedIn', auth_type: 'OAUTH2' });
    await seed.externalLink(db, 'default', linkedinId, {
      provider: 'linkedin',
      internal_object: 'contact',
      internal_id: 'con-1',
      // What a LinkedIn profile sync can record: the member's own userinfo (no headline or company: LinkedIn gives neither).
      external_object: 'profile',
      external_id: 'li_ada',
      last_synced_data: { email: 'ada.lovelace@example.com', full_name: 'Ada Lovelace', first_name: 'Ada', last_name: 'Lovelace' },
    });
    await seed.externalLink(db, 'default', stripeId, {
      internal_object: 'invoice',
      internal_id: 'inv-1',
      external_object: 'charges',
      external_id: 'ch_paid',
      last_synced_data: { amount: 120.5, currency: 'usd', status: 'succeeded', paid_at: '2026-01-02T03:04:05.000Z' },
    });

    const composition = composeServices([
      { name: 'integration', url: `${integration.url}/graphql`, typeDefs: parse(INTEGRATION_SDL) },
      { name: 'sales', url: crm.salesUrl, typeDefs: parse(SALES_SDL) },
      { name: 'revenue', url: crm.revenueUrl, typeDefs: parse(REVENUE_SDL) },
    ]);
    if (composition.errors) {
      throw new Error(`schema/integration.graphql does not compose:\n${composition.errors.map((e) => e.message).join('\n')}`);
    }

    const gateway = new ApolloGateway({
      supergraphSdl: composition.supergraphSdl,
      buildService: ({ url }) =>
        new RemoteGraphQLDataSource<GatewayContext>({
          url,
          willSendRequest({ request, context }) {
            if (context.authorization) request.http?.headers.set('authorization', context.authorization);
          },
        }),
    });
    gatewayServer = new ApolloServer<GatewayContext>({ gateway });
    ({ url: urls['@apollo/gateway'] } = await startStandaloneServer(gatewayServer, {
      listen: { port: 0, host: '127.0.0.1' },
      context: async ({ req }) => ({ authorization: req.headers.authorization }),
    }));

    // Hive Gateway forwards the caller's Authorization to every subgraph over HTTP, and opens
    // subscriptions to this one over graphql-ws with it in connection_init, as a router's
    // passthrough mode does. Its ws transport keeps an idle socket for 3 s after the last
    // subscription (lazyCloseTimeout, @graphql-mesh/transport-ws); 0 closes it with the subscription.
    hive = createGatewayRuntime({
      supergraph: composition.supergraphSdl,
      logging: false,
      propagateHeaders: { fromClientToSubgraphs: ({ request }) => ({ authorization: request.headers.get('authorization') }) },
      transportEntries: {
        integration: {
          options: { subscriptions: { kind: 'ws', options: { connectionParams: { authorization: '{context.headers.authorization}' }, lazyCloseTimeout: 0 } } },
        },
      },
    });
    hiveServer = createServer(hive);
    await new Promise<void>((resolve) => hiveServer.listen(0, '127.0.0.1', resolve));
    urls['Hive Gateway'] = `http://127.0.0.1:${(hiveServer.address() as AddressInfo).port}/graphql`;
  });

  afterAll(async () => {
    await gatewayServer?.stop();
    hiveServer?.closeAllConnections();
    await new Promise((resolve) => (hiveServer ? hiveServer.close(resolve) : resolve(undefined)));
    await hive?.dispose();
    await crm?.stop();
    await integration?.stop();
  });

  it.each(GATEWAYS)('%s: joins links, enrichment and payments to the Sales and Revenue records they belong to', async (gateway) => {
    const res = await query(gateway, ACROSS_ALL_THREE);
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({
      accounts: [
        {
          id: 'acc-1',
          name: 'Acme Corp',
          externalLinks: [
            { provider: 'stripe', externalObject: 'customers', externalId: 'cus_acme', status: 'SYNCED', connection: { id: stripeId, name: 'Stripe' } },
          ],
        },
        { id: 'acc-2', name: 'Globex', externalLinks: [] },
      ],
      contacts: [
        {
          id: 'con-1',
          email: 'Ada.Lovelace@Example.COM',
          enrichment: { provider: 'linkedin', fullName: 'Ada Lovelace', headline: null, company: null },
          externalLinks: [{ externalId: 'li_ada' }],
        },
        { id: 'con-2', email: 'nobody@example.com', enrichment: null, externalLinks: [] },
      ],
      invoices: [
        {
          id: 'inv-1',
          number: 'INV-001',
          payments: [{ provider: 'stripe', externalId: 'ch_paid', amount: 120.5, currency: 'usd', status: 'succeeded', paidAt: '2026-01-02T03:04:05.000Z' }],
        },
        { id: 'inv-2', number: 'INV-002', payments: [] },
      ],
    });
  });

  it.each(GATEWAYS)("%s: shows another organization the Sales and Revenue records but none of this org's links", async (gateway) => {
    const res = await query(gateway, ACROSS_ALL_THREE, await gatewayToken('other-org', ['read:*']));
    expect(res.errors).toBeUndefined();
    expect(res.data!.accounts.map((a: any) => a.name)).toEqual(['Acme Corp', 'Globex']);
    for (const account of res.data!.accounts) expect(account.externalLinks).toEqual([]);
    for (const contact of res.data!.contacts) expect(contact).toMatchObject({ enrichment: null, externalLinks: [] });
    for (const invoice of res.data!.invoices) expect(invoice.payments).toEqual([]);
    expectNoLinkData(res);
  });

  it.each(GATEWAYS)('%s: answers a caller without Authorization with UNAUTHENTICATED from the subgraph and no link data', async (gateway) => {
    const res = await query(gateway, ACROSS_ALL_THREE, null);
    expect(codes(res)).toContain('UNAUTHENTICATED');
    expectNoLinkData(res);
  });

  it.each(GATEWAYS)('%s: refuses externalLinks with FORBIDDEN to a token that may only read connections', async (gateway) => {
    const res = await query(gateway, '{ accounts { id externalLinks { externalId } } }', await gatewayToken('default', ['read:connections']));
    expect(codes(res)).toContain('FORBIDDEN');
    expectNoLinkData(res);
  });

  // Hive Gateway batches the entity fetches of one level into one request (`_v0__entities`,
  // `_v1__entities`, ...); @apollo/gateway sends each as a request of its own. The limits count
  // the client's aliases inside the fetches, not the gateway's aliases of `_entities`, so 14
  // pass and 16 on one type are refused through either. (16 split 8 and 8 over two types still
  // reach this subgraph as 16 through Hive, and as 8 and 8 through @apollo/gateway.)
  it.each(GATEWAYS)("%s: counts the client's aliases, not the gateway's: 14 pass, 16 are refused", async (gateway) => {
    const fourteen = await query(gateway, aliasedLinks(7));
    expect(fourteen.errors).toBeUndefined();
    expect(fourteen.data!.accounts[0]).toMatchObject({ id: 'acc-1', a0: [{ externalId: 'cus_acme' }], a6: [{ externalId: 'cus_acme' }] });
    expect(fourteen.data!.contacts[0]).toMatchObject({ id: 'con-1', c0: [{ externalId: 'li_ada' }], c6: [{ externalId: 'li_ada' }] });

    const sixteenOnOneType = await query(gateway, `{ accounts { ${Array.from({ length: 16 }, (_, i) => `a${i}: externalLinks { externalId }`).join(' ')} } }`);
    // @apollo/gateway reports a subgraph's 400 as its own error, with the subgraph's answer inside.
    const refusal = sixteenOnOneType.errors?.[0].extensions?.response?.body?.errors?.[0] ?? sixteenOnOneType.errors?.[0];
    expect(refusal).toMatchObject({ message: 'Aliases limit of 15 exceeded, found 16.', extensions: { code: 'BAD_USER_INPUT', limit: 'aliases' } });
    expectNoLinkData(sixteenOnOneType);
  });

  it('streams a subscription through Hive Gateway, which opens it on this subgraph over graphql-ws', async () => {
    const db = integration.service.db;
    const configId = await seed.syncConfig(db, 'default', stripeId, { name: 'Through Hive' });
    const runId = await seed.syncRun(db, 'default', configId, { status: 'RUNNING' });
    const controller = new AbortController();
    const response = await fetch(urls['Hive Gateway'], {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${BOOTSTRAP_KEY}` },
      body: JSON.stringify({ query: `subscription { syncRunUpdated(syncConfigId: "${configId}") { id status syncConfig { name } } }` }),
      signal: controller.signal,
    });
    expect(response.status).toBe(200);
    const events: any[] = [];
    const reading = (async () => {
      const decoder = new TextDecoder();
      let buffered = '';
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        buffered += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffered.indexOf('\n\n')) >= 0) {
          const event = buffered.slice(0, end);
          buffered = buffered.slice(end + 2);
          const data = event
            .split('\n')
            .filter((line) => line.startsWith('data:'))
            .map((line) => line.slice(5))
            .join('\n');
          if (data.trim()) events.push(JSON.parse(data));
        }
      }
    })().catch(() => undefined);
    try {
      await notifyUntil(
        () => notifyChange(db, { topic: 'sync_run', organizationId: 'default', id: runId, parentId: configId }),
        () => events.length > 0,
      );
      expect(events[0]).toEqual({ data: { syncRunUpdated: { id: runId, status: 'RUNNING', syncConfig: { name: 'Through Hive' } } } });
    } finally {
      controller.abort();
      await reading;
    }
  });
});
