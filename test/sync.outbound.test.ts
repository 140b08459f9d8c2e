import { BuiltInCrmStore } from '../src/sync/crm/built-in-crm-store';
import { StripeServer } from './providers/stripe.server';
import { startTestService, TestService } from './support/service';
import { waitForRunEnd } from './support/sync-fixtures';

const RUN = `query($id: ID!) { syncRun(id: $id) { id status mode recordsProcessed recordsCreated recordsUpdated recordsFailed conflicts errorDetails
  syncConfig { cursor } logs { level message } } }`;
const TRIGGER = 'mutation($id: ID!, $mode: SyncMode) { triggerSync(id: $id, mode: $mode) { id status } }';

/**
 * Outbound sync end to end: HotCRM accounts in the built-in CRM store written to a local Stripe
 * server as customers through the inverted field mapping, on a pg-boss worker.
 */
describe('outbound sync: accounts to Stripe customers', () => {
  let t: TestService;
  let stripe: StripeServer;
  let crm: BuiltInCrmStore;
  let connectionId: string;
  let configId: string;
  let mappingId: string;

  const waitForRun = (id: string, ms = 20_000) => waitForRunEnd((q, v) => t.gql(q, v), id, ms, RUN);
  const customers = () => stripe.store.get('customers')! as any[];
  const trigger = async (id: string, mode?: string) => waitForRun(((await t.gql(TRIGGER, { id, mode })) as any).data.triggerSync.id);
  const createMapping = async (name: string, rules: unknown[]) => {
    const res: any = await t.gql('mutation($input: CreateFieldMappingInput!) { createFieldMapping(input: $input) { id } }', {
      input: { name, sourceObject: 'customers', targetObject: 'account', rules },
    });
    expect(res.errors).toBeUndefined();
    return res.data.createFieldMapping.id as string;
  };
  const createConfig = async (name: string, fieldMappingId: string) => {
    const res: any = await t.gql('mutation($input: CreateSyncConfigInput!) { createSyncConfig(input: $input) { id } }', {
      input: { name, connectionId, sourceObject: 'customers', targetObject: 'account', direction: 'OUTBOUND', frequency: 'manual', fieldMappingId },
    });
    expect(res.errors).toBeUndefined();
    return res.data.createSyncConfig.id as string;
  };

  beforeAll(async () => {
    stripe = await new StripeServer().start();
    t = await startTestService({ PROVIDER_RETRY_BASE_DELAY_MS: '5' });
    crm = new BuiltInCrmStore(t.service.db);
    const conn: any = await t.gql('mutation($input: CreateConnectionInput!) { createConnection(input: $input) { id } }', {
      input: { connectorKey: 'stripe', name: 'Stripe', credentials: { apiKey: stripe.apiKey }, config: { baseUrl: stripe.url } },
    });
    connectionId = conn.data.createConnection.id;
    mappingId = await createMapping('Stripe customer ↔ account', [
      { sourceField: 'name', targetField: 'name', transform: { type: 'TRIM' } },
      { sourceField: 'email', targetField: 'email', transform: { type: 'LOWERCASE' } },
      { sourceField: 'phone', targetField: 'phone' },
      { sourceField: 'address.city', targetField: 'billing_city' },
      { sourceField: 'address.country', targetField: 'billing_country' },
    ]);
    configId = await createConfig('Accounts out', mappingId);
  });
  afterAll(async () => {
    await t.stop();
    await stripe.stop();
  });

  it('creates a Stripe customer per account, mapped back through the inverted rules, and links them', async () => {
    const rows = Array.from({ length: 130 }, (_, i) => ({
      data: {
        name: `Account ${i}`,
        email: `account${i}@example.com`,
        phone: `+4930${String(i).padStart(6, '0')}`,
        billing_city: 'Hamburg',
        billing_country: 'DE',
        industry: 'Retail',
      },
    }));
    const written = await crm.upsert('default', 'account', rows);
    const run = await trigger(configId);
    expect(run).toMatchObject({
      status: 'COMPLETED',
      mode: 'FULL',
      recordsProcessed: 130,
      recordsCreated: 130,
      recordsUpdated: 0,
      recordsFailed: 0,
      conflicts: 0,
      errorDetails: null,
    });
    expect(run.syncConfig.cursor).toEqual({ at: expect.any(String), id: expect.any(String) });
    expect(customers()).toHaveLength(130);
    const c = customers().find((x) => x.email === 'account7@example.com');
    expect(c).toMatchObject({ name: 'Account 7', phone: '+4930000007', address: { city: 'Hamburg', country: 'DE' } });
    expect(c.industry).toBeUndefined(); // not mapped

    const links: any = await t.gql(
      'query($id: ID!) { externalLinks(syncConfigId: $id, first: 1) { totalCount edges { node { provider externalObject internalObject status } } } }',
      { id: configId },
    );
    expect(links.data.externalLinks.totalCount).toBe(130);
    expect(links.data.externalLinks.edges[0].node).toEqual({ provider: 'stripe', externalObject: 'customers', internalObject: 'account', status: 'SYNCED' });
    const viaEntities: any = await t.gql(
      'query($r: [_Any!]!) { _entities(representations: $r) { ... on Account { externalLinks { externalId lastSyncedData } } } }',
      { r: [{ __typename: 'Account', id: written[7].id }] },
    );
    expect(viaEntities.data._entities[0].externalLinks).toEqual([
      {
        externalId: c.id,
        lastSyncedData: { name: 'Account 7', email: 'account7@example.com', phone: '+4930000007', billing_city: 'Hamburg', billing_country: 'DE' },
      },
    ]);
  });

  it('never creates a customer twice when a run dies between the create and its link', async () => {
    const creates = stripe.requests.filter((r) => r.method === 'POST' && r.path === '/v1/customers');
    expect(creates.every((r) => /^hotcrm-[0-9a-f-]+-customers-[0-9a-f-]+$/.test(String(r.headers['idempotency-key'])))).toBe(true);
    // As if the worker died right after Stripe created the customer: the link was never saved.
    await t.service.db.query(`DELETE FROM external_link WHERE sync_config_id = $1 AND last_synced_data->>'name' = 'Account 9'`, [configId]);
    const run = await trigger(configId, 'FULL');
    expect(run.status).toBe('COMPLETED');
    expect(customers().filter((x) => x.name === 'Account 9')).toHaveLength(1);
    const links: any = await t.gql('query($id: ID!) { externalLinks(syncConfigId: $id) { totalCount } }', { id: configId });
    expect(links.data.externalLinks.totalCount).toBe(130);
  });

  it('a second run writes only what changed since the checkpoint; a FULL run skips unchanged records', async () => {
    const [first] = await t.service.db.query(
      `SELECT id FROM crm_record WHERE organization_id = 'default' AND object = 'account' AND data->>'name' = 'Account 3'`,
    );
    const [second] = await t.service.db.query(
      `SELECT id FROM crm_record WHERE organization_id = 'default' AND object = 'account' AND data->>'name' = 'Account 4'`,
    );
    await crm.upsert('default', 'account', [
      { id: first.id, data: { name: 'Account 3 Renamed', billing_city: 'Bremen' } },
      { id: second.id, data: { industry: 'Energy' } },
    ]);
    await crm.upsert('default', 'account', [{ data: { name: 'Brand New', email: 'new@example.com' } }]);
    const run = await trigger(configId);
    // Three changed records read; the unmapped industry change is skipped by its unchanged hash.
    expect(run).toMatchObject({ status: 'COMPLETED', mode: 'INCREMENTAL', recordsProcessed: 3, recordsCreated: 1, recordsUpdated: 1, recordsFailed: 0 });
    expect(customers()).toHaveLength(131);
    const renamed = customers().find((x) => x.email === 'account3@example.com');
    expect(renamed).toMatchObject({ name: 'Account 3 Renamed', address: { city: 'Bremen', country: 'DE' } });
    expect(customers().find((x) => x.email === 'new@example.com')).toMatchObject({ name: 'Brand New' });

    const full = await trigger(configId, 'FULL');
    expect(full).toMatchObject({ status: 'COMPLETED', mode: 'FULL', recordsProcessed: 131, recordsCreated: 0, recordsUpdated: 0 });
    const nothing = await trigger(configId);
    expect(nothing).toMatchObject({ status: 'COMPLETED', recordsProcessed: 0 });
  });

  it('counts a record the provider refuses and goes on', async () => {
    const [row] = await t.service.db.query(
      `SELECT l.external_id FROM external_link l JOIN crm_record r ON r.id::text = l.internal_id WHERE r.data->>'name' = 'Account 5'`,
    );
    // The customer was deleted in Stripe: updating it answers 404.
    stripe.store.set(
      'customers',
      customers().filter((x) => x.id !== row.external_id),
    );
    const [account] = await t.service.db.query(`SELECT id FROM crm_record WHERE data->>'name' = 'Account 5'`);
    await crm.upsert('default', 'account', [{ id: account.id, data: { phone: '+4930999999' } }, { data: { name: 'After The Failure' } }]);
    const run = await trigger(configId);
    expect(run).toMatchObject({ status: 'COMPLETED', recordsProcessed: 2, recordsCreated: 1, recordsFailed: 1 });
    expect(run.logs.some((l: any) => l.level === 'warn' && l.message.includes('No such customer'))).toBe(true);
  });

  it('does not echo back what an inbound sync of the same connection wrote, nor re-import its own writes', async () => {
    stripe.seedCustomers(3);
    const res: any = await t.gql('mutation($input: CreateSyncConfigInput!) { createSyncConfig(input: $input) { id } }', {
      input: {
        name: 'Customers in',
        connectionId,
        sourceObject: 'customers',
        targetObject: 'account',
        direction: 'INBOUND',
        frequency: 'manual',
        fieldMappingId: mappingId,
      },
    });
    const inbound = await trigger(res.data.createSyncConfig.id);
    // Every customer is read; only the 3 new ones are written (the rest are this sync's own creations).
    expect(inbound).toMatchObject({ status: 'COMPLETED', recordsProcessed: customers().length, recordsCreated: 3, recordsUpdated: 0 });
    const outbound = await trigger(configId);
    expect(outbound).toMatchObject({ status: 'COMPLETED', recordsProcessed: 3, recordsCreated: 0, recordsUpdated: 0 });
    expect(customers()).toHaveLength(134);
  });

  it('fails the run with a clear error for a mapping that cannot be reversed', async () => {
    const mappingId = await createMapping('one way', [
      { sourceField: 'name', targetField: 'description', transform: { type: 'CONCAT', params: { fields: ['name', 'email'], separator: ' ' } } },
    ]);
    const id = await createConfig('Not invertible', mappingId);
    const run = await trigger(id);
    expect(run.status).toBe('FAILED');
    expect(run.errorDetails).toMatch(/rule 0: CONCAT cannot be reversed/);
  });
});
