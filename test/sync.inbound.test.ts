import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { StripeServer } from './providers/stripe.server';
import { BOOTSTRAP_KEY, startTestService, TestService } from './support/service';
import { waitForRunEnd } from './support/sync-fixtures';

const RUN = `query($id: ID!) { syncRun(id: $id) { id status trigger mode recordsProcessed recordsCreated recordsUpdated recordsFailed errorDetails durationMs
  syncConfig { cursor lastSyncAt } logs { level message } } }`;
const TRIGGER = 'mutation($id: ID!, $mode: SyncMode) { triggerSync(id: $id, mode: $mode) { id status } }';

/**
 * Inbound sync end to end: Stripe customers from a local Stripe server into the built-in CRM
 * store as accounts, through a field mapping, on a pg-boss worker, watched live.
 */
describe('inbound sync: Stripe customers to accounts', () => {
  let t: TestService;
  let stripe: StripeServer;
  let configId: string;
  let mappingId: string;

  const waitForRun = (id: string, ms = 20_000) => waitForRunEnd((q, v) => t.gql(q, v), id, ms, RUN);
  const accounts = async () =>
    (await t.service.db.query(`SELECT id, data FROM crm_record WHERE organization_id = 'default' AND object = 'account' AND deleted_at IS NULL`)) as {
      id: string;
      data: any;
    }[];

  beforeAll(async () => {
    stripe = await new StripeServer().start();
    stripe.seedCustomers(230);
    t = await startTestService({ PROVIDER_RETRY_BASE_DELAY_MS: '5', SYNC_RETRY_BASE_SECONDS: '0' });
    const conn: any = await t.gql('mutation($input: CreateConnectionInput!) { createConnection(input: $input) { id } }', {
      input: { connectorKey: 'stripe', name: 'Stripe', credentials: { apiKey: stripe.apiKey }, config: { baseUrl: stripe.url } },
    });
    const mapping: any = await t.gql('mutation($input: CreateFieldMappingInput!) { createFieldMapping(input: $input) { id } }', {
      input: {
        name: 'Stripe customer → account',
        sourceObject: 'customers',
        targetObject: 'account',
        rules: [
          { sourceField: 'name', targetField: 'name', transform: { type: 'TRIM' } },
          { sourceField: 'email', targetField: 'email', transform: { type: 'LOWERCASE' } },
          { sourceField: 'phone', targetField: 'phone', transform: { type: 'PHONE_E164' } },
          { sourceField: 'address.city', targetField: 'billing_city' },
          { sourceField: 'address.country', targetField: 'billing_country' },
        ],
      },
    });
    expect(mapping.errors).toBeUndefined();
    mappingId = mapping.data.createFieldMapping.id;
    const config: any = await t.gql('mutation($input: CreateSyncConfigInput!) { createSyncConfig(input: $input) { id nextSyncAt } }', {
      input: {
        name: 'Customers',
        connectionId: conn.data.createConnection.id,
        sourceObject: 'customers',
        targetObject: 'account',
        direction: 'INBOUND',
        frequency: 'manual',
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

  it('creates one account per customer, mapped, with links, streaming progress', async () => {
    const updates: any[] = [];
    const ws = createClient({
      url: t.url.replace('http', 'ws') + '/graphql',
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${BOOTSTRAP_KEY}` },
      lazy: false,
    });
    ws.subscribe(
      { query: 'subscription($id: ID) { syncRunUpdated(syncConfigId: $id) { status recordsProcessed } }', variables: { id: configId } },
      { next: (m) => updates.push(m.data?.syncRunUpdated), error: () => undefined, complete: () => undefined },
    );
    await new Promise((r) => setTimeout(r, 300));

    const started: any = await t.gql(TRIGGER, { id: configId });
    expect(started.data.triggerSync.status).toBe('QUEUED');
    const run = await waitForRun(started.data.triggerSync.id);
    expect(run).toMatchObject({
      status: 'COMPLETED',
      trigger: 'MANUAL',
      mode: 'FULL',
      recordsProcessed: 230,
      recordsCreated: 230,
      recordsUpdated: 0,
      recordsFailed: 0,
      errorDetails: null,
    });
    expect(run.syncConfig.lastSyncAt).not.toBeNull();
    expect(typeof run.syncConfig.cursor).toBe('number'); // Stripe's created[gt] checkpoint

    const stored = await accounts();
    expect(stored).toHaveLength(230);
    const customer = stripe.store.get('customers')![7] as any;
    const account = stored.find((a) => a.data.email === customer.email)!;
    expect(account.data).toMatchObject({ name: customer.name, email: customer.email, phone: customer.phone, billing_city: 'Berlin', billing_country: 'DE' });

    const links: any = await t.gql(
      'query($id: ID!) { externalLinks(syncConfigId: $id, first: 1) { totalCount edges { node { provider externalObject internalObject status } } } }',
      { id: configId },
    );
    expect(links.data.externalLinks.totalCount).toBe(230);
    expect(links.data.externalLinks.edges[0].node).toEqual({ provider: 'stripe', externalObject: 'customers', internalObject: 'account', status: 'SYNCED' });
    const viaEntities: any = await t.gql(
      'query($r: [_Any!]!) { _entities(representations: $r) { ... on Account { externalLinks { externalId lastSyncedData } } } }',
      { r: [{ __typename: 'Account', id: account.id }] },
    );
    expect(viaEntities.data._entities[0].externalLinks).toEqual([{ externalId: customer.id, lastSyncedData: account.data }]);

    await new Promise((r) => setTimeout(r, 300));
    await ws.dispose();
    const statuses = updates.map((u) => u?.status);
    expect(statuses).toContain('RUNNING');
    expect(statuses[statuses.length - 1]).toBe('COMPLETED');
    // One update per change: queued, started, each of the 3 pages, completed. Each shows the row
    // as committed when it is loaded, so a late page's update may already read COMPLETED; the
    // counts never go backwards.
    expect(updates.length).toBeGreaterThanOrEqual(6);
    const counts = updates.map((u) => u.recordsProcessed);
    expect(counts).toEqual([...counts].sort((a, b) => a - b));

    const events: any = await t.gql('{ integrationEvents(type: "integration.sync.*") { edges { node { type data } } } }');
    expect(events.data.integrationEvents.edges[0].node).toMatchObject({
      type: 'integration.sync.completed',
      data: { syncConfigId: configId, status: 'COMPLETED' },
    });
  });

  it('skips unchanged records, picks up an edit, and reads only new records incrementally', async () => {
    const customers = stripe.store.get('customers')! as any[];
    customers[3].name = 'Renamed Customer';
    const full = await waitForRun(((await t.gql(TRIGGER, { id: configId, mode: 'FULL' })) as any).data.triggerSync.id);
    expect(full).toMatchObject({ status: 'COMPLETED', mode: 'FULL', recordsProcessed: 230, recordsCreated: 0, recordsUpdated: 1 });
    expect((await accounts()).filter((a) => a.data.name === 'Renamed Customer')).toHaveLength(1);

    stripe.seedCustomers(5);
    const incremental = await waitForRun(((await t.gql(TRIGGER, { id: configId })) as any).data.triggerSync.id);
    expect(incremental).toMatchObject({ status: 'COMPLETED', mode: 'INCREMENTAL', recordsProcessed: 5, recordsCreated: 5 });
    expect(await accounts()).toHaveLength(235);
  });

  it('returns the pending run when triggered twice, and cancels a queued run', async () => {
    const [a, b]: any[] = await Promise.all([t.gql(TRIGGER, { id: configId, mode: 'FULL' }), t.gql(TRIGGER, { id: configId, mode: 'FULL' })]);
    expect(a.data.triggerSync.id).toBe(b.data.triggerSync.id);
    const cancelled: any = await t.gql('mutation($id: ID!) { cancelSyncRun(id: $id) { status completedAt } }', { id: a.data.triggerSync.id });
    expect(cancelled.data.cancelSyncRun.status).toBe('CANCELLED');
    const again = await t.gql('mutation($id: ID!) { cancelSyncRun(id: $id) { status } }', { id: a.data.triggerSync.id });
    expect(again.errors?.[0].extensions?.code).toBe('CONFLICT');
    const after: any = await t.gql(RUN, { id: a.data.triggerSync.id });
    expect(after.data.syncRun.status).toBe('CANCELLED');
  });

  it('retries a run after a transient provider failure and resumes it', async () => {
    // More 503s in a row than one request's own retries absorb: the run fails once, then is
    // queued again by itself and completes.
    stripe.failNext(...Array.from({ length: 5 }, () => ({ status: 503, body: { error: { type: 'api_error', message: 'Stripe is down' } } })));
    const run = await waitForRun(((await t.gql(TRIGGER, { id: configId, mode: 'FULL' })) as any).data.triggerSync.id);
    expect(run).toMatchObject({ status: 'COMPLETED', recordsProcessed: 235 });
    expect(run.logs.some((l: any) => l.level === 'warn' && /Attempt 1 failed.*retrying/.test(l.message))).toBe(true);
    const [{ attempts }] = await t.service.db.query('SELECT attempts FROM sync_run WHERE id = $1', [run.id]);
    expect(attempts).toBe(2);
  });

  it('maps every record again when the mapping changes, then skips them again', async () => {
    // Unchanged Stripe records are skipped before mapping (by a hash of the raw record and the
    // rules): a new rule must still reach every record.
    const res: any = await t.gql('mutation($id: ID!, $input: UpdateFieldMappingInput!) { updateFieldMapping(id: $id, input: $input) { id } }', {
      id: mappingId,
      input: {
        rules: [
          { sourceField: 'name', targetField: 'name', transform: { type: 'TRIM' } },
          { sourceField: 'email', targetField: 'email', transform: { type: 'LOWERCASE' } },
          { sourceField: 'phone', targetField: 'phone', transform: { type: 'PHONE_E164' } },
          { sourceField: 'address.city', targetField: 'billing_city', transform: { type: 'UPPERCASE' } },
          { sourceField: 'address.country', targetField: 'billing_country' },
        ],
      },
    });
    expect(res.errors).toBeUndefined();
    const remapped = await waitForRun(((await t.gql(TRIGGER, { id: configId, mode: 'FULL' })) as any).data.triggerSync.id);
    expect(remapped).toMatchObject({ status: 'COMPLETED', recordsProcessed: 235, recordsCreated: 0, recordsUpdated: 235 });
    expect((await accounts()).every((a) => a.data.billing_city === 'BERLIN')).toBe(true);
    const again = await waitForRun(((await t.gql(TRIGGER, { id: configId, mode: 'FULL' })) as any).data.triggerSync.id);
    expect(again).toMatchObject({ status: 'COMPLETED', recordsProcessed: 235, recordsUpdated: 0 });
  });

  it('records a failed run with the provider error and an integration.sync.failed event', async () => {
    await t.gql('mutation($id: ID!) { updateConnection(id: $id, input: { credentials: { apiKey: "sk_test_revokedrevoked" } }) { id } }', {
      id: ((await t.gql('{ connections { edges { node { id } } } }')) as any).data.connections.edges[0].node.id,
    });
    const failed = await waitForRun(((await t.gql(TRIGGER, { id: configId, mode: 'FULL' })) as any).data.triggerSync.id);
    expect(failed.status).toBe('FAILED');
    expect(failed.errorDetails).toContain('Invalid API Key');
    expect(failed.logs.some((l: any) => l.level === 'error')).toBe(true);
    const events: any = await t.gql('{ integrationEvents(type: "integration.sync.failed") { totalCount } }');
    expect(events.data.integrationEvents.totalCount).toBe(1);
  });

  it('refuses to trigger another organization’s config', async () => {
    const res = await t.gql(TRIGGER, { id: configId }, 'hcrm_test_NoSuchKeyAtAll');
    expect(res.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });
});
