import { setTimeout as sleep } from 'node:timers/promises';
import { createClient } from 'graphql-ws';
import pino from 'pino';
import WebSocket from 'ws';
import { syncMaintenanceQueue } from '../src/sync/engine/sync-maintenance.job';
import { SyncRunService } from '../src/sync/sync-run.service';
import { createTestDatabase } from './support/database';
import { PROCESS_ENV, removeDataDir, ServiceProcess, spawnService, stopProcess, waitUntil } from './support/process';
import { BOOTSTRAP_KEY, startReplica, startTestService, TestService } from './support/service';
import {
  childrenOf,
  embeddedDatabaseUrl,
  gqlClient,
  isAlive,
  postmasterPid,
  RUN_QUERY,
  setupInboundSync,
  SlowStripeServer,
  sql,
  TRIGGER,
  waitForRunEnd,
} from './support/sync-fixtures';

/** Provider retries in milliseconds, so the runs these tests kill are quick to set up. */
const SYNC_PROCESS_ENV = { ...PROCESS_ENV, PROVIDER_RETRY_BASE_DELAY_MS: '5' };

/**
 * The sync engine as deployed: real processes killed -9 mid-run (database included), api and
 * worker roles split across processes, schedules, and replicas racing for one config.
 */
describe('sync engine across processes', () => {
  describe('kill -9 of the service and its embedded PostgreSQL mid-run', () => {
    let svc: ServiceProcess | undefined;
    let stripe: SlowStripeServer;
    let dataDir: string | undefined;

    afterAll(async () => {
      await stopProcess(svc);
      await stripe?.stop();
      if (dataDir) removeDataDir(dataDir);
    });

    it('resumes the run from its last committed page on restart: no record lost or duplicated', async () => {
      stripe = await new SlowStripeServer(150).start();
      stripe.seedCustomers(3000);
      svc = await spawnService({ ...SYNC_PROCESS_ENV, ROLE: 'all' });
      dataDir = svc.dataDir;
      let gql = gqlClient(svc.url, BOOTSTRAP_KEY);
      const { configId, connectionId } = await setupInboundSync(gql, stripe);
      const runId = (await gql(TRIGGER, { id: configId })).data.triggerSync.id as string;
      await waitUntil(
        async () => (await gql(RUN_QUERY, { id: runId })).data?.syncRun?.recordsProcessed >= 200,
        30_000,
        () => svc!.output(),
      );

      // Everything dies at once, as on a power cut: node, the postmaster, then its children.
      const postmaster = postmasterPid(dataDir);
      const backends = childrenOf(postmaster);
      svc.child.kill('SIGKILL');
      process.kill(postmaster, 'SIGKILL');
      await svc.exited;
      const killedAt = Date.now();
      await waitUntil(
        () => [postmaster, ...backends].every((pid) => !isAlive(pid)),
        10_000,
        () => 'postgres processes outlived their postmaster',
      );

      svc = await spawnService({ ...SYNC_PROCESS_ENV, ROLE: 'all', INTEGRATION_DATA_DIR: dataDir });
      gql = gqlClient(svc.url, BOOTSTRAP_KEY);
      const url = embeddedDatabaseUrl(dataDir);
      const [atRestart] = await sql(url, 'SELECT status, job_id, records_processed FROM sync_run WHERE id = $1', [runId]);
      // What the killed worker had committed survives crash recovery; the run is still its.
      expect(atRestart.status).toBe('RUNNING');
      expect(atRestart.records_processed).toBeGreaterThanOrEqual(200);
      expect(atRestart.records_processed % 100).toBe(0);

      // Orphan recovery hands the run to a new job, which continues from the committed page.
      let resumedAfterMs = 0;
      await waitUntil(
        async () => {
          const [row] = await sql(url, 'SELECT status, job_id, records_processed FROM sync_run WHERE id = $1', [runId]);
          resumedAfterMs = Date.now() - killedAt;
          return row.job_id !== atRestart.job_id && row.status === 'RUNNING';
        },
        125_000,
        () => svc!.output().split('\n').slice(-20).join('\n'),
      );
      process.stdout.write(
        `kill -9 test: run resumed ${(resumedAfterMs / 1000).toFixed(1)} s after the kill (committed ${atRestart.records_processed} records before it)\n`,
      );
      expect(svc.output()).toContain('resuming a sync run whose worker stopped');

      const run = await waitForRunEnd(gql, runId, 30_000);
      expect(run.status).toBe('COMPLETED');
      expect(run.recordsProcessed).toBeGreaterThanOrEqual(3000);
      expect(run.recordsFailed).toBe(0);
      const [counts] = await sql(
        url,
        `SELECT (SELECT count(*)::int FROM crm_record WHERE object = 'account') AS accounts,
                (SELECT count(DISTINCT data->>'email')::int FROM crm_record WHERE object = 'account') AS emails,
                (SELECT count(*)::int FROM external_link WHERE connection_id = $1) AS links,
                (SELECT attempts FROM sync_run WHERE id = $2) AS attempts,
                (SELECT count(*)::int FROM integration_event WHERE type = 'account.created') AS events,
                (SELECT count(DISTINCT record_id)::int FROM integration_event WHERE type = 'account.created') AS announced`,
        [connectionId, runId],
      );
      // Each account's account.created committed with its page: none lost to the kill, none twice after the resume.
      expect(counts).toEqual({ accounts: 3000, emails: 3000, links: 3000, attempts: 2, events: 3000, announced: 3000 });
    }, 170_000);
  });

  describe('ROLE=api and ROLE=worker as separate processes on one database', () => {
    let api: ServiceProcess | undefined;
    let worker: ServiceProcess | undefined;
    let stripe: SlowStripeServer;
    let database: { url: string; drop(): Promise<void> };

    afterAll(async () => {
      await stopProcess(api);
      await stopProcess(worker);
      for (const svc of [api, worker]) if (svc) removeDataDir(svc.dataDir);
      await stripe?.stop();
      await database?.drop();
    });

    it('streams syncRunUpdated on the api process for a run the worker process executes', async () => {
      stripe = await new SlowStripeServer(40).start();
      stripe.seedCustomers(600);
      database = await createTestDatabase();
      api = await spawnService({ ...SYNC_PROCESS_ENV, ROLE: 'api', DATABASE_URL: database.url });
      const gql = gqlClient(api.url, BOOTSTRAP_KEY);
      const { configId } = await setupInboundSync(gql, stripe);

      const updates: { id: string; status: string; recordsProcessed: number }[] = [];
      let connected = false;
      const ws = createClient({
        url: api.url.replace('http', 'ws') + '/graphql',
        webSocketImpl: WebSocket,
        connectionParams: { authorization: `Bearer ${BOOTSTRAP_KEY}` },
        lazy: false,
        on: { connected: () => (connected = true) },
      });
      ws.subscribe(
        { query: 'subscription($id: ID) { syncRunUpdated(syncConfigId: $id) { id status recordsProcessed } }', variables: { id: configId } },
        { next: (m: any) => updates.push(m.data?.syncRunUpdated), error: () => undefined, complete: () => undefined },
      );
      try {
        await waitUntil(() => connected, 10_000);
        await sleep(300);

        // The api process only enqueues: with no worker anywhere the run stays QUEUED.
        const runId = (await gql(TRIGGER, { id: configId })).data.triggerSync.id as string;
        await sleep(2_000);
        expect((await gql(RUN_QUERY, { id: runId })).data.syncRun.status).toBe('QUEUED');

        worker = await spawnService({ ...SYNC_PROCESS_ENV, ROLE: 'worker', DATABASE_URL: database.url });
        const run = await waitForRunEnd(gql, runId, 30_000);
        expect(run).toMatchObject({ status: 'COMPLETED', recordsProcessed: 600, recordsCreated: 600 });
        await waitUntil(
          () => updates.some((u) => u?.status === 'COMPLETED'),
          5_000,
          () => JSON.stringify(updates),
        );

        const running = updates.filter((u) => u?.id === runId && u.status === 'RUNNING').map((u) => u.recordsProcessed);
        expect(running.filter((n) => n > 0).length).toBeGreaterThanOrEqual(3);
        expect(running).toEqual([...running].sort((x, y) => x - y)); // never goes backwards
        expect(updates[updates.length - 1]).toEqual({ id: runId, status: 'COMPLETED', recordsProcessed: 600 });
        // The worker process serves health only: no GraphQL there.
        expect((await fetch(`${worker.url}/graphql`, { method: 'POST' })).status).toBe(404);
      } finally {
        await ws.dispose();
      }
    }, 90_000);
  });

  describe('schedules (in-process: pg-boss fires the maintenance job once a minute)', () => {
    let t: TestService;
    let stripe: SlowStripeServer;

    beforeAll(async () => {
      stripe = await new SlowStripeServer(0).start();
      stripe.seedCustomers(50);
      t = await startTestService({ PROVIDER_RETRY_BASE_DELAY_MS: '5' });
    });
    afterAll(async () => {
      await t?.stop();
      await stripe?.stop();
    });

    it('starts a SCHEDULE run when nextSyncAt has passed, moves nextSyncAt on, and starts none once paused', async () => {
      const gql = (q: string, v?: Record<string, unknown>) => t.gql(q, v) as Promise<any>;
      const { configId } = await setupInboundSync(gql, stripe, 'every 1m');
      const maintenance = syncMaintenanceQueue(
        t.service.db,
        t.service.boss,
        new SyncRunService(t.service.db, t.service.boss),
        pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
      );
      const [schedule] = await t.service.db.query(`SELECT cron FROM pgboss.schedule WHERE name = $1`, [maintenance.name]);
      expect(schedule).toEqual({ cron: '* * * * *' });
      const config = async () =>
        (await gql('query($id: ID!) { syncConfig(id: $id) { nextSyncAt isActive lastRun { id status trigger } } }', { id: configId })).data.syncConfig;
      const created = await config();
      expect(Date.parse(created.nextSyncAt)).toBeGreaterThan(Date.now() + 50_000);
      expect(created.lastRun).toBeNull();

      await t.service.db.query(`UPDATE sync_config SET next_sync_at = now() - interval '5 seconds' WHERE id = $1`, [configId]);
      await maintenance.work({ id: 'test', name: maintenance.name, data: {} } as never);
      const due = await config();
      expect(due.lastRun).toMatchObject({ trigger: 'SCHEDULE' });
      expect(Date.parse(due.nextSyncAt)).toBeGreaterThan(Date.now() + 50_000);
      expect(Date.parse(due.nextSyncAt)).toBeLessThan(Date.now() + 65_000);
      const run = await waitForRunEnd(gql, due.lastRun.id, 20_000);
      expect(run).toMatchObject({ status: 'COMPLETED', trigger: 'SCHEDULE', recordsProcessed: 50 });

      // A second tick before nextSyncAt starts nothing.
      await maintenance.work({ id: 'test', name: maintenance.name, data: {} } as never);
      expect((await config()).lastRun.id).toBe(due.lastRun.id);

      const paused = await gql('mutation($id: ID!) { updateSyncConfig(id: $id, input: { isActive: false }) { isActive nextSyncAt } }', { id: configId });
      expect(paused.data.updateSyncConfig).toEqual({ isActive: false, nextSyncAt: null });
      // Even a stale nextSyncAt left on a paused config does not start it.
      await t.service.db.query(`UPDATE sync_config SET next_sync_at = now() - interval '5 seconds' WHERE id = $1`, [configId]);
      await maintenance.work({ id: 'test', name: maintenance.name, data: {} } as never);
      const [{ count }] = await t.service.db.query('SELECT count(*)::int AS count FROM sync_run WHERE sync_config_id = $1', [configId]);
      expect(count).toBe(1);
    }, 60_000);
  });

  describe('two replicas racing for one config', () => {
    let first: TestService;
    let second: TestService;
    let stripe: SlowStripeServer;

    beforeAll(async () => {
      stripe = await new SlowStripeServer(25).start();
      stripe.seedCustomers(300);
      first = await startTestService({ PROVIDER_RETRY_BASE_DELAY_MS: '5' });
      second = await startReplica(first, { PROVIDER_RETRY_BASE_DELAY_MS: '5' });
    });
    afterAll(async () => {
      await second?.stop();
      await first?.stop();
      await stripe?.stop();
    });

    const runsOf = async (configId: string) =>
      (await first.service.db.query(
        `SELECT id, status, started_at, completed_at, updated_at FROM sync_run WHERE sync_config_id = $1 ORDER BY started_at NULLS LAST, created_at`,
        [configId],
      )) as { id: string; status: string; started_at: Date | null; completed_at: Date | null; updated_at: Date }[];

    it('never runs one config on two workers at once, however many triggers arrive where', async () => {
      const gql = (q: string, v?: Record<string, unknown>) => first.gql(q, v) as Promise<any>;
      const { configId } = await setupInboundSync(gql, stripe);
      const replicas = [first, second];
      let maxRunning = 0;
      let polls = 0;
      const until = Date.now() + 8_000;
      let n = 0;
      // At least 8 s and 60 bursts: on a loaded machine the time alone may hold too few.
      while (Date.now() < until || polls < 60) {
        // Bursts of parallel triggers on both replicas, FULL so every run reads all pages.
        const burst = Array.from({ length: 4 }, (_, i) => replicas[(n + i) % 2].gql(TRIGGER, { id: configId, mode: 'FULL' }));
        n++;
        const results = (await Promise.all(burst)) as any[];
        expect(results.every((r) => r.data?.triggerSync?.id)).toBe(true);
        const [{ running }] = await first.service.db.query(`SELECT count(*)::int AS running FROM sync_run WHERE sync_config_id = $1 AND status = 'RUNNING'`, [
          configId,
        ]);
        maxRunning = Math.max(maxRunning, running);
        polls++;
        await sleep(30);
      }
      await waitUntil(async () => (await runsOf(configId)).every((r) => !['QUEUED', 'RUNNING'].includes(r.status)), 20_000);
      const runs = await runsOf(configId);
      expect(maxRunning).toBe(1);
      expect(runs.length).toBeGreaterThanOrEqual(5);
      expect(runs.map((r) => r.status)).toEqual(runs.map(() => 'COMPLETED'));
      for (let i = 1; i < runs.length; i++) {
        expect(runs[i].started_at!.getTime()).toBeGreaterThanOrEqual(runs[i - 1].completed_at!.getTime());
      }
    }, 60_000);

    /**
     * cancelSyncRun on a RUNNING run leaves its pg-boss job to the worker, which stops at the page
     * boundary (its page commit is refused), so the config's one-active-run slot stays taken until
     * that worker is done and the next run cannot overlap it.
     */
    it('does not start the next run while a cancelled run’s worker is still writing its page', async () => {
      const gql = (q: string, v?: Record<string, unknown>) => first.gql(q, v) as Promise<any>;
      const { configId } = await setupInboundSync(gql, stripe);
      stripe.delayMs = 700;
      try {
        for (let round = 0; round < 3; round++) {
          const runId = (await gql(TRIGGER, { id: configId, mode: 'FULL' })).data.triggerSync.id;
          await waitUntil(async () => (await gql(RUN_QUERY, { id: runId })).data.syncRun.status === 'RUNNING', 10_000);
          await sleep(100); // mid-page: the provider answers in 700 ms
          expect((await gql('mutation($id: ID!) { cancelSyncRun(id: $id) { status } }', { id: runId })).data.cancelSyncRun.status).toBe('CANCELLED');
          const nextId = ((await second.gql(TRIGGER, { id: configId, mode: 'FULL' })) as any).data.triggerSync.id;
          expect(nextId).not.toBe(runId);
          await waitUntil(async () => (await gql(RUN_QUERY, { id: nextId })).data.syncRun.status !== 'QUEUED', 10_000);
          await gql('mutation($id: ID!) { cancelSyncRun(id: $id) { status } }', { id: nextId });
          await sleep(1_000);
        }
      } finally {
        stripe.delayMs = 25;
      }
      const runs = await runsOf(configId);
      // updated_at is the run's last write (a page commits counters there): a cancelled run's
      // worker must have stopped writing before the next run of the config started.
      const overlaps = runs
        .slice(1)
        .flatMap((run, i) =>
          run.started_at && run.started_at < runs[i].updated_at
            ? [`${runs[i].status} run wrote at ${runs[i].updated_at.toISOString()}, after the next run started at ${run.started_at.toISOString()}`]
            : [],
        );
      expect(overlaps).toEqual([]);
    }, 60_000);
  });
});
