import { composeServices } from '@apollo/composition';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { parse } from 'graphql';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { RunningCrmSubgraphs, REVENUE_SDL, SALES_SDL, startCrmSubgraphs } from './support/crm-subgraphs';
import { seed } from './support/seed';
import { BOOTSTRAP_KEY, gatewayToken, GraphQLResponse, startTestService, TestService } from './support/service';

/**
 * The checked-in schema/integration.graphql composed with Sales (Account, Contact) and Revenue
 * (Invoice) under @apollo/gateway: the fields this subgraph adds to their types come back joined
 * to their records, scoped to the caller's organization and scopes.
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

describe('federation: the integration subgraph under a gateway with Sales and Revenue', () => {
  let integration: TestService;
  let crm: RunningCrmSubgraphs;
  let gatewayServer: ApolloServer<GatewayContext>;
  let gatewayUrl: string;
  let stripeId: string;

  async function query(text: string, token: string | null = BOOTSTRAP_KEY): Promise<GraphQLResponse> {
    const response = await fetch(gatewayUrl, {
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
    await seed.externalLink(db, 'default', stripeId, { internal_object: 'account', internal_id: 'acc-1', external_object: 'customers', external_id: 'cus_acme' });
    const linkedinId = await seed.connection(db, 'default', { connector_key: 'linkedin', name: 'LinkedIn', auth_type: 'OAUTH2' });
    await seed.externalLink(db, 'default', linkedinId, {
      provider: 'linkedin',
      internal_object: 'contact',
      internal_id: 'con-1',
      external_object: 'profiles',
      external_id: 'li_ada',
      last_synced_data: { email: 'ada.lovelace@example.com', full_name: 'Ada Lovelace', headline: 'First programmer', company: 'Analytical Engines' },
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
    ({ url: gatewayUrl } = await startStandaloneServer(gatewayServer, {
      listen: { port: 0, host: '127.0.0.1' },
      context: async ({ req }) => ({ authorization: req.headers.authorization }),
    }));
  });

  afterAll(async () => {
    await gatewayServer?.stop();
    await crm?.stop();
    await integration?.stop();
  });

  it('joins links, enrichment and payments to the Sales and Revenue records they belong to', async () => {
    const res = await query(ACROSS_ALL_THREE);
    expect(res.errors).toBeUndefined();
    expect(res.data).toEqual({
      accounts: [
        {
          id: 'acc-1',
          name: 'Acme Corp',
          externalLinks: [{ provider: 'stripe', externalObject: 'customers', externalId: 'cus_acme', status: 'SYNCED', connection: { id: stripeId, name: 'Stripe' } }],
        },
        { id: 'acc-2', name: 'Globex', externalLinks: [] },
      ],
      contacts: [
        {
          id: 'con-1',
          email: 'Ada.Lovelace@Example.COM',
          enrichment: { provider: 'linkedin', fullName: 'Ada Lovelace', headline: 'First programmer', company: 'Analytical Engines' },
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

  it("shows another organization the Sales and Revenue records but none of this org's links", async () => {
    const res = await query(ACROSS_ALL_THREE, await gatewayToken('other-org', ['read:*']));
    expect(res.errors).toBeUndefined();
    expect(res.data!.accounts.map((a: any) => a.name)).toEqual(['Acme Corp', 'Globex']);
    for (const account of res.data!.accounts) expect(account.externalLinks).toEqual([]);
    for (const contact of res.data!.contacts) expect(contact).toMatchObject({ enrichment: null, externalLinks: [] });
    for (const invoice of res.data!.invoices) expect(invoice.payments).toEqual([]);
    expectNoLinkData(res);
  });

  it('answers a caller without Authorization with UNAUTHENTICATED from the subgraph and no link data', async () => {
    const res = await query(ACROSS_ALL_THREE, null);
    expect(codes(res)).toContain('UNAUTHENTICATED');
    expectNoLinkData(res);
  });

  it('refuses externalLinks with FORBIDDEN to a token that may only read connections', async () => {
    const res = await query('{ accounts { id externalLinks { externalId } } }', await gatewayToken('default', ['read:connections']));
    expect(codes(res)).toContain('FORBIDDEN');
    expectNoLinkData(res);
  });
});
