import { DataSource } from 'typeorm';
import { migrations } from '../migrations';
import { StripeServer } from './providers/stripe.server';
import { createTestDatabase } from './support/database';
import { startTestService, TestService } from './support/service';
import { TRIGGER, waitForRunEnd } from './support/sync-fixtures';

const RUN = `query($id: ID!) { syncRun(id: $id) { id status recordsProcessed recordsCreated recordsUpdated recordsMatched recordsFailed errorDetails
  logs(first: 20) { level code message } } }`;
const CONNECTION = 'query($id: ID!) { connection(id: $id) { id providerAccountId } }';

/**
 * One identity per provider account (DESIGN.md "Sync identity"): links and derived record ids
 * are keyed on (organization, connector, provider account, object, external id), so a second
 * connection to the same Stripe account, or one that learns its account late, reads the records
 * the first one synced instead of creating them again.
 */
describe('sync identity: one set of records per provider account', () => {
  let t: TestService;
  let stripe: StripeServer;
  let mappingId: string;

  const gql = (q: string, v?: Record<string, unknown>) => t.gql(q, v) as Promise<any>;
  const waitForRun = (id: string) => waitForRunEnd(gql, id, 30_000, RUN);
  const connect = async (name: string): Promise<string> => {
    const res = await gql('mutation($input: CreateConnectionInput!) { createConnection(input: $input) { id } }', {
      input: { connectorKey: 'stripe', name, credentials: { apiKey: stripe.apiKey }, config: { baseUrl: stripe.url } },
    });
    expect(res.errors).toBeUndefined();
    return res.data.createConnection.id;
  };
  const configOn = async (connectionId: string, targetObject: string, fieldMappingId: string | null = null): Promise<string> => {
    const res = await gql('mutation($input: CreateSyncConfigInput!) { createSyncConfig(input: $input) { id } }', {
      input: {
        name: `customers → ${targetObject}`,
        connectionId,
        sourceObject: 'customers',
        targetObject,
        direction: 'INBOUND',
        frequency: 'manual',
        fieldMappingId,
      },
    });
    expect(res.errors).toBeUndefined();
    return res.data.createSyncConfig.id;
  };
  const sync = async (configId: string, mode = 'FULL') => waitForRun((await gql(TRIGGER, { id: configId, mode })).data.triggerSync.id);
  const count = async (sql: string, params: unknown[] = []): Promise<number> => (await t.service.db.query(sql, params))[0].n;
  const crmCount = (object: string) => count(`SELECT count(*)::int AS n FROM crm_record WHERE organization_id = 'default' AND object = $1`, [object]);

  beforeAll(async () => {
    stripe = await new StripeServer().start();
    stripe.seedCustomers(5);
    t = await startTestService({ PROVIDER_RETRY_BASE_DELAY_MS: '5', SYNC_RETRY_BASE_SECONDS: '0' });
    const res = await gql('mutation($input: CreateFieldMappingInput!) { createFieldMapping(input: $input) { id } }', {
      input: {
        name: 'customers → account',
        sourceObject: 'customers',
        targetObject: 'account',
        rules: [
          { sourceField: 'name', targetField: 'name' },
          { sourceField: 'email', targetField: 'email' },
        ],
      },
    });
    expect(res.errors).toBeUndefined();
    mappingId = res.data.createFieldMapping.id;
  });
  afterAll(async () => {
    await t?.stop();
    await stripe?.stop();
  });

  it('a second connection to the same account reads the records the first one synced: nothing is created twice', async () => {
    const first = await connect('Stripe');
    const second = await connect('Stripe again');
    const [a, b] = [(await gql(CONNECTION, { id: first })).data.connection, (await gql(CONNECTION, { id: second })).data.connection];
    expect(a.providerAccountId).toBe(stripe.accountId);
    expect(b.providerAccountId).toBe(stripe.accountId);

    const one = await sync(await configOn(first, 'account', mappingId));
    expect(one).toMatchObject({ status: 'COMPLETED', recordsProcessed: 5, recordsCreated: 5 });
    const two = await sync(await configOn(second, 'account', mappingId));
    expect(two).toMatchObject({ status: 'COMPLETED', recordsProcessed: 5, recordsCreated: 0, recordsFailed: 0 });
    expect(await crmCount('account')).toBe(5);
    // One link per customer and CRM object, whichever connection wrote it last.
    expect(await count(`SELECT count(*)::int AS n FROM external_link WHERE external_object = 'customers' AND internal_object = 'account'`)).toBe(5);
    expect(await count(`SELECT count(DISTINCT account_key)::int AS n FROM external_link WHERE internal_object = 'account'`)).toBe(1);
  });

  it('one customer may be an account and a contact: two CRM objects, two links that do not overwrite each other', async () => {
    const connectionId = await connect('Stripe for contacts');
    const run = await sync(await configOn(connectionId, 'contact'));
    expect(run).toMatchObject({ status: 'COMPLETED', recordsProcessed: 5, recordsCreated: 5 });
    expect(await count(`SELECT count(*)::int AS n FROM external_link WHERE external_object = 'customers'`)).toBe(10);
    expect(await crmCount('account')).toBe(5);
  });

  it('a connection that learns its account late hands its links to the account at the next run', async () => {
    // A connection made while Stripe could not be asked (or before accounts were learned) keeps its links under its own key.
    const late = await connect('Stripe, learned late');
    await t.service.db.query('UPDATE connection SET provider_account_id = NULL WHERE id = $1', [late]);
    stripe.seedCustomers(1);
    const lateConfig = await configOn(late, 'opportunity');
    const own = await sync(lateConfig);
    expect(own).toMatchObject({ status: 'COMPLETED', recordsCreated: 6 });
    expect(await count(`SELECT count(*)::int AS n FROM external_link WHERE account_key = $1`, [`connection:${late}`])).toBe(6);

    // testConnection learns the account; whichever connection of the account syncs next adopts the links.
    const tested = await gql('mutation($id: ID!) { testConnection(id: $id) { ok } }', { id: late });
    expect(tested.data.testConnection.ok).toBe(true);
    expect((await gql(CONNECTION, { id: late })).data.connection.providerAccountId).toBe(stripe.accountId);
    const other = await connect('Stripe, another');
    const again = await sync(await configOn(other, 'opportunity'));
    expect(again).toMatchObject({ status: 'COMPLETED', recordsProcessed: 6, recordsCreated: 0 });
    expect(await count(`SELECT count(*)::int AS n FROM external_link WHERE account_key = $1`, [`connection:${late}`])).toBe(0);
    expect(await count(`SELECT count(*)::int AS n FROM crm_record WHERE object = 'opportunity'`)).toBe(6);
  });
});

