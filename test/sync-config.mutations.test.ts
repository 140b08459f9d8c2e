import { seed } from './support/seed';
import { gatewayToken, startTestService, TestService } from './support/service';

const CREATE = `mutation($input: CreateSyncConfigInput!) { createSyncConfig(input: $input) {
  id name sourceObject targetObject direction frequency conflictResolution isActive nextSyncAt connection { id } fieldMapping { id } } }`;
const UPDATE = `mutation($id: ID!, $input: UpdateSyncConfigInput!) { updateSyncConfig(id: $id, input: $input) {
  id name direction frequency conflictResolution isActive nextSyncAt fieldMapping { id } } }`;
const READ = `query($id: ID!) { syncConfig(id: $id) {
  id name connection { id } fieldMapping { id } nextSyncAt frequency direction conflictResolution isActive } }`;
const DELETE = 'mutation($id: ID!) { deleteSyncConfig(id: $id) }';

const rules = (...pairs: [string, string][]) => JSON.stringify(pairs.map(([sourceField, targetField]) => ({ sourceField, targetField })));
const minutesFromNow = (iso: string) => (new Date(iso).getTime() - Date.now()) / 60_000;

/** create/update/deleteSyncConfig through GraphQL: what is stored, what is refused, who may. */
describe('sync config mutations', () => {
  let t: TestService;
  const ids: Record<string, string> = {};
  const countConfigs = async () => Number((await t.service.db.query('SELECT count(*) AS n FROM sync_config'))[0].n);
  const valid = () => ({
    name: 'Stripe customers',
    connectionId: ids.connection,
    sourceObject: 'customers',
    targetObject: 'account',
    direction: 'INBOUND',
    frequency: 'every 15m',
  });

  beforeAll(async () => {
    t = await startTestService();
    const db = t.service.db;
    // No provider call is made to create an API-key connection.
    const created: any = await t.gql('mutation($input: CreateConnectionInput!) { createConnection(input: $input) { id } }', {
      input: { connectorKey: 'stripe', name: 'Stripe', credentials: { apiKey: 'sk_test_4eC39HqLyjWDarjtT1zdp7dc' } },
    });
    expect(created.errors).toBeUndefined();
    ids.connection = created.data.createConnection.id;
    // Mappings by SQL: their mutations are written elsewhere. Dotted (address.city) and rooted
    // (metadata.tier) source paths are both known to Stripe's customers object.
    ids.mapping = await seed.fieldMapping(db, 'default', { rules: rules(['name', 'name'], ['address.city', 'billing_city'], ['metadata.tier', 'type']) });
    ids.otherMapping = await seed.fieldMapping(db, 'default', { rules: rules(['email', 'email']) });
    ids.invoiceMapping = await seed.fieldMapping(db, 'default', {
      source_object: 'invoices',
      target_object: 'invoice',
      rules: rules(['number', 'invoice_number']),
    });
    ids.badSourceField = await seed.fieldMapping(db, 'default', { rules: rules(['nickname', 'name']) });
    ids.badTargetField = await seed.fieldMapping(db, 'default', { rules: rules(['name', 'nickname']) });
    ids.foreignMapping = await seed.fieldMapping(db, 'acme', {});
    ids.foreignConnection = await seed.connection(db, 'acme');
  });
  afterAll(() => t.stop());

  it('creates a config with defaults and reads it back', async () => {
    const res: any = await t.gql(CREATE, { input: { ...valid(), fieldMappingId: ids.mapping } });
    expect(res.errors).toBeUndefined();
    const config = res.data.createSyncConfig;
    expect(config).toMatchObject({
      name: 'Stripe customers',
      sourceObject: 'customers',
      targetObject: 'account',
      direction: 'INBOUND',
      frequency: 'every 15m',
      conflictResolution: 'LAST_WRITE_WINS',
      isActive: true,
      connection: { id: ids.connection },
      fieldMapping: { id: ids.mapping },
    });
    expect(minutesFromNow(config.nextSyncAt)).toBeGreaterThan(14);
    expect(minutesFromNow(config.nextSyncAt)).toBeLessThanOrEqual(15);
    const read: any = await t.gql(READ, { id: config.id });
    expect(read.data.syncConfig).toEqual({
      id: config.id,
      name: 'Stripe customers',
      connection: { id: ids.connection },
      fieldMapping: { id: ids.mapping },
      nextSyncAt: config.nextSyncAt,
      frequency: 'every 15m',
      direction: 'INBOUND',
      conflictResolution: 'LAST_WRITE_WINS',
      isActive: true,
    });
  });

  it('stores no next run for manual or paused configs, and takes the explicit options', async () => {
    const manual: any = await t.gql(CREATE, { input: { ...valid(), frequency: 'manual' } });
    expect(manual.data.createSyncConfig).toMatchObject({ nextSyncAt: null, isActive: true, fieldMapping: null });
    const paused: any = await t.gql(CREATE, {
      input: { ...valid(), direction: 'BIDIRECTIONAL', frequency: '0 3 * * *', conflictResolution: 'MANUAL', isActive: false },
    });
    expect(paused.data.createSyncConfig).toMatchObject({
      direction: 'BIDIRECTIONAL',
      frequency: '0 3 * * *',
      conflictResolution: 'MANUAL',
      isActive: false,
      nextSyncAt: null,
    });
  });

  it('moves nextSyncAt with the frequency, clears it when paused, and sets it again on resume', async () => {
    const created: any = await t.gql(CREATE, { input: valid() });
    const { id } = created.data.createSyncConfig;
    const daily: any = await t.gql(UPDATE, { id, input: { frequency: 'daily', name: 'Nightly', conflictResolution: 'SOURCE_WINS' } });
    expect(daily.errors).toBeUndefined();
    const nextMidnight = new Date(Math.floor(Date.now() / 86_400_000) * 86_400_000 + 86_400_000).toISOString();
    expect(daily.data.updateSyncConfig).toMatchObject({ name: 'Nightly', frequency: 'daily', conflictResolution: 'SOURCE_WINS', nextSyncAt: nextMidnight });
    const renamed: any = await t.gql(UPDATE, { id, input: { name: 'Nightly customers', direction: 'OUTBOUND' } });
    expect(renamed.data.updateSyncConfig).toMatchObject({ name: 'Nightly customers', direction: 'OUTBOUND', nextSyncAt: nextMidnight });
    const paused: any = await t.gql(UPDATE, { id, input: { isActive: false } });
    expect(paused.data.updateSyncConfig).toMatchObject({ isActive: false, nextSyncAt: null });
    const resumed: any = await t.gql(UPDATE, { id, input: { isActive: true, frequency: 'every 2h' } });
    expect(minutesFromNow(resumed.data.updateSyncConfig.nextSyncAt)).toBeGreaterThan(119);
    const withMapping: any = await t.gql(UPDATE, { id, input: { fieldMappingId: ids.otherMapping } });
    expect(withMapping.data.updateSyncConfig.fieldMapping).toEqual({ id: ids.otherMapping });
    const detached: any = await t.gql(UPDATE, { id, input: { fieldMappingId: null } });
    expect(detached.data.updateSyncConfig.fieldMapping).toBeNull();
  });

  it('deletes a config', async () => {
    const created: any = await t.gql(CREATE, { input: valid() });
    const { id } = created.data.createSyncConfig;
    expect((await t.gql(DELETE, { id })).data).toEqual({ deleteSyncConfig: true });
    expect((await t.gql(READ, { id })).errors?.[0].extensions?.code).toBe('NOT_FOUND');
    expect((await t.gql(DELETE, { id })).errors?.[0].extensions?.code).toBe('NOT_FOUND');
  });

  describe('refuses bad input with the field, storing nothing', () => {
    const cases: [string, () => Record<string, unknown>, string][] = [
      ['an empty name', () => ({ name: '  ' }), 'name'],
      ['an unknown connection', () => ({ connectionId: '00000000-0000-4000-8000-000000000000' }), 'connectionId'],
      ['a connection id that is not a UUID', () => ({ connectionId: 'conn-1' }), 'connectionId'],
      ["another organization's connection", () => ({ connectionId: ids.foreignConnection }), 'connectionId'],
      ['an object the connector does not have', () => ({ sourceObject: 'widgets' }), 'sourceObject'],
      ['a target that is not a HotCRM object', () => ({ targetObject: 'task' }), 'targetObject'],
      ['OUTBOUND on a read-only object', () => ({ sourceObject: 'invoices', targetObject: 'invoice', direction: 'OUTBOUND' }), 'direction'],
      ['BIDIRECTIONAL on a read-only object', () => ({ sourceObject: 'charges', direction: 'BIDIRECTIONAL' }), 'direction'],
      ['an invalid frequency', () => ({ frequency: 'sometimes' }), 'frequency'],
      ['an out-of-range interval', () => ({ frequency: 'every 0m' }), 'frequency'],
      ['an invalid cron range', () => ({ frequency: '61 * * * *' }), 'frequency'],
      ['a 6-field cron', () => ({ frequency: '0 0 * * * *' }), 'frequency'],
      ['an unknown mapping', () => ({ fieldMappingId: '00000000-0000-4000-8000-000000000000' }), 'fieldMappingId'],
      ["another organization's mapping", () => ({ fieldMappingId: ids.foreignMapping }), 'fieldMappingId'],
      ['a mapping for other objects', () => ({ fieldMappingId: ids.invoiceMapping }), 'fieldMappingId'],
      ['a mapping from an unknown source field', () => ({ fieldMappingId: ids.badSourceField }), 'fieldMappingId'],
      ['a mapping to an unknown CRM field', () => ({ fieldMappingId: ids.badTargetField }), 'fieldMappingId'],
    ];

    it.each(cases)('%s', async (_name, patch, field) => {
      const before = await countConfigs();
      const res: any = await t.gql(CREATE, { input: { ...valid(), ...patch() } });
      expect(res.data).toBeNull();
      expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
      expect(await countConfigs()).toBe(before);
    });

    it('on update too, leaving the stored config as it was', async () => {
      const created: any = await t.gql(CREATE, { input: { ...valid(), sourceObject: 'invoices', targetObject: 'invoice' } });
      const { id } = created.data.createSyncConfig;
      const before: any = await t.gql(READ, { id });
      const refusals: [Record<string, unknown>, string][] = [
        [{ name: '' }, 'name'],
        [{ direction: 'OUTBOUND' }, 'direction'],
        [{ frequency: 'every 5d' }, 'frequency'],
        [{ frequency: '* * * *', isActive: false }, 'frequency'],
        [{ fieldMappingId: ids.mapping }, 'fieldMappingId'],
      ];
      for (const [input, field] of refusals) {
        const res: any = await t.gql(UPDATE, { id, input });
        expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
      }
      expect(await t.gql(READ, { id })).toEqual(before);
    });
  });

  it("answers NOT_FOUND for another organization's config", async () => {
    const foreign = await seed.syncConfig(t.service.db, 'acme', ids.foreignConnection);
    for (const res of [await t.gql(UPDATE, { id: foreign, input: { name: 'mine now' } }), await t.gql(DELETE, { id: foreign })]) {
      expect(res.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    }
    const [row] = await t.service.db.query('SELECT name FROM sync_config WHERE id = $1', [foreign]);
    expect(row.name).toBe('Customers');
  });

  it('is FORBIDDEN without write:sync', async () => {
    const reader = await gatewayToken('default', ['read:*']);
    const created: any = await t.gql(CREATE, { input: valid() });
    const { id } = created.data.createSyncConfig;
    const before = await countConfigs();
    for (const res of [
      await t.gql(CREATE, { input: valid() }, reader),
      await t.gql(UPDATE, { id, input: { isActive: false } }, reader),
      await t.gql(DELETE, { id }, reader),
    ]) {
      expect(res.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    }
    expect(await countConfigs()).toBe(before);
    expect((await t.gql(READ, { id })).data?.syncConfig.isActive).toBe(true);
  });
});
