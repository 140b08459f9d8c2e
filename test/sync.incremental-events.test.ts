import { StripeServer } from './providers/stripe.server';
import { startTestService, TestService } from './support/service';
import { setupInboundSync, TRIGGER, waitForRunEnd } from './support/sync-fixtures';

const RUN = `query($id: ID!) { syncRun(id: $id) { id status mode recordsProcessed recordsCreated recordsUpdated recordsDeleted recordsFailed
  errorDetails logs { level message code externalId } } }`;
const LINKS = `query($id: ID!) { externalLinks(syncConfigId: $id, first: 100) { edges { node { externalId status internalId } } } }`;
const ACCOUNTS = `query($reps: [_Any!]!) { _entities(representations: $reps) { ... on Account { id externalLinks { externalId status } } } }`;

/**
 * An INCREMENTAL run sees creates, updates and deletes (issue 16, "Every change seen"): Stripe
 * through its Events API, so an edited customer is updated and a deleted one's link is marked
 * DELETED and counted in recordsDeleted; a checkpoint older than Stripe's 30 days of events falls
 * back to a FULL read, logged, which sweeps what it no longer lists.
 */
describe('incremental sync sees every change', () => {
  let t: TestService;
  let stripe: StripeServer;
  let configId: string;

  const run = async (mode: 'FULL' | 'INCREMENTAL') => {
    const res: any = await t.gql(TRIGGER, { id: configId, mode });
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return waitForRunEnd((q, v) => t.gql(q, v), res.data.triggerSync.id, 30_000, RUN);
  };
  const links = async () => {
    const res: any = await t.gql(LINKS, { id: configId });
    return new Map<string, string>(res.data.externalLinks.edges.map(({ node }: any) => [node.externalId, node.status]));
  };
  /** Stripe's own endpoints, as the Dashboard or another integration would call them. */
  const api = (method: string, path: string, form?: Record<string, string>) =>
    fetch(`${stripe.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${stripe.apiKey}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: form ? new URLSearchParams(form).toString() : undefined,
    }).then((res) => res.json() as Promise<any>);

  beforeAll(async () => {
    stripe = await new StripeServer().start();
    stripe.seedCustomers(6);
    t = await startTestService({ PROVIDER_RETRY_BASE_DELAY_MS: '5' });
    ({ configId } = await setupInboundSync((q, v) => t.gql(q, v), stripe));
  });
  afterAll(async () => {
    await t?.stop();
    await stripe?.stop();
  });

  it('after a FULL run, an INCREMENTAL run updates the edited, creates the new and marks the deleted', async () => {
    const first = await run('FULL');
    expect(first).toMatchObject({ status: 'COMPLETED', recordsCreated: 6 });
    const [edited, gone] = (stripe.store.get('customers') as any[]).slice(0, 2);

    await api('POST', `/v1/customers/${edited.id}`, { name: 'Renamed in Stripe' });
    expect(await api('DELETE', `/v1/customers/${gone.id}`)).toMatchObject({ id: gone.id, deleted: true });
    const created = await api('POST', '/v1/customers', { name: 'Brand new', email: 'new@example.com' });

    const next = await run('INCREMENTAL');
    expect(next).toMatchObject({ status: 'COMPLETED', mode: 'INCREMENTAL', recordsCreated: 1, recordsUpdated: 1, recordsDeleted: 1, recordsFailed: 0 });
    expect(next.logs).toEqual(expect.arrayContaining([expect.objectContaining({ code: 'DELETED' })]));
    const statuses = await links();
    expect(statuses.get(gone.id)).toBe('DELETED');
    expect(statuses.get(created.id)).toBe('SYNCED');
    expect(statuses.get(edited.id)).toBe('SYNCED');
    expect([...statuses.values()].filter((s) => s === 'DELETED')).toHaveLength(1);

    // A deletion reported again (or of a record never synced) changes nothing.
    const quiet = await run('INCREMENTAL');
    expect(quiet).toMatchObject({ status: 'COMPLETED', recordsDeleted: 0, recordsCreated: 0 });
  });

  it('a checkpoint older than Stripe keeps events for is read in FULL instead, logged, and sweeps', async () => {
    await run('INCREMENTAL'); // a checkpoint at Stripe's clock now
    const [vanished] = (stripe.store.get('customers') as any[]).slice(-1);
    stripe.remove('customers', vanished.id);
    stripe.advance(31 * 86_400);

    const late = await run('INCREMENTAL');
    expect(late.status).toBe('COMPLETED');
    expect(late.logs).toEqual(expect.arrayContaining([expect.objectContaining({ code: 'FULL_READ_REQUIRED', level: 'warn' })]));
    expect(late.recordsDeleted).toBe(1);
    expect((await links()).get(vanished.id)).toBe('DELETED');
  });

  it('the account behind a deleted customer stays in HotCRM, its link DELETED', async () => {
    const res: any = await t.gql(LINKS, { id: configId });
    const deleted = res.data.externalLinks.edges.map(({ node }: any) => node).find((n: any) => n.status === 'DELETED');
    const accounts: any = await t.gql(ACCOUNTS, { reps: [{ __typename: 'Account', id: deleted.internalId }] });
    expect(accounts.data._entities[0].externalLinks).toEqual(expect.arrayContaining([{ externalId: deleted.externalId, status: 'DELETED' }]));
  });
});
