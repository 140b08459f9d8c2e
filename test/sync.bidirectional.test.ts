import { BuiltInCrmStore } from '../src/sync/crm/built-in-crm-store';
import { StripeServer } from './providers/stripe.server';
import { gatewayToken, startTestService, TestService } from './support/service';
import { waitForRunEnd } from './support/sync-fixtures';

const RUN = `query($id: ID!) { syncRun(id: $id) { id status mode recordsProcessed recordsCreated recordsUpdated recordsFailed conflicts errorDetails
  syncConfig { cursor } logs { level message } } }`;
const TRIGGER = 'mutation($id: ID!, $mode: SyncMode) { triggerSync(id: $id, mode: $mode) { id status } }';
const CONFLICTS = `query($id: ID, $status: SyncConflictStatus) { syncConflicts(syncConfigId: $id, status: $status) { totalCount
  edges { node { id externalId internalId field baseValue sourceValue targetValue status resolvedValue resolvedAt syncConfig { id } } } } }`;
const RESOLVE = `mutation($id: ID!, $choice: ConflictChoice!, $value: JSON) {
  resolveSyncConflict(id: $id, choice: $choice, value: $value) { id status field resolvedValue resolvedAt } }`;

/**
 * Bidirectional sync end to end between a local Stripe server and the built-in CRM store: the
 * per-field three-way compare, each conflict strategy, MANUAL conflicts and their resolution.
 */
