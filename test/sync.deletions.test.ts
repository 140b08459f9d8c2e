import { BuiltInCrmStore } from '../src/sync/crm/built-in-crm-store';
import { clearSeenOfEndedRuns } from '../src/sync/engine/sync-maintenance.job';
import { StripeServer } from './providers/stripe.server';
import type { Reply, Route } from './providers/provider-server';
import { startTestService, TestService } from './support/service';
import { setupInboundSync, TRIGGER, waitForRunEnd } from './support/sync-fixtures';

const RUN = `query($id: ID!) { syncRun(id: $id) { id status mode recordsProcessed recordsCreated recordsUpdated recordsDeleted recordsFailed errorDetails
  logs { level message code } } }`;
const LINKS = `query($id: ID!, $after: String) { externalLinks(syncConfigId: $id, first: 100, after: $after) {
  edges { node { externalId status } } pageInfo { hasNextPage endCursor } } }`;

/**
 * Stripe whose list requests can be made to fail from the Nth one on, so a run can be stopped
 * after some pages have committed (the failures answer in place of the route, in order).
 */
class InterruptibleStripeServer extends StripeServer {
  // Named apart from ProviderServer's own `failures` (private in TypeScript only).
  private answeredBeforeFailing = 0;
  private laterFailures: Reply[] = [];

  failAfter(answered: number, ...failures: Reply[]): void {
    this.answeredBeforeFailing = answered;
    this.laterFailures = failures;
  }

  override on(method: string, pattern: string | RegExp, route: Route): this {
    return super.on(method, pattern, (req, params) => {
      if (method === 'GET' && this.laterFailures?.length) {
        if (this.answeredBeforeFailing > 0) this.answeredBeforeFailing--;
        else return this.laterFailures.shift()!;
      }
      return route(req, params);
    });
  }
}

/**
 * Deletion detection: a run that reads the whole object (FULL, or an object without incremental
 * reads) and reaches its last page marks the links of records the provider no longer lists
 * DELETED and counts them in recordsDeleted; HotCRM's records stay. Nothing is marked by an
 * incremental, failed or cancelled read, and a run resumed mid-read still counts the pages it
 * read before stopping.
 */
