import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { createClient, Client } from 'graphql-ws';
import WebSocket from 'ws';
import { seed } from './support/seed';
import { BOOTSTRAP_KEY, gatewayToken, startTestService, TestService } from './support/service';

const run = promisify(execFile);

/**
 * A change committed by another process (here: a separate node process with its own Postgres
 * connection, as a worker replica would be) reaches graphql-ws subscribers through LISTEN/NOTIFY.
 */
async function notifyFromAnotherProcess(databaseUrl: string, sql: string, params: unknown[]): Promise<void> {
  const script = `
    const { Client } = require('pg');
    (async () => {
      const c = new Client({ connectionString: process.argv[1] });
      await c.connect();
      await c.query('BEGIN');
      await c.query(process.argv[2], JSON.parse(process.argv[3]));
      await c.query('COMMIT');
      await c.end();
    })().catch((e) => { console.error(e); process.exit(1); });`;
  await run(process.execPath, ['-e', script, databaseUrl, sql, JSON.stringify(params)], { cwd: __dirname });
}

const UPDATE_AND_NOTIFY = `
  WITH r AS (UPDATE sync_run SET status = $1, records_processed = $2 WHERE id = $3 RETURNING organization_id, id, sync_config_id)
  SELECT pg_notify('integration_changes',
    json_build_object('topic', 'sync_run', 'organizationId', organization_id, 'id', id, 'parentId', sync_config_id)::text) FROM r`;

function subscribe(client: Client, query: string, variables: Record<string, unknown>) {
  const received: any[] = [];
  const errors: unknown[] = [];
  const unsubscribe = client.subscribe({ query, variables }, { next: (m) => received.push(m), error: (e) => errors.push(e), complete: () => undefined });
  return { received, errors, unsubscribe };
}

async function waitFor(check: () => boolean, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('syncRunUpdated over graphql-ws', () => {
  let t: TestService;
  let configId: string;
  let runId: string;
  let otherOrgRunId: string;
  const clients: Client[] = [];

  const connect = (authorization: string | null) => {
    const client = createClient({
      url: t.url.replace('http', 'ws') + '/graphql',
      webSocketImpl: WebSocket,
      connectionParams: authorization ? { authorization } : {},
      retryAttempts: 0,
      lazy: false,
    });
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    t = await startTestService();
    const connection = await seed.connection(t.service.db, 'default');
    configId = await seed.syncConfig(t.service.db, 'default', connection);
    runId = await seed.syncRun(t.service.db, 'default', configId, { status: 'QUEUED' });
    const otherConnection = await seed.connection(t.service.db, 'other');
    const otherConfig = await seed.syncConfig(t.service.db, 'other', otherConnection);
    otherOrgRunId = await seed.syncRun(t.service.db, 'other', otherConfig, { status: 'QUEUED' });
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.dispose()));
    await t.stop();
  });

  const query = 'subscription($id: ID) { syncRunUpdated(syncConfigId: $id) { id status recordsProcessed syncConfig { id } } }';

  it('delivers the committed row to a subscriber when another process NOTIFYs', async () => {
    const client = connect(`Bearer ${BOOTSTRAP_KEY}`);
    const sub = subscribe(client, query, { id: configId });
    const all = subscribe(connect(`Bearer ${await gatewayToken('default', ['read:sync'])}`), query, {});
    await new Promise((r) => setTimeout(r, 300)); // let both subscriptions register
    await notifyFromAnotherProcess(t.databaseUrl, UPDATE_AND_NOTIFY, ['RUNNING', 100, runId]);
    await notifyFromAnotherProcess(t.databaseUrl, UPDATE_AND_NOTIFY, ['RUNNING', 7, otherOrgRunId]);
    await notifyFromAnotherProcess(t.databaseUrl, UPDATE_AND_NOTIFY, ['COMPLETED', 250, runId]);
    await waitFor(() => sub.received.length >= 2 && all.received.length >= 2);
    await new Promise((r) => setTimeout(r, 200));
    for (const s of [sub, all]) {
      expect(s.errors).toEqual([]);
      // The other organization's run never arrives, in order ours do, loaded as committed.
      expect(s.received.map((m) => m.data.syncRunUpdated)).toEqual([
        { id: runId, status: 'RUNNING', recordsProcessed: 100, syncConfig: { id: configId } },
        { id: runId, status: 'COMPLETED', recordsProcessed: 250, syncConfig: { id: configId } },
      ]);
    }
  });

  it('filters by syncConfigId', async () => {
    const sub = subscribe(connect(`Bearer ${BOOTSTRAP_KEY}`), query, { id: '00000000-0000-4000-8000-000000000000' });
    await new Promise((r) => setTimeout(r, 300));
    await notifyFromAnotherProcess(t.databaseUrl, UPDATE_AND_NOTIFY, ['FAILED', 1, runId]);
    await new Promise((r) => setTimeout(r, 500));
    expect(sub.received).toEqual([]);
  });

  it('refuses a socket without valid credentials', async () => {
    for (const authorization of [null, 'Bearer hcrm_test_nope']) {
      const closed = new Promise<number>((resolve) => {
        const client = createClient({
          url: t.url.replace('http', 'ws') + '/graphql',
          webSocketImpl: WebSocket,
          connectionParams: authorization ? { authorization } : {},
          retryAttempts: 0,
          lazy: false,
          on: { closed: (event: any) => resolve(event.code) },
          onNonLazyError: () => undefined, // the refusal is what this test expects
        });
        clients.push(client);
      });
      expect(await closed).toBe(4403);
    }
  });

  it('refuses a subscription whose scope the caller lacks', async () => {
    const sub = subscribe(connect(`Bearer ${await gatewayToken('default', ['read:webhooks'])}`), query, {});
    await waitFor(() => sub.errors.length > 0 || sub.received.length > 0);
    const errors = (sub.errors[0] as any[]) ?? sub.received[0]?.errors;
    expect(errors[0].extensions.code).toBe('FORBIDDEN');
  });
});