describe('migration 1765180000000: existing links take their provider account', () => {
  it('keys each link by its connection’s account, keeping the oldest of two links of one record as the account’s', async () => {
    const database = await createTestDatabase();
    const index = migrations.findIndex((m) => m.name === 'ExternalLinkAccountKey1765180000000');
    const before = new DataSource({ type: 'postgres', url: database.url, migrations: migrations.slice(0, index) });
    const after = new DataSource({ type: 'postgres', url: database.url, migrations });
    try {
      await before.initialize();
      await before.runMigrations({ transaction: 'all' });
      const connection = async (account: string | null): Promise<string> =>
        (
          await before.query(
            `INSERT INTO connection (organization_id, connector_key, name, auth_type, status, provider_account_id)
             VALUES ('org', 'stripe', 'Stripe', 'API_KEY', 'CONNECTED', $1) RETURNING id`,
            [account],
          )
        )[0].id;
      const [a, b, unknown] = [await connection('acct_1'), await connection('acct_1'), await connection(null)];
      const link = (connectionId: string, externalId: string, internalId: string, createdAt: string) =>
        before.query(
          `INSERT INTO external_link (organization_id, connection_id, provider, internal_object, internal_id, external_object, external_id, created_at)
           VALUES ('org', $1, 'stripe', 'account', $2, 'customers', $3, $4)`,
          [connectionId, internalId, externalId, createdAt],
        );
      await link(a, 'cus_1', 'first', '2026-01-01');
      await link(b, 'cus_1', 'second', '2026-02-01');
      await link(b, 'cus_2', 'only', '2026-02-01');
      await link(unknown, 'cus_1', 'unknown', '2026-03-01');
      await before.destroy();

      await after.initialize();
      await after.runMigrations({ transaction: 'all' });
      const rows: { internal_id: string; account_key: string }[] = await after.query('SELECT internal_id, account_key FROM external_link ORDER BY internal_id');
      expect(Object.fromEntries(rows.map((r) => [r.internal_id, r.account_key]))).toEqual({
        first: 'acct_1',
        second: `connection:${b}`,
        only: 'acct_1',
        unknown: `connection:${unknown}`,
      });
      // The account's key is unique per record and CRM object from now on.
      await expect(
        after.query(
          `INSERT INTO external_link (organization_id, connection_id, provider, account_key, internal_object, internal_id, external_object, external_id)
           VALUES ('org', $1, 'stripe', 'acct_1', 'account', 'x', 'customers', 'cus_2')`,
          [a],
        ),
      ).rejects.toThrow(/external_link_record_unique/);
    } finally {
      if (before.isInitialized) await before.destroy();
      if (after.isInitialized) await after.destroy();
      await database.drop();
    }
  });
});
