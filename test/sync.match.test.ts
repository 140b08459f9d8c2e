import { StripeServer } from './providers/stripe.server';
import { startTestService, TestService } from './support/service';
import { TRIGGER, waitForRunEnd } from './support/sync-fixtures';

const RUN = `query($id: ID!) { syncRun(id: $id) { id status recordsProcessed recordsCreated recordsUpdated recordsMatched recordsFailed errorDetails
  logs(first: 50) { level code message externalId } } }`;
const CREATE_CONFIG = 'mutation($input: CreateSyncConfigInput!) { createSyncConfig(input: $input) { id matchOn } }';
const UPDATE_CONFIG = 'mutation($id: ID!, $input: UpdateSyncConfigInput!) { updateSyncConfig(id: $id, input: $input) { id matchOn } }';

/**
 * Match before create (SyncConfig.matchOn): Stripe customers whose companies and people HotCRM
 * already has (spelled with other case and spacing) are linked to those records, not duplicated.
 */
describe('inbound sync: match before create', () => {
  let t: TestService;
  let stripe: StripeServer;
  let connectionId: string;
  const ids: Record<string, string> = {};
  const customers: Record<string, string> = {};

  const gql = (q: string, v?: Record<string, unknown>) => t.gql(q, v) as Promise<any>;
  const waitForRun = (id: string) => waitForRunEnd(gql, id, 30_000, RUN);
  const seed = async (object: string, data: Record<string, unknown>): Promise<string> =>
    (
      await t.service.db.query(`INSERT INTO crm_record (organization_id, object, data) VALUES ('default', $1, $2::jsonb) RETURNING id`, [
        object,
        JSON.stringify(data),
      ])
    )[0].id;
  const records = async (object: string): Promise<{ id: string; data: any }[]> =>
    t.service.db.query(`SELECT id, data FROM crm_record WHERE organization_id = 'default' AND object = $1 AND deleted_at IS NULL`, [object]);
  const linkOf = async (configId: string, externalId: string): Promise<string | undefined> =>
    (await t.service.db.query('SELECT internal_id FROM external_link WHERE sync_config_id = $1 AND external_id = $2', [configId, externalId]))[0]?.internal_id;
  const mapping = async (targetObject: string, rules: unknown[]): Promise<string> => {
    const res = await gql('mutation($input: CreateFieldMappingInput!) { createFieldMapping(input: $input) { id } }', {
      input: { name: `customers → ${targetObject}`, sourceObject: 'customers', targetObject, rules },
    });
    expect(res.errors).toBeUndefined();
    return res.data.createFieldMapping.id;
  };
  const connect = async (name: string): Promise<string> => {
    const conn = await gql('mutation($input: CreateConnectionInput!) { createConnection(input: $input) { id } }', {
      input: { connectorKey: 'stripe', name, credentials: { apiKey: stripe.apiKey }, config: { baseUrl: stripe.url } },
    });
    expect(conn.errors).toBeUndefined();
    return conn.data.createConnection.id;
  };
  const config = async (targetObject: string, fieldMappingId: string, extra: Record<string, unknown> = {}) =>
    gql(CREATE_CONFIG, {
      input: {
        name: `Customers → ${targetObject}`,
        connectionId,
        sourceObject: 'customers',
        targetObject,
        direction: 'INBOUND',
        frequency: 'manual',
        fieldMappingId,
        ...extra,
      },
    });

  beforeAll(async () => {
    stripe = await new StripeServer().start();
    t = await startTestService({ PROVIDER_RETRY_BASE_DELAY_MS: '5', SYNC_RETRY_BASE_SECONDS: '0' });
    connectionId = await connect('Stripe');

    // HotCRM's own records, spelled otherwise than the customers that are the same companies and people.
    ids.acme = await seed('account', { name: 'Acme GmbH', email: '  ADA@Example.com ', billing_city: 'Paris' });
    ids.dup1 = await seed('account', { name: 'Dup One', email: 'DUP@example.com ' });
    ids.dup2 = await seed('account', { name: 'Dup Two', email: 'dup@example.com' });
    ids.taken = await seed('account', { name: 'Taken Ltd', email: 'taken@example.com' });
    ids.web = await seed('account', { name: 'Example Org', website: 'example.org' });
    ids.grace = await seed('contact', { last_name: 'Hopper', email: ' Grace@Example.COM' });
    // Already linked to another Stripe customer of this account: no candidate.
    await t.service.db.query(
      `INSERT INTO external_link (organization_id, connection_id, provider, account_key, internal_object, internal_id, external_object, external_id, status)
       SELECT 'default', c.id, 'stripe', coalesce(c.provider_account_id, 'connection:' || c.id), 'account', $2, 'customers', 'cus_elsewhere', 'SYNCED'
         FROM connection c WHERE c.id = $1`,
      [connectionId, ids.taken],
    );

    customers.acme = stripe.add('customers', { name: '', email: 'ada@example.com  ' }).id as string;
    customers.dup = stripe.add('customers', { name: 'Dup Inc', email: 'dup@EXAMPLE.com' }).id as string;
    customers.taken = stripe.add('customers', { name: 'Taken Again', email: 'Taken@example.com' }).id as string;
    customers.web = stripe.add('customers', { name: 'Example', metadata: { website: 'https://www.Example.org/about' } }).id as string;
    customers.grace = stripe.add('customers', { name: 'Grace Hopper', email: 'grace@example.com' }).id as string;
    customers.fresh = stripe.add('customers', { name: 'Fresh Co', email: 'fresh@example.com' }).id as string;
  });
  afterAll(async () => {
    await t?.stop();
    await stripe?.stop();
  });

  it('shows the default matchOn of the target object and validates matchOn against its fields', async () => {
    const accountMapping = await mapping('account', [
      { sourceField: 'name', targetField: 'name', transform: { type: 'TRIM' } },
      { sourceField: 'email', targetField: 'email', transform: { type: 'LOWERCASE' } },
      { sourceField: 'address.city', targetField: 'billing_city' },
      { sourceField: 'metadata.website', targetField: 'website' },
    ]);
    const bad = await config('account', accountMapping, { matchOn: ['email', 'shoe_size'] });
    expect(bad.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'matchOn' });
    const created = await config('account', accountMapping);
    expect(created.errors).toBeUndefined();
    expect(created.data.createSyncConfig.matchOn).toEqual(['email', 'website']);
    const id = created.data.createSyncConfig.id;
    ids.accountConfig = id;

    const narrowed = await gql(UPDATE_CONFIG, { id, input: { matchOn: ['name'] } });
    expect(narrowed.data.updateSyncConfig.matchOn).toEqual(['name']);
    const refused = await gql(UPDATE_CONFIG, { id, input: { matchOn: ['id'] } });
    expect(refused.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'matchOn' });
    const reset = await gql(UPDATE_CONFIG, { id, input: { matchOn: null } });
    expect(reset.data.updateSyncConfig.matchOn).toEqual(['email', 'website']);
    const [{ match_on }] = await t.service.db.query('SELECT match_on FROM sync_config WHERE id = $1', [id]);
    expect(match_on).toBeNull();
  });

  it('links customers to the accounts HotCRM has, logs the ambiguous one and creates the rest', async () => {
    const configId = ids.accountConfig;
    const run = await waitForRun((await gql(TRIGGER, { id: configId })).data.triggerSync.id);
    // acme (email) and web (website) match; dup is ambiguous; taken's account is linked elsewhere; fresh is new.
    expect(run).toMatchObject({ status: 'COMPLETED', recordsProcessed: 6, recordsMatched: 2, recordsCreated: 3, recordsUpdated: 0, recordsFailed: 1 });
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

    const accounts = await records('account');
    // 5 accounts seeded, 3 created (a twin for taken, accounts for grace and fresh): none for acme, web or dup.
    expect(accounts).toHaveLength(8);
    const acme = accounts.find((a) => a.id === ids.acme)!;
    // The empty external name and the missing city do not clear what HotCRM has.
    expect(acme.data).toMatchObject({ name: 'Acme GmbH', billing_city: 'Paris' });
    expect(acme.data.email.trim()).toBe('ada@example.com');
    expect(accounts.find((a) => a.id === ids.web)!.data).toMatchObject({ name: 'Example', website: 'https://www.Example.org/about' });
    expect(accounts.filter((a) => a.data.email?.trim().toLowerCase() === 'dup@example.com')).toHaveLength(2);

    // Linked now: a second read matches nothing again and creates nothing; the duplicate still waits for a person.
    const again = await waitForRun((await gql(TRIGGER, { id: configId, mode: 'FULL' })).data.triggerSync.id);
    expect(again).toMatchObject({ status: 'COMPLETED', recordsMatched: 0, recordsCreated: 0, recordsFailed: 1 });
    expect(await records('account')).toHaveLength(8);

    // An edit in Stripe after the match updates the matched account, through its link: never a new one.
    stripe.update('customers', customers.acme, { name: 'Acme Renamed' });
    const edited = await waitForRun((await gql(TRIGGER, { id: configId, mode: 'INCREMENTAL' })).data.triggerSync.id);
    expect(edited).toMatchObject({ status: 'COMPLETED', recordsCreated: 0, recordsUpdated: 1 });
    const afterEdit = await records('account');
    expect(afterEdit).toHaveLength(8);
    expect(afterEdit.find((a) => a.id === ids.acme)!.data.name).toBe('Acme Renamed');
    expect(await linkOf(configId, customers.acme)).toBe(ids.acme);
  });

  it('matches contacts by email, with the default matchOn of contact', async () => {
    const contactMapping = await mapping('contact', [
      { sourceField: 'name', targetField: 'last_name', transform: { type: 'TRIM' } },
      { sourceField: 'email', targetField: 'email' },
    ]);
    // A connection of its own: links are kept per (connection, external object, external id), so
    // one connection's customers link to one CRM object.
    const created = await config('contact', contactMapping, { connectionId: await connect('Stripe (contacts)') });
    expect(created.data.createSyncConfig.matchOn).toEqual(['email']);
    const configId = created.data.createSyncConfig.id;
    const before = (await records('contact')).length;
    const run = await waitForRun((await gql(TRIGGER, { id: configId })).data.triggerSync.id);
    expect(run).toMatchObject({ status: 'COMPLETED', recordsProcessed: 6, recordsMatched: 1, recordsCreated: 5, recordsFailed: 0 });
    expect(await linkOf(configId, customers.grace)).toBe(ids.grace);
    expect(await records('contact')).toHaveLength(before + 5);
    const grace = (await records('contact')).find((c) => c.id === ids.grace)!;
    expect(grace.data).toMatchObject({ last_name: 'Grace Hopper', email: 'grace@example.com' });
  });
});
