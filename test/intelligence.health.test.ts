import type { DataSource } from 'typeorm';
import { HEALTH_COUNTS_SQL } from '../src/intelligence/sql/health-counts';
import { seed } from './support/seed';
import { gatewayToken, startTestService, TestService } from './support/service';

const HEALTH = `query { integrationHealth {
  connections connectionsInError activeSyncConfigs runningSyncs failedSyncRuns24h webhookDeliveries24h webhookFailures24h openConflicts } }`;

const hoursAgo = (h: number) => new Date(Date.now() - h * 3_600_000);

/**
 * One organization's rows of every kind the header counts, with rows just outside each count
 * (another state, older than 24 h) beside them. `scale` copies the whole set.
 */
async function seedOrg(db: DataSource, org: string, scale = 1): Promise<void> {
  for (let s = 0; s < scale; s++) {
    const ok = await seed.connection(db, org, { status: 'CONNECTED' });
    await seed.connection(db, org, { status: 'ERROR', last_error: 'invalid api key' });
    await seed.connection(db, org, { status: 'EXPIRED' });
    await seed.connection(db, org, { status: 'PENDING_AUTH' });
    const active = await seed.syncConfig(db, org, ok);
    await seed.syncConfig(db, org, ok, { name: 'Invoices' });
    await seed.syncConfig(db, org, ok, { name: 'Paused', is_active: false });
    await seed.syncRun(db, org, active, { status: 'RUNNING', started_at: new Date() });
    await seed.syncRun(db, org, active, { status: 'QUEUED' });
    await seed.syncRun(db, org, active, { status: 'COMPLETED', completed_at: hoursAgo(1) });
    await seed.syncRun(db, org, active, { status: 'FAILED', completed_at: hoursAgo(2) });
    await seed.syncRun(db, org, active, { status: 'FAILED', completed_at: hoursAgo(23) });
    await seed.syncRun(db, org, active, { status: 'FAILED', completed_at: hoursAgo(25) });
    const subscription = await seed.webhookSubscription(db, org);
    const event = await seed.event(db, org);
    for (const status of ['SUCCESS', 'SUCCESS', 'FAILED', 'RETRYING', 'PENDING']) await seed.delivery(db, org, subscription, event, { status });
    await seed.delivery(db, org, subscription, event, { status: 'FAILED', created_at: hoursAgo(72) });
    await seed.conflict(db, org, active, { external_id: `cus_${s}_1` });
    await seed.conflict(db, org, active, { external_id: `cus_${s}_2` });
    await seed.conflict(db, org, active, { external_id: `cus_${s}_3`, status: 'RESOLVED', resolved_at: new Date() });
  }
}

describe('integrationHealth', () => {
  let t: TestService;

  beforeAll(async () => {
    t = await startTestService();
  });
  afterAll(async () => {
    await t.stop();
  });

  it("counts the caller's organization only", async () => {
    const empty = await t.gql(HEALTH);
    expect(empty.data!.integrationHealth).toEqual({
      connections: 0,
      connectionsInError: 0,
      activeSyncConfigs: 0,
      runningSyncs: 0,
      failedSyncRuns24h: 0,
      webhookDeliveries24h: 0,
      webhookFailures24h: 0,
      openConflicts: 0,
    });

    await seedOrg(t.service.db, 'default');
    await seedOrg(t.service.db, 'org-b', 2);
    const res = await t.gql(HEALTH);
    expect(res.errors).toBeUndefined();
    expect(res.data!.integrationHealth).toEqual({
      connections: 4,
      connectionsInError: 2, // ERROR and EXPIRED
      activeSyncConfigs: 2,
      runningSyncs: 1,
      failedSyncRuns24h: 2, // not the one 25 h ago
      webhookDeliveries24h: 5, // not the one 3 days ago
      webhookFailures24h: 2, // FAILED and RETRYING
      openConflicts: 2,
    });

    const b = await t.gql(HEALTH, {}, await gatewayToken('org-b', ['read:sync']));
    expect(b.data!.integrationHealth).toMatchObject({
      connections: 8,
      connectionsInError: 4,
      activeSyncConfigs: 4,
      failedSyncRuns24h: 4,
      webhookFailures24h: 4,
      openConflicts: 4,
    });
  });

  it('needs read:sync', async () => {
    const res = await t.gql(HEALTH, {}, await gatewayToken('default', ['read:webhooks']));
    expect(res.errors?.[0].extensions?.code).toBe('FORBIDDEN');
  });

  it('answers every count from an index', async () => {
    // The tables are small here, so the planner would scan them anyway; with sequential scans
    // priced out, a count no index can answer still shows a Seq Scan.
    const plan = await t.service.db.transaction(async (tx) => {
      await tx.query('SET LOCAL enable_seqscan = off');
      const rows: { 'QUERY PLAN': string }[] = await tx.query(`EXPLAIN ${HEALTH_COUNTS_SQL.replace(/\$1/g, `'default'`)}`);
      return rows.map((r) => r['QUERY PLAN']).join('\n');
    });
    // Which index wins on a few rows is the planner's call; that one exists for each count is ours.
    expect(plan).not.toMatch(/Seq Scan/);
    expect(plan.match(/InitPlan/g)).toHaveLength(8);
  });
});