describe('sync deletion detection on full reads', () => {
  let t: TestService;
  let stripe: InterruptibleStripeServer;
  let configId: string;
  /** Customers taken out of Stripe by the tests, by id, to put back. */
  const removed = new Map<string, any>();
  /** Removed while a run failed: counted by the next complete read. */
  let missedByFailedRun: string[] = [];

  const waitForRun = (id: string) => waitForRunEnd((q, v) => t.gql(q, v), id, 30_000, RUN);
  const trigger = async (mode?: 'FULL' | 'INCREMENTAL') => waitForRun(((await t.gql(TRIGGER, { id: configId, mode })) as any).data.triggerSync.id);
  const customers = () => stripe.store.get('customers')! as any[];
  const remove = (...indexes: number[]) => {
    const ids = indexes.map((i) => customers()[i].id as string);
    for (const id of ids) {
      const at = customers().findIndex((c) => c.id === id);
      removed.set(id, customers().splice(at, 1)[0]);
    }
    return ids;
  };
  /** Every link of the config (externalLinks, page by page): status by external id. */
  const linkStatuses = async () => {
    const statuses = new Map<string, string>();
    let after: string | null = null;
    do {
      const res: any = await t.gql(LINKS, { id: configId, after });
      if (res.errors) throw new Error(JSON.stringify(res.errors));
      for (const { node } of res.data.externalLinks.edges) statuses.set(node.externalId, node.status);
      after = res.data.externalLinks.pageInfo.hasNextPage ? res.data.externalLinks.pageInfo.endCursor : null;
    } while (after);
    return statuses;
  };
  const deletedIds = async () =>
    [...(await linkStatuses())]
      .filter(([, status]) => status === 'DELETED')
      .map(([id]) => id)
      .sort();
  const accountCount = async () =>
    Number(
      (await t.service.db.query(`SELECT count(*) FROM crm_record WHERE organization_id = 'default' AND object = 'account' AND deleted_at IS NULL`))[0].count,
    );

  beforeAll(async () => {
    stripe = await new InterruptibleStripeServer().start();
    stripe.seedCustomers(250); // three pages of 100
    t = await startTestService({ PROVIDER_RETRY_BASE_DELAY_MS: '5', SYNC_RETRY_BASE_SECONDS: '0' });
    ({ configId } = await setupInboundSync((q, v) => t.gql(q, v), stripe));
    const first = await trigger();
    expect(first).toMatchObject({ status: 'COMPLETED', mode: 'FULL', recordsCreated: 250, recordsDeleted: 0 });
  });
  afterAll(async () => {
    await t.stop();
    await stripe.stop();
  });

  it('marks the links of customers Stripe no longer lists DELETED after a complete FULL read, and keeps the accounts', async () => {
    // One from each page: Stripe lists newest first.
    const gone = remove(0, 120, 247);
    const run = await trigger('FULL');
    expect(run).toMatchObject({
      status: 'COMPLETED',
      mode: 'FULL',
      recordsProcessed: 247,
      recordsCreated: 0,
      recordsUpdated: 0,
      recordsDeleted: 3,
      recordsFailed: 0,
    });
    expect(run.logs).toContainEqual(
      expect.objectContaining({ level: 'info', code: 'DELETED', message: expect.stringContaining('3 customers no longer listed by stripe') }),
    );
    expect(await deletedIds()).toEqual([...gone].sort());
    expect(await accountCount()).toBe(250);

    // The account shows its link as DELETED (federation), with the last values synced.
    const [{ internal_id: accountId }] = await t.service.db.query('SELECT internal_id FROM external_link WHERE external_id = $1', [gone[1]]);
    const res: any = await t.gql(
      'query($r: [_Any!]!) { _entities(representations: $r) { ... on Account { externalLinks { externalId status lastSyncedData } } } }',
      { r: [{ __typename: 'Account', id: accountId }] },
    );
    expect(res.data._entities[0].externalLinks).toEqual([
      { externalId: gone[1], status: 'DELETED', lastSyncedData: expect.objectContaining({ email: removed.get(gone[1]).email }) },
    ]);

    // Nothing more is gone: a second FULL read counts none again.
    expect(await trigger('FULL')).toMatchObject({ status: 'COMPLETED', recordsDeleted: 0 });
    expect(await deletedIds()).toEqual([...gone].sort());
  });

  it('detects nothing on an incremental read, which does not list every record', async () => {
    const [gone] = remove(10);
    stripe.seedCustomers(1);
    const incremental = await trigger();
    expect(incremental).toMatchObject({ status: 'COMPLETED', mode: 'INCREMENTAL', recordsProcessed: 1, recordsCreated: 1, recordsDeleted: 0 });
    expect((await linkStatuses()).get(gone)).toBe('SYNCED');

    const full = await trigger('FULL');
    expect(full).toMatchObject({ status: 'COMPLETED', recordsDeleted: 1 });
    expect((await linkStatuses()).get(gone)).toBe('DELETED');
  });

  it('links a record listed again SYNCED again', async () => {
    const [back] = [...removed.keys()];
    customers().push(removed.get(back));
    removed.delete(back);
    const run = await trigger('FULL');
    expect(run).toMatchObject({ status: 'COMPLETED', recordsDeleted: 0, recordsCreated: 0, recordsUpdated: 1 });
    expect((await linkStatuses()).get(back)).toBe('SYNCED');
  });

  it('marks nothing when the read fails before its last page', async () => {
    const before = await deletedIds();
    const gone = remove(5, 200);
    // Page 1 is answered, page 2 is refused: a non-transient error fails the run at once.
    stripe.failAfter(1, { status: 400, body: { error: { type: 'invalid_request_error', message: 'Invalid starting_after' } } });
    const failed = await trigger('FULL');
    expect(failed).toMatchObject({ status: 'FAILED', recordsProcessed: 100, recordsDeleted: 0 });
    expect(failed.errorDetails).toContain('Invalid starting_after');
    expect(await deletedIds()).toEqual(before);
    // The ids the failed run saw are never swept; the maintenance job drops them.
    const [{ rows }] = await t.service.db.query('SELECT count(*)::int AS rows FROM sync_run_seen WHERE sync_run_id = $1', [failed.id]);
    expect(rows).toBeGreaterThan(0);
    await clearSeenOfEndedRuns(t.service.db);
    expect((await t.service.db.query('SELECT count(*)::int AS rows FROM sync_run_seen'))[0].rows).toBe(0);
    missedByFailedRun = gone;
  });

  it('counts the pages read before an interruption when the run resumes', async () => {
    const gone = missedByFailedRun;
    const before = await deletedIds();
    // Page 1 commits; page 2 keeps answering 503 past the request's own retries, so the attempt
    // fails and the run is queued again, resuming at page 2 with page 1's ids already recorded.
    stripe.failAfter(1, ...Array.from({ length: 5 }, () => ({ status: 503, body: { error: { type: 'api_error', message: 'Stripe is down' } } })));
    const run = await trigger('FULL');
    expect(run).toMatchObject({ status: 'COMPLETED', recordsDeleted: 2 });
    expect(run.logs.some((l: any) => l.code === 'RETRY')).toBe(true);
    const [{ attempts }] = await t.service.db.query('SELECT attempts FROM sync_run WHERE id = $1', [run.id]);
    expect(attempts).toBe(2);
    expect(await deletedIds()).toEqual([...before, ...gone].sort());
  });
});

