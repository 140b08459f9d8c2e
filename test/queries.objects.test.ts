import { seed } from './support/seed';
import { startTestService, TestService } from './support/service';

/** The nested fields and derived values of stored objects: runs, logs, deliveries, events, keys. */
describe('stored objects and their relations', () => {
  let t: TestService;
  const ids: Record<string, string> = {};
  const at = (minute: number) => new Date(Date.UTC(2026, 10, 1, 12, minute));

  beforeAll(async () => {
    t = await startTestService();
    const db = t.service.db;
    ids.connection = await seed.connection(db, 'default');
    ids.config = await seed.syncConfig(db, 'default', ids.connection, { cursor: JSON.stringify({ starting_after: 'cus_9' }) });
    ids.oldRun = await seed.syncRun(db, 'default', ids.config, { created_at: at(0), status: 'FAILED', error_details: 'rate limited' });
    ids.newRun = await seed.syncRun(db, 'default', ids.config, { created_at: at(5), status: 'COMPLETED', records_processed: 42 });
    await seed.syncLog(db, 'default', ids.newRun, { message: 'first', at: at(5) });
    await seed.syncLog(db, 'default', ids.newRun, { message: 'second', level: 'warn', code: 'SKIPPED', external_id: 'cus_1', at: at(6) });
    ids.subscription = await seed.webhookSubscription(db, 'default');
    for (const [type, minute] of [
      ['opportunity.won', 1],
      ['opportunity.stage.changed', 2],
      ['stripe.invoice.paid', 3],
    ] as const) {
      ids[type] = await seed.event(db, 'default', { type, occurred_at: at(minute), source: type.startsWith('stripe') ? 'stripe' : 'hotcrm' });
    }
    ids.okDelivery = await seed.delivery(db, 'default', ids.subscription, ids['opportunity.won'], { status: 'SUCCESS', attempt_count: 2 });
    ids.badDelivery = await seed.delivery(db, 'default', ids.subscription, ids['opportunity.stage.changed'], { status: 'FAILED', attempt_count: 1 });
    await seed.attempt(db, 'default', ids.okDelivery, { attempt_number: 2, response_status: 200 });
    await seed.attempt(db, 'default', ids.okDelivery, { attempt_number: 1, response_status: 503, error: 'Service Unavailable' });
    ids.expiredKey = await seed.apiKey(db, 'default', { name: 'old', expires_at: new Date(Date.now() - 60_000) });
    await db.query(
      `INSERT INTO api_key_usage (organization_id, api_key_id, bucket_start, requests, rejected)
       VALUES ('default', $1, '2026-11-01T10:00:00Z', 5, 1), ('default', $1, '2026-11-01T11:00:00Z', 7, 0), ('default', $1, '2026-11-02T09:00:00Z', 3, 3)`,
      [ids.expiredKey],
    );
  });
  afterAll(() => t.stop());

  it('lists a config’s runs newest first, with its last run, cursor and a run’s log lines in order', async () => {
    const res: any = await t.gql(
      `query($id: ID!) { syncConfig(id: $id) { cursor lastRun { id recordsProcessed } runs(first: 5) { totalCount edges { node { id status errorDetails } } }
        connection { id } } }`,
      { id: ids.config },
    );
    expect(res.errors).toBeUndefined();
    const config = res.data.syncConfig;
    expect(config.cursor).toEqual({ starting_after: 'cus_9' });
    expect(config.lastRun).toEqual({ id: ids.newRun, recordsProcessed: 42 });
    expect(config.runs.edges.map((e: any) => e.node.id)).toEqual([ids.newRun, ids.oldRun]);
    expect(config.runs.edges[1].node.errorDetails).toBe('rate limited');
    const run: any = await t.gql('query($id: ID!) { syncRun(id: $id) { logs { message level code externalId } first: logs(first: 1) { message } } }', {
      id: ids.newRun,
    });
    expect(run.data.syncRun.logs).toEqual([
      { message: 'first', level: 'info', code: null, externalId: null },
      { message: 'second', level: 'warn', code: 'SKIPPED', externalId: 'cus_1' },
    ]);
    expect(run.data.syncRun.first).toEqual([{ message: 'first' }]);
  });

  it('filters deliveries by status and lists attempts in order', async () => {
    const res: any = await t.gql(
      `query($id: ID!) { webhookSubscription(id: $id) {
        all: deliveries { totalCount } failed: deliveries(status: FAILED) { edges { node { id } } }
        ok: deliveries(status: SUCCESS) { edges { node { id attemptCount attempts { attemptNumber responseStatus error } subscription { id } } } } } }`,
      { id: ids.subscription },
    );
    const sub = res.data.webhookSubscription;
    expect(sub.all.totalCount).toBe(2);
    expect(sub.failed.edges.map((e: any) => e.node.id)).toEqual([ids.badDelivery]);
    expect(sub.ok.edges[0].node).toEqual({
      id: ids.okDelivery,
      attemptCount: 2,
      attempts: [
        { attemptNumber: 1, responseStatus: 503, error: 'Service Unavailable' },
        { attemptNumber: 2, responseStatus: 200, error: null },
      ],
      subscription: { id: ids.subscription },
    });
  });

  it('lists events newest first, by type pattern and source, with their delivery counts', async () => {
    const q = 'query($type: String, $source: String) { integrationEvents(type: $type, source: $source) { edges { node { type deliveryCount } } } }';
    const types = async (vars: Record<string, string>) => ((await t.gql(q, vars)) as any).data.integrationEvents.edges.map((e: any) => e.node);
    expect(await types({})).toEqual([
      { type: 'stripe.invoice.paid', deliveryCount: 0 },
      { type: 'opportunity.stage.changed', deliveryCount: 1 },
      { type: 'opportunity.won', deliveryCount: 1 },
    ]);
    expect((await types({ type: 'opportunity.*' })).map((e: any) => e.type)).toEqual(['opportunity.stage.changed', 'opportunity.won']);
    expect((await types({ type: 'opportunity.won' })).map((e: any) => e.type)).toEqual(['opportunity.won']);
    expect((await types({ type: '*', source: 'stripe' })).map((e: any) => e.type)).toEqual(['stripe.invoice.paid']);
    expect(await types({ type: 'opportunity_%' })).toEqual([]);
  });

  it('reports a key past its expiry as EXPIRED, filters on it, and buckets its usage by hour and day', async () => {
    const res: any = await t.gql(
      `query($id: ID!) { apiKey(id: $id) { status prefix
        hours: usage(from: "2026-11-01T10:00:00Z", to: "2026-11-01T13:00:00Z", granularity: HOUR) { start requests rejected }
        days: usage(from: "2026-11-01T00:00:00Z", to: "2026-11-03T00:00:00Z", granularity: DAY) { start requests rejected } }
        expired: apiKeys(status: EXPIRED) { edges { node { id } } } active: apiKeys(status: ACTIVE) { totalCount } }`,
      { id: ids.expiredKey },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data.apiKey.status).toBe('EXPIRED');
    expect(res.data.expired.edges).toEqual([{ node: { id: ids.expiredKey } }]);
    expect(res.data.active.totalCount).toBe(1); // the bootstrap key
    expect(res.data.apiKey.hours).toEqual([
      { start: '2026-11-01T10:00:00.000Z', requests: 5, rejected: 1 },
      { start: '2026-11-01T11:00:00.000Z', requests: 7, rejected: 0 },
      { start: '2026-11-01T12:00:00.000Z', requests: 0, rejected: 0 },
    ]);
    expect(res.data.apiKey.days).toEqual([
      { start: '2026-11-01T00:00:00.000Z', requests: 12, rejected: 1 },
      { start: '2026-11-02T00:00:00.000Z', requests: 3, rejected: 3 },
    ]);
  });
});
