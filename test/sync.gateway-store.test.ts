import { GatewayCrmStore } from '../src/sync/crm/gateway-crm-store';
import { StripeServer } from './providers/stripe.server';
import { RunningCrmGateway, startCrmGateway } from './support/crm-gateway-subgraphs';
import { startTestService, TestService } from './support/service';
import { setupInboundSync, TRIGGER, waitForRunEnd } from './support/sync-fixtures';

const RUN = `query($id: ID!) { syncRun(id: $id) { id status mode recordsProcessed recordsCreated recordsUpdated recordsFailed errorDetails
  syncConfig { cursor } logs { level message } } }`;

/**
 * A sync run through the gateway CRM store, end to end: the service started with CRM_GATEWAY_URL
 * reads and writes accounts in the Sales cloud stand-in behind @apollo/gateway, not in its own
 * crm_record table. Inbound: Stripe customers become Sales accounts, a changed customer updates
 * its account, unchanged ones are skipped. Outbound: accounts changed in the Sales cloud (read
 * through the gateway's changedSince) become or update Stripe customers, without echoing back
 * what the inbound sync wrote.
 */
describe('sync through the gateway CRM store (Sales cloud under @apollo/gateway)', () => {
  const TOKEN = 'crm-gateway-sync-token';
  let crm: RunningCrmGateway;
  let stripe: StripeServer;
  let t: TestService;
  let connectionId: string;
  let inboundId: string;

  const gql = (q: string, v?: Record<string, unknown>) => t.gql(q, v) as Promise<any>;
  const trigger = async (id: string, mode?: string) => waitForRunEnd(gql, ((await gql(TRIGGER, { id, mode })) as any).data.triggerSync.id, 20_000, RUN);
  const accounts = () => [...crm.records('default', 'account').values()];
  const customers = () => stripe.store.get('customers')! as any[];
  /** Every event of `type` (a pattern), through integrationEvents page by page. */
  const events = async (type: string): Promise<any[]> => {
    const nodes: any[] = [];
    for (let after: string | null = null; ;) {
      const res: any = await gql(
        `query($type: String, $after: String) { integrationEvents(type: $type, first: 100, after: $after) {
           pageInfo { hasNextPage endCursor } edges { node { type source objectType recordId data } } } }`,
        { type, after },
      );
      nodes.push(...res.data.integrationEvents.edges.map((e: any) => e.node));
      if (!res.data.integrationEvents.pageInfo.hasNextPage) return nodes;
      after = res.data.integrationEvents.pageInfo.endCursor;
    }
  };

  beforeAll(async () => {
    crm = await startCrmGateway(TOKEN);
    stripe = await new StripeServer().start();
    stripe.seedCustomers(150); // two pages of 100
    stripe.add('customers', { name: 'No Address', email: 'NoAddress@Example.com' }); // a mapped field absent
    t = await startTestService({ CRM_GATEWAY_URL: crm.url, CRM_GATEWAY_TOKEN: TOKEN, PROVIDER_RETRY_BASE_DELAY_MS: '5', SYNC_RETRY_BASE_SECONDS: '0' });
    ({ connectionId, configId: inboundId } = await setupInboundSync(gql, stripe));
  });
  afterAll(async () => {
    await t?.stop();
    await stripe?.stop();
    await crm?.stop();
  });

  it('creates one Sales account per Stripe customer, under the id the link records', async () => {
    const run = await trigger(inboundId);
    expect(run).toMatchObject({
      status: 'COMPLETED',
      mode: 'FULL',
      recordsProcessed: 151,
      recordsCreated: 151,
      recordsUpdated: 0,
      recordsFailed: 0,
      errorDetails: null,
    });
    expect(accounts()).toHaveLength(151);
    const customer = customers()[7];
    const account = accounts().find((a) => a.email === customer.email)!;
    expect(account).toMatchObject({ name: customer.name, email: customer.email, billingCity: 'Berlin' });
    const noAddress = accounts().find((a) => a.name === 'No Address')!;
    expect(noAddress.email).toBe('noaddress@example.com');
    expect(noAddress.billingCity).toBeUndefined();

    const all: any = await gql('query($id: ID!) { externalLinks(syncConfigId: $id, first: 1) { totalCount } }', { id: inboundId });
    expect(all.data.externalLinks.totalCount).toBe(151);
    const links: any = await gql(
      'query($id: ID!, $internalId: ID!) { externalLinks(syncConfigId: $id, internalId: $internalId) { edges { node { externalId status } } } }',
      { id: inboundId, internalId: account.id },
    );
    expect(links.data.externalLinks.edges.map((e: any) => e.node)).toEqual([{ externalId: customer.id, status: 'SYNCED' }]);
    // Nothing went to the built-in store.
    const [{ count }] = await t.service.db.query(`SELECT count(*)::int AS count FROM crm_record`);
    expect(count).toBe(0);
    // Written through the gateway, each account is an account.created event with what the sync wrote.
    const created = await events('account.*');
    expect(created).toHaveLength(151);
    expect(created.find((e) => e.recordId === account.id)).toMatchObject({
      type: 'account.created',
      source: 'hotcrm',
      objectType: 'account',
      data: { id: account.id, name: customer.name, email: customer.email, billing_city: 'Berlin', sync: { syncConfigId: inboundId, connectionId } },
    });
  });

  it('updates the account of a changed customer and skips the unchanged ones', async () => {
    const before = new Map(accounts().map((a) => [a.id, a.lastModifiedDate]));
    customers()[3].name = 'Renamed Customer';
    const run = await trigger(inboundId, 'FULL');
    expect(run).toMatchObject({ status: 'COMPLETED', mode: 'FULL', recordsProcessed: 151, recordsCreated: 0, recordsUpdated: 1, recordsFailed: 0 });
    expect(accounts()).toHaveLength(151);
    const renamed = accounts().filter((a) => a.name === 'Renamed Customer');
    expect(renamed).toHaveLength(1);
    expect(renamed[0].email).toBe(customers()[3].email);
    // Only the renamed account was written in the Sales cloud.
    expect(
      accounts()
        .filter((a) => a.lastModifiedDate !== before.get(a.id))
        .map((a) => a.id),
    ).toEqual([renamed[0].id]);
    // And it is the one account.updated event.
    const updated = await events('account.updated');
    expect(updated).toHaveLength(1);
    expect(updated[0]).toMatchObject({ recordId: renamed[0].id, data: { id: renamed[0].id, name: 'Renamed Customer' } });
  });

  it('writes accounts changed in the Sales cloud to Stripe, read through the gateway, without echoing the inbound writes', async () => {
    const mapping: any = await gql('mutation($input: CreateFieldMappingInput!) { createFieldMapping(input: $input) { id } }', {
      input: {
        name: 'account → customer',
        sourceObject: 'customers',
        targetObject: 'account',
        rules: [
          { sourceField: 'name', targetField: 'name', transform: { type: 'TRIM' } },
          { sourceField: 'email', targetField: 'email', transform: { type: 'LOWERCASE' } },
          { sourceField: 'address.city', targetField: 'billing_city' },
        ],
      },
    });
    expect(mapping.errors).toBeUndefined();
    const config: any = await gql('mutation($input: CreateSyncConfigInput!) { createSyncConfig(input: $input) { id } }', {
      input: {
        name: 'Accounts out',
        connectionId,
        sourceObject: 'customers',
        targetObject: 'account',
        direction: 'OUTBOUND',
        frequency: 'manual',
        fieldMappingId: mapping.data.createFieldMapping.id,
      },
    });
    expect(config.errors).toBeUndefined();
    const outboundId = config.data.createSyncConfig.id;
    const writes = () => stripe.requests.filter((r) => r.method === 'POST' && r.path.startsWith('/v1/customers')).length;

    // Every account came from Stripe through the inbound sync: all are read, none written back.
    const writesBefore = writes();
    const first = await trigger(outboundId);
    expect(first).toMatchObject({
      status: 'COMPLETED',
      mode: 'FULL',
      recordsProcessed: 151,
      recordsCreated: 0,
      recordsUpdated: 0,
      recordsFailed: 0,
      errorDetails: null,
    });
    expect(writes()).toBe(writesBefore);
    // The checkpoint is the Sales cloud's own change position.
    const last = accounts()
      .sort((a, b) => (a.lastModifiedDate === b.lastModifiedDate ? (a.id < b.id ? -1 : 1) : a.lastModifiedDate < b.lastModifiedDate ? -1 : 1))
      .pop()!;
    expect(first.syncConfig.cursor).toEqual({ at: last.lastModifiedDate, id: last.id });

    // A Sales user edits one account and adds two, straight in the cloud.
    const sales = new GatewayCrmStore({ url: crm.url, token: TOKEN });
    const edited = accounts().find((a) => a.email === customers()[10].email)!;
    await sales.upsert('default', 'account', [
      { id: edited.id, data: { name: 'Edited In Sales', billing_city: 'Munich' } },
      { data: { name: 'New In Sales', email: 'new@sales.example' } },
      { data: { name: 'Also New', email: 'also@sales.example', billing_city: 'Vienna' } },
    ]);
    const second = await trigger(outboundId);
    expect(second).toMatchObject({ status: 'COMPLETED', mode: 'INCREMENTAL', recordsProcessed: 3, recordsCreated: 2, recordsUpdated: 1, recordsFailed: 0 });
    expect(customers()).toHaveLength(153);
    expect(customers()[10]).toMatchObject({ name: 'Edited In Sales', address: { city: 'Munich' } });
    expect(customers().find((c) => c.email === 'new@sales.example')).toMatchObject({ name: 'New In Sales' });
    expect(customers().find((c) => c.email === 'also@sales.example')).toMatchObject({ name: 'Also New', address: { city: 'Vienna' } });

    const nothing = await trigger(outboundId);
    expect(nothing).toMatchObject({ status: 'COMPLETED', mode: 'INCREMENTAL', recordsProcessed: 0 });
  });
});