describe('bidirectional sync: Stripe customers ↔ accounts', () => {
  let t: TestService;
  let stripe: StripeServer;
  let crm: BuiltInCrmStore;
  let configId: string;

  const waitForRun = (id: string, ms = 20_000) => waitForRunEnd((q, v) => t.gql(q, v), id, ms, RUN);
  const trigger = async (mode?: string) => waitForRun(((await t.gql(TRIGGER, { id: configId, mode })) as any).data.triggerSync.id);
  const strategy = async (conflictResolution: string) => {
    const res: any = await t.gql('mutation($id: ID!, $input: UpdateSyncConfigInput!) { updateSyncConfig(id: $id, input: $input) { conflictResolution } }', {
      id: configId,
      input: { conflictResolution },
    });
    expect(res.errors).toBeUndefined();
  };
  const customer = (email: string) => (stripe.store.get('customers')! as any[]).find((c) => c.email === email);
  /** The account linked to a Stripe customer. */
  const account = async (email: string) => {
    const [row] = await t.service.db.query(
      `SELECT r.id, r.data FROM external_link l JOIN crm_record r ON r.id::text = l.internal_id WHERE l.external_id = $1 AND r.deleted_at IS NULL`,
      [customer(email).id],
    );
    return row as { id: string; data: any };
  };
  const accountEvents = async (): Promise<any[]> => {
    const res: any = await t.gql('{ integrationEvents(type: "account.*", first: 100) { edges { node { type recordId data } } } }');
    return res.data.integrationEvents.edges.map((e: any) => e.node);
  };
  const editAccount = async (email: string, data: Record<string, unknown>) => crm.upsert('default', 'account', [{ id: (await account(email)).id, data }]);

  beforeAll(async () => {
    stripe = await new StripeServer().start();
    stripe.seedCustomers(8);
    t = await startTestService({ PROVIDER_RETRY_BASE_DELAY_MS: '5' });
    crm = new BuiltInCrmStore(t.service.db);
    await crm.upsert('default', 'account', [
      { data: { name: 'Only In HotCRM 1', email: 'crm1@example.com', phone: '+4940000001', billing_city: 'Hamburg', billing_country: 'DE' } },
      { data: { name: 'Only In HotCRM 2', email: 'crm2@example.com', phone: '+4940000002', billing_city: 'Hamburg', billing_country: 'DE' } },
    ]);
    const conn: any = await t.gql('mutation($input: CreateConnectionInput!) { createConnection(input: $input) { id } }', {
      input: { connectorKey: 'stripe', name: 'Stripe', credentials: { apiKey: stripe.apiKey }, config: { baseUrl: stripe.url } },
    });
    const mapping: any = await t.gql('mutation($input: CreateFieldMappingInput!) { createFieldMapping(input: $input) { id } }', {
      input: {
        name: 'Stripe customer ↔ account',
        sourceObject: 'customers',
        targetObject: 'account',
        rules: [
          { sourceField: 'name', targetField: 'name', transform: { type: 'TRIM' } },
          { sourceField: 'email', targetField: 'email', transform: { type: 'LOWERCASE' } },
          { sourceField: 'phone', targetField: 'phone' },
          { sourceField: 'address.city', targetField: 'billing_city' },
          { sourceField: 'address.country', targetField: 'billing_country' },
        ],
      },
    });
    const config: any = await t.gql('mutation($input: CreateSyncConfigInput!) { createSyncConfig(input: $input) { id } }', {
      input: {
        name: 'Customers both ways',
        connectionId: conn.data.createConnection.id,
        sourceObject: 'customers',
        targetObject: 'account',
        direction: 'BIDIRECTIONAL',
        frequency: 'manual',
        conflictResolution: 'SOURCE_WINS',
        fieldMappingId: mapping.data.createFieldMapping.id,
      },
    });
    expect(config.errors).toBeUndefined();
    configId = config.data.createSyncConfig.id;
  });
  afterAll(async () => {
    await t.stop();
    await stripe.stop();
  });

  it('first run: new customers become accounts, new accounts become customers', async () => {
    const run = await trigger();
    // 8 customers read, then 10 CRM changes (the 8 just written are not merged again, 2 are created in Stripe).
    expect(run).toMatchObject({
      status: 'COMPLETED',
      mode: 'FULL',
      recordsProcessed: 18,
      recordsCreated: 10,
      recordsUpdated: 0,
      recordsFailed: 0,
      conflicts: 0,
    });
    expect(run.syncConfig.cursor).toEqual({ inbound: expect.any(Number), outbound: { at: expect.any(String), id: expect.any(String) } });
    expect(stripe.store.get('customers')).toHaveLength(10);
    expect(customer('crm1@example.com')).toMatchObject({ name: 'Only In HotCRM 1', phone: '+4940000001', address: { city: 'Hamburg', country: 'DE' } });
    expect((await account('customer3@example.com')).data).toMatchObject({ name: 'Customer 3', billing_city: 'Berlin' });

    // The 8 accounts created from Stripe are account.created events (the 2 created in Stripe changed no CRM record).
    const created = await accountEvents();
    expect(created).toHaveLength(8);
    expect(created.every((e) => e.type === 'account.created' && e.data.sync.syncRunId === run.id)).toBe(true);
    const third = await account('customer3@example.com');
    expect(created.find((e) => e.recordId === third.id)!.data).toMatchObject({ id: third.id, name: 'Customer 3', billing_city: 'Berlin' });

    // Nothing changed: nothing written, and the outbound creations are not echoed back.
    const again = await trigger('FULL');
    expect(again).toMatchObject({ status: 'COMPLETED', recordsProcessed: 20, recordsCreated: 0, recordsUpdated: 0, conflicts: 0 });
    expect(await accountEvents()).toHaveLength(8);
  });

  it('merges changes to different fields on each side', async () => {
    customer('customer0@example.com').name = 'Customer 0 (Stripe edit)';
    await editAccount('customer0@example.com', { phone: '+4930123456' });
    const run = await trigger('FULL');
    expect(run).toMatchObject({ status: 'COMPLETED', recordsUpdated: 1, conflicts: 0, recordsFailed: 0 });
    expect(customer('customer0@example.com')).toMatchObject({
      name: 'Customer 0 (Stripe edit)',
      phone: '+4930123456',
      address: { city: 'Berlin', country: 'DE' },
    });
    expect((await account('customer0@example.com')).data).toMatchObject({ name: 'Customer 0 (Stripe edit)', phone: '+4930123456' });
    // HotCRM's account took Stripe's name: one account.updated, naming that field.
    const updated = (await accountEvents()).filter((e) => e.type === 'account.updated');
    expect(updated).toHaveLength(1);
    expect(updated[0]).toMatchObject({
      recordId: (await account('customer0@example.com')).id,
      data: { name: 'Customer 0 (Stripe edit)', changedFields: ['name'] },
    });
  });

  /** The same field changed on both sides, settled by `strategy`; returns the run. */
  const bothEdit = async (email: string, strategyName: string, mode = 'FULL') => {
    await strategy(strategyName);
    customer(email).name = `${email} in Stripe`;
    await editAccount(email, { name: `${email} in HotCRM` });
    return trigger(mode);
  };

  it('SOURCE_WINS keeps the Stripe value on both sides', async () => {
    const run = await bothEdit('customer1@example.com', 'SOURCE_WINS');
    expect(run).toMatchObject({ status: 'COMPLETED', conflicts: 1, recordsUpdated: 1 });
    expect(customer('customer1@example.com').name).toBe('customer1@example.com in Stripe');
    expect((await account('customer1@example.com')).data.name).toBe('customer1@example.com in Stripe');
  });

  it('TARGET_WINS keeps the HotCRM value on both sides', async () => {
    const run = await bothEdit('customer2@example.com', 'TARGET_WINS');
    expect(run).toMatchObject({ status: 'COMPLETED', conflicts: 1, recordsUpdated: 1 });
    expect(customer('customer2@example.com').name).toBe('customer2@example.com in HotCRM');
    expect((await account('customer2@example.com')).data.name).toBe('customer2@example.com in HotCRM');
  });

  it('TARGET_WINS also settles a conflict found from the HotCRM side in an incremental run', async () => {
    // The stand-in records no event for an edit made to its store directly, so the incremental read (Stripe's events) does not
    // show it: the run sees it when it reads the changed account's customer. The read does list the previous run's write to
    // customer2 (unchanged against its link, so processed and skipped).
    const run = await bothEdit('customer6@example.com', 'TARGET_WINS', 'INCREMENTAL');
    expect(run).toMatchObject({ status: 'COMPLETED', mode: 'INCREMENTAL', recordsProcessed: 2, conflicts: 1, recordsUpdated: 1 });
    expect(customer('customer6@example.com').name).toBe('customer6@example.com in HotCRM');
  });

  it('LAST_WRITE_WINS: Stripe customers carry no modification time, so the edit seen at the run start wins over an earlier HotCRM edit', async () => {
    const run = await bothEdit('customer3@example.com', 'LAST_WRITE_WINS');
    expect(run).toMatchObject({ status: 'COMPLETED', conflicts: 1 });
    expect((await account('customer3@example.com')).data.name).toBe('customer3@example.com in Stripe');
    expect(customer('customer3@example.com').name).toBe('customer3@example.com in Stripe');

    // A record that does say when it changed (an older `updated`) loses to the newer HotCRM edit.
    customer('customer4@example.com').updated = Math.floor(Date.now() / 1000) - 3600;
    await bothEdit('customer4@example.com', 'LAST_WRITE_WINS');
    expect((await account('customer4@example.com')).data.name).toBe('customer4@example.com in HotCRM');
    expect(customer('customer4@example.com').name).toBe('customer4@example.com in HotCRM');
  });

  it('MANUAL holds the field as an OPEN conflict while the other fields proceed, and resolveSyncConflict writes both sides', async () => {
    await strategy('MANUAL');
    for (const i of [5, 7]) {
      customer(`customer${i}@example.com`).name = `Stripe name ${i}`;
      await editAccount(`customer${i}@example.com`, { name: `HotCRM name ${i}` });
    }
    customer('crm1@example.com').name = 'Stripe name crm1';
    await editAccount('crm1@example.com', { name: 'HotCRM name crm1' });
    // other fields of the same record: a HotCRM phone edit and a Stripe city edit
    await editAccount('customer5@example.com', { phone: '+4930555555' });
    customer('customer5@example.com').address = { city: 'Munich', country: 'DE' };

    const run = await trigger('FULL');
    expect(run).toMatchObject({ status: 'COMPLETED', conflicts: 3, recordsFailed: 0 });
    const c5 = customer('customer5@example.com');
    expect(c5).toMatchObject({ name: 'Stripe name 5', phone: '+4930555555', address: { city: 'Munich', country: 'DE' } });
    const a5 = await account('customer5@example.com');
    expect(a5.data).toMatchObject({ name: 'HotCRM name 5', phone: '+4930555555', billing_city: 'Munich' });

    const open: any = await t.gql(CONFLICTS, { id: configId, status: 'OPEN' });
    expect(open.data.syncConflicts.totalCount).toBe(3);
    const byExternal = new Map(open.data.syncConflicts.edges.map((e: any) => [e.node.externalId, e.node]));
    const conflict5: any = byExternal.get(c5.id);
    expect(conflict5).toMatchObject({
      internalId: a5.id,
      field: 'name',
      baseValue: 'Customer 5',
      sourceValue: 'Stripe name 5',
      targetValue: 'HotCRM name 5',
      status: 'OPEN',
      resolvedValue: null,
      resolvedAt: null,
      syncConfig: { id: configId },
    });
    const [link] = await t.service.db.query('SELECT status FROM external_link WHERE external_id = $1', [c5.id]);
    expect(link.status).toBe('CONFLICT');

    // Still unresolved on the next run: the same rows, refreshed, not copies.
    const rerun = await trigger('FULL');
    expect(rerun).toMatchObject({ status: 'COMPLETED', conflicts: 3, recordsUpdated: 0 });
    expect(((await t.gql(CONFLICTS, { id: configId })) as any).data.syncConflicts.totalCount).toBe(3);

    const missing: any = await t.gql(RESOLVE, { id: conflict5.id, choice: 'CUSTOM' });
    expect(missing.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'value' });

    const kept: any = await t.gql(RESOLVE, { id: conflict5.id, choice: 'KEEP_SOURCE' });
    expect(kept.errors).toBeUndefined();
    expect(kept.data.resolveSyncConflict).toMatchObject({ status: 'RESOLVED', field: 'name', resolvedValue: 'Stripe name 5', resolvedAt: expect.any(String) });
    expect(customer('customer5@example.com').name).toBe('Stripe name 5');
    expect((await account('customer5@example.com')).data.name).toBe('Stripe name 5');
    const [resolvedLink] = await t.service.db.query('SELECT status, last_synced_data FROM external_link WHERE external_id = $1', [c5.id]);
    expect(resolvedLink).toMatchObject({ status: 'SYNCED', last_synced_data: { name: 'Stripe name 5' } });

    const c7 = customer('customer7@example.com');
    const target: any = await t.gql(RESOLVE, { id: (byExternal.get(c7.id) as any).id, choice: 'KEEP_TARGET' });
    expect(target.data.resolveSyncConflict.resolvedValue).toBe('HotCRM name 7');
    expect(customer('customer7@example.com').name).toBe('HotCRM name 7');
    expect((await account('customer7@example.com')).data.name).toBe('HotCRM name 7');

    const crm1 = customer('crm1@example.com');
    const custom: any = await t.gql(RESOLVE, { id: (byExternal.get(crm1.id) as any).id, choice: 'CUSTOM', value: 'Agreed Name' });
    expect(custom.data.resolveSyncConflict.resolvedValue).toBe('Agreed Name');
    expect(customer('crm1@example.com').name).toBe('Agreed Name');
    expect((await account('crm1@example.com')).data.name).toBe('Agreed Name');

    const twice: any = await t.gql(RESOLVE, { id: conflict5.id, choice: 'KEEP_TARGET' });
    expect(twice.errors[0].extensions.code).toBe('CONFLICT');
    const unknown: any = await t.gql(RESOLVE, { id: '00000000-0000-4000-8000-000000000000', choice: 'KEEP_TARGET' });
    expect(unknown.errors[0].extensions.code).toBe('NOT_FOUND');

    expect(((await t.gql(CONFLICTS, { id: configId, status: 'OPEN' })) as any).data.syncConflicts.totalCount).toBe(0);
    expect(((await t.gql(CONFLICTS, { id: configId, status: 'RESOLVED' })) as any).data.syncConflicts.totalCount).toBe(3);

    // Both sides now agree: the next run finds nothing to do.
    const settled = await trigger('FULL');
    expect(settled).toMatchObject({ status: 'COMPLETED', conflicts: 0, recordsCreated: 0, recordsUpdated: 0 });
  });

  it('needs write:sync, and sees only its own organization’s conflicts', async () => {
    const readOnly = await gatewayToken('default', ['read:sync']);
    const res = await t.gql(RESOLVE, { id: '00000000-0000-4000-8000-000000000000', choice: 'KEEP_TARGET' }, readOnly);
    expect(res.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const other = await gatewayToken('other-org', ['write:sync', 'read:sync']);
    const open: any = await t.gql(CONFLICTS, { id: configId, status: 'RESOLVED' });
    const foreign = await t.gql(RESOLVE, { id: open.data.syncConflicts.edges[0].node.id, choice: 'KEEP_TARGET' }, other);
    expect(foreign.errors?.[0].extensions?.code).toBe('NOT_FOUND');
  });
});