/**
 * Bidirectional runs read the external side the same way: a complete read marks what it missed,
 * and HotCRM's side of such a record is then neither written back (recreating a record someone
 * deleted) nor failed on (its external record cannot be read).
 */
describe('sync deletion detection on bidirectional runs', () => {
  let t: TestService;
  let stripe: StripeServer;
  let configId: string;

  const trigger = async (mode?: 'FULL') =>
    waitForRunEnd((q, v) => t.gql(q, v), ((await t.gql(TRIGGER, { id: configId, mode })) as any).data.triggerSync.id, 30_000, RUN);

  beforeAll(async () => {
    stripe = await new StripeServer().start();
    stripe.seedCustomers(5);
    t = await startTestService({ PROVIDER_RETRY_BASE_DELAY_MS: '5' });
    const { connectionId } = await setupInboundSync((q, v) => t.gql(q, v), stripe);
    const mapping: any = await t.gql('mutation($input: CreateFieldMappingInput!) { createFieldMapping(input: $input) { id } }', {
      input: {
        name: 'both ways',
        sourceObject: 'customers',
        targetObject: 'account',
        rules: [
          { sourceField: 'name', targetField: 'name' },
          { sourceField: 'email', targetField: 'email' },
        ],
      },
    });
    const config: any = await t.gql('mutation($input: CreateSyncConfigInput!) { createSyncConfig(input: $input) { id } }', {
      input: {
        name: 'both ways',
        connectionId,
        sourceObject: 'customers',
        targetObject: 'account',
        direction: 'BIDIRECTIONAL',
        frequency: 'manual',
        conflictResolution: 'SOURCE_WINS',
        fieldMappingId: mapping.data.createFieldMapping.id,
      },
    });
    configId = config.data.createSyncConfig.id;
    expect(await trigger()).toMatchObject({ status: 'COMPLETED', mode: 'FULL', recordsCreated: 5, recordsDeleted: 0 });
  });
  afterAll(async () => {
    await t.stop();
    await stripe.stop();
  });

  it('marks a customer deleted in Stripe and leaves its edited account alone', async () => {
    const customers = stripe.store.get('customers')! as any[];
    const [gone] = customers.splice(2, 1);
    const [{ internal_id: accountId }] = await t.service.db.query('SELECT internal_id FROM external_link WHERE external_id = $1', [gone.id]);
    await new BuiltInCrmStore(t.service.db).upsert('default', 'account', [{ id: accountId, data: { name: 'Edited after the customer was deleted' } }]);

    const run = await trigger('FULL');
    expect(run).toMatchObject({ status: 'COMPLETED', recordsDeleted: 1, recordsCreated: 0, recordsFailed: 0 });
    const [{ status }] = await t.service.db.query('SELECT status FROM external_link WHERE external_id = $1', [gone.id]);
    expect(status).toBe('DELETED');
    expect(customers).toHaveLength(4); // not recreated
    expect(stripe.requests.filter((r) => r.method === 'GET' && r.path === `/v1/customers/${gone.id}`)).toHaveLength(0);
  });
});
