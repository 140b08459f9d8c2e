import { GatewayCrmStore } from '../src/sync/crm/gateway-crm-store';
import { StripeServer } from './providers/stripe.server';
import { RunningCrmGateway, startCrmGateway } from './support/crm-gateway-subgraphs';
import { startTestService, TestService } from './support/service';
import { TRIGGER, waitForRunEnd } from './support/sync-fixtures';

const RUN = `query($id: ID!) { syncRun(id: $id) { id status recordsProcessed recordsCreated recordsUpdated recordsMatched recordsFailed errorDetails
  logs(first: 50) { level code message externalId } } }`;

/**
 * Match before create through the gateway CRM store: the Sales cloud stand-in already holds the
 * companies and people some Stripe customers are (spelled with other case and spacing); an
 * inbound run links those customers to them instead of creating twins, asking the cloud once per
 * page (accountsMatching / contactsMatching) and excluding accounts linked to another customer
 * with the links in this database.
 */
describe('inbound sync through the gateway store: match before create', () => {
  const TOKEN = 'crm-gateway-match-token';
  let crm: RunningCrmGateway;
  let stripe: StripeServer;
  let t: TestService;
  let sales: GatewayCrmStore;
  const ids: Record<string, string> = {};
  const customers: Record<string, string> = {};

  const gql = (q: string, v?: Record<string, unknown>) => t.gql(q, v) as Promise<any>;
  const trigger = async (id: string, mode?: string) => waitForRunEnd(gql, (await gql(TRIGGER, { id, mode })).data.triggerSync.id, 30_000, RUN);
  const inSales = (object: string) => [...crm.records('default', object).values()];
  const linkOf = async (configId: string, externalId: string): Promise<string | undefined> =>
    (await t.service.db.query('SELECT internal_id FROM external_link WHERE sync_config_id = $1 AND external_id = $2', [configId, externalId]))[0]?.internal_id;
  const connect = async (name: string): Promise<string> => {
    const conn = await gql('mutation($input: CreateConnectionInput!) { createConnection(input: $input) { id } }', {
      input: { connectorKey: 'stripe', name, credentials: { apiKey: stripe.apiKey }, config: { baseUrl: stripe.url } },
    });
    expect(conn.errors).toBeUndefined();
    return conn.data.createConnection.id;
  };
  const inboundConfig = async (connectionId: string, targetObject: string, rules: unknown[], extra: Record<string, unknown> = {}): Promise<string> => {
    const mapping = await gql('mutation($input: CreateFieldMappingInput!) { createFieldMapping(input: $input) { id } }', {
      input: { name: `customers → ${targetObject}`, sourceObject: 'customers', targetObject, rules },
    });
    expect(mapping.errors).toBeUndefined();
    const config = await gql('mutation($input: CreateSyncConfigInput!) { createSyncConfig(input: $input) { id } }', {
      input: {
        name: `Customers → ${targetObject}`,
        connectionId,
        sourceObject: 'customers',
        targetObject,
        direction: 'INBOUND',
        frequency: 'manual',
        fieldMappingId: mapping.data.createFieldMapping.id,
        ...extra,
      },
    });
    expect(config.errors).toBeUndefined();
    return config.data.createSyncConfig.id;
  };

  beforeAll(async () => {
    crm = await startCrmGateway(TOKEN);
    stripe = await new StripeServer().start();
    t = await startTestService({ CRM_GATEWAY_URL: crm.url, CRM_GATEWAY_TOKEN: TOKEN, PROVIDER_RETRY_BASE_DELAY_MS: '5', SYNC_RETRY_BASE_SECONDS: '0' });
    sales = new GatewayCrmStore({ url: crm.url, token: TOKEN });

    // The Sales cloud's own accounts and a contact, spelled otherwise than the customers that are them.
    [ids.acme, ids.dup1, ids.dup2, ids.taken, ids.web] = (
      await sales.upsert('default', 'account', [
        { data: { name: 'Acme GmbH', email: '  ADA@Example.com ', billing_city: 'Paris' } },
        { data: { name: 'Dup One', email: 'DUP@example.com ' } },
        { data: { name: 'Dup Two', email: 'dup@example.com' } },
        { data: { name: 'Taken Ltd', email: 'taken@example.com' } },
        { data: { name: 'Example Org', website: 'example.org' } },
      ])
    ).map((r) => r.id);
    [ids.caller] = (await sales.upsert('default', 'contact', [{ data: { last_name: 'Caller', phone: ' +1 (555) 000-0007 ' } }])).map((r) => r.id);

    // 150 customers first, so the six below are on the first page (Stripe lists newest first) and the second page holds 56.
    stripe.seedCustomers(150);
    customers.acme = stripe.add('customers', { name: '', email: 'ada@example.com  ' }).id as string;
    customers.dup = stripe.add('customers', { name: 'Dup Inc', email: 'dup@EXAMPLE.com' }).id as string;
    customers.taken = stripe.add('customers', { name: 'Taken Again', email: 'Taken@example.com' }).id as string;
    customers.web = stripe.add('customers', { name: 'Example', metadata: { website: 'https://www.Example.org/about' } }).id as string;
    customers.fresh = stripe.add('customers', { name: 'Fresh Co', email: 'fresh@example.com' }).id as string;
  });
  afterAll(async () => {
    await t?.stop();
    await stripe?.stop();
    await crm?.stop();
  });

  it('links customers to the Sales accounts they are, logs the ambiguous one, and asks the cloud once per page', async () => {
    const connectionId = await connect('Stripe');
    const configId = await inboundConfig(connectionId, 'account', [
      { sourceField: 'name', targetField: 'name', transform: { type: 'TRIM' } },
      { sourceField: 'email', targetField: 'email', transform: { type: 'LOWERCASE' } },
      { sourceField: 'address.city', targetField: 'billing_city' },
      { sourceField: 'metadata.website', targetField: 'website' },
    ]);
    // The Sales account 'Taken Ltd' is already linked to another Stripe customer of this account: no candidate.
    await t.service.db.query(
      `INSERT INTO external_link (organization_id, connection_id, provider, account_key, internal_object, internal_id, external_object, external_id, status)
       SELECT 'default', c.id, 'stripe', coalesce(c.provider_account_id, 'connection:' || c.id), 'account', $2, 'customers', 'cus_elsewhere', 'SYNCED'
         FROM connection c WHERE c.id = $1`,
      [connectionId, ids.taken],
    );
    const lookupsBefore = crm.lookups('account');

    const run = await trigger(configId);
    // 155 customers: acme (email) and web (website) match, dup is ambiguous; taken, fresh and the 150 are created.
    expect(run).toMatchObject({ status: 'COMPLETED', recordsProcessed: 155, recordsMatched: 2, recordsCreated: 152, recordsUpdated: 0, recordsFailed: 1 });
    // Two pages of customers, one accountsMatching request each.
    expect(crm.lookups('account') - lookupsBefore).toBe(2);
    const ambiguous = run.logs.filter((l: any) => l.code === 'AMBIGUOUS_MATCH');
    expect(ambiguous).toHaveLength(1);
    expect(ambiguous[0].externalId).toBe(customers.dup);
    expect(ambiguous[0].message).toContain(ids.dup1);
    expect(ambiguous[0].message).toContain(ids.dup2);

    expect(await linkOf(configId, customers.acme)).toBe(ids.acme);
    expect(await linkOf(configId, customers.web)).toBe(ids.web);
    expect(await linkOf(configId, customers.dup)).toBeUndefined();
    const takenLink = await linkOf(configId, customers.taken);
    expect(takenLink).toBeDefined();
    expect(takenLink).not.toBe(ids.taken);

    // 5 accounts were there, 152 created: none for acme, web or dup.
    expect(inSales('account')).toHaveLength(157);
    const acme = crm.records('default', 'account').get(ids.acme)!;
    // The empty external name and the missing city do not clear what Sales has.
    expect(acme).toMatchObject({ name: 'Acme GmbH', billingCity: 'Paris' });
    expect(crm.records('default', 'account').get(ids.web)).toMatchObject({ name: 'Example', website: 'https://www.Example.org/about' });
    expect(
      inSales('account').filter(
        (a) =>
          String(a.email ?? '')
            .trim()
            .toLowerCase() === 'dup@example.com',
      ),
    ).toHaveLength(2);
    expect(inSales('account').filter((a) => a.email === 'taken@example.com')).toHaveLength(2);
    // Nothing went to the built-in store.
    const [{ count }] = await t.service.db.query(`SELECT count(*)::int AS count FROM crm_record`);
    expect(count).toBe(0);

    // Linked now: a second read matches nothing and creates nothing; only dup's page, still unlinked, asks the cloud.
    const again = await trigger(configId, 'FULL');
    expect(again).toMatchObject({ status: 'COMPLETED', recordsProcessed: 155, recordsMatched: 0, recordsCreated: 0, recordsFailed: 1 });
    expect(crm.lookups('account') - lookupsBefore).toBe(3);
    expect(inSales('account')).toHaveLength(157);
  });

  it('matches a contact by phone in E.164, whatever the stored spelling', async () => {
    // A connection of its own: links are kept per (connection, external object, external id).
    const configId = await inboundConfig(
      await connect('Stripe (contacts)'),
      'contact',
      [
        { sourceField: 'name', targetField: 'last_name', transform: { type: 'TRIM' } },
        { sourceField: 'phone', targetField: 'phone' },
      ],
      { matchOn: ['phone'] },
    );
    const lookupsBefore = crm.lookups('contact');
    const run = await trigger(configId);
    expect(run).toMatchObject({ status: 'COMPLETED', recordsProcessed: 155, recordsMatched: 1, recordsCreated: 154, recordsFailed: 0 });
    expect(crm.lookups('contact') - lookupsBefore).toBe(2);
    const customer7 = stripe.store.get('customers')!.find((c: any) => c.email === 'customer7@example.com') as any;
    expect(await linkOf(configId, customer7.id)).toBe(ids.caller);
    expect(crm.records('default', 'contact').get(ids.caller)).toMatchObject({ lastName: 'Customer 7', phone: '+15550000007' });
    expect(inSales('contact')).toHaveLength(155);
  });
});
