import type { ConnectorCall, ConnectorRecord } from '../src/connectors/connector.handler';
import { stripe as definition } from '../src/providers/stripe/stripe.connector';
import { StripeServer } from './providers/stripe.server';
import { bindNewConnection, startTestService, TestService } from './support/service';

const RECORDS = 'query($id: ID!, $object: String!) { connectionRecords(connectionId: $id, object: $object) { records nextCursor } }';
const DAY = 86_400;

/**
 * Stripe's incremental reads through the Events API (GET /v1/events), against the local server
 * speaking Stripe's documented API: edits, new records and deletions since a checkpoint, the
 * newest state of an object winning, the 30 days Stripe keeps, canceled subscriptions.
 */
describe('Stripe connector: incremental reads through events', () => {
  const handler = definition.handler!;
  let t: TestService;
  let stripe: StripeServer;
  let call: ConnectorCall;
  let connectionId: string;

  const events = () => stripe.requests.filter((r) => r.path === '/v1/events');
  const ids = (records: ConnectorRecord[]) => records.map((r) => r.id);
  /** Where a full read of `object` leaves the checkpoint. */
  const fullRead = async (object: string) => (await handler.list(call, object, { pageSize: 100 })).checkpoint as number;
  /** Stripe's own endpoints, as another integration or the Dashboard would call them. */
  const api = async (method: string, path: string) =>
    (await fetch(`${stripe.url}${path}`, { method, headers: { authorization: `Bearer ${stripe.apiKey}` } })).json() as Promise<any>;

  beforeAll(async () => {
    stripe = await new StripeServer().start();
    t = await startTestService({ PROVIDER_RETRY_BASE_DELAY_MS: '5' });
    const input = { connectorKey: 'stripe', name: 'Stripe (local)', credentials: { apiKey: stripe.apiKey }, config: { baseUrl: stripe.url } };
    call = await bindNewConnection(t, input);
    const res: any = await t.gql('mutation($input: CreateConnectionInput!) { createConnection(input: $input) { id } }', { input });
    connectionId = res.data.createConnection.id;
  });
  afterAll(async () => {
    await t.stop();
    await stripe.stop();
  });

  it('a full read checkpoints Stripe’s clock; the next read returns the edited and new customers and the deleted ids', async () => {
    const [edited, twice, gone] = stripe.seedCustomers(5);
    const since = await fullRead('customers');
    expect(since).toBe(stripe.now() - 1); // the second before the read: all its events were there

    await handler.update!(call, 'customers', edited.id, { name: 'Edited in HotCRM' });
    stripe.update('customers', twice.id, { email: 'first@example.com' });
    stripe.update('customers', twice.id, { email: 'second@example.com' }); // the newest event wins
    const created = await handler.create!(call, 'customers', { name: 'New', email: 'new@example.com' });
    expect(await api('DELETE', `/v1/customers/${gone.id}`)).toEqual({ id: gone.id, object: 'customer', deleted: true });
    const shortLived = stripe.add('customers', { name: 'Short-lived' });
    stripe.remove('customers', shortLived.id);

    const page = await handler.list(call, 'customers', { since, pageSize: 100 });
    expect(ids(page.records).sort()).toEqual([edited.id, twice.id, created.id].sort());
    expect(page.records.find((r) => r.id === edited.id)).toMatchObject({ name: 'Edited in HotCRM', email: edited.email });
    expect(page.records.find((r) => r.id === twice.id)).toMatchObject({ email: 'second@example.com' });
    expect(page.deleted).toEqual([gone.id, shortLived.id]);
    expect(page).toMatchObject({ nextCursor: null, checkpoint: stripe.now() - 1 });
    // Each change is versioned by its newest event's `created` (ms), for per-record ordering against webhook events.
    const newest = (id: string) => [...stripe.events.events].reverse().find((e) => e.data.object.id === id)!.created * 1000;
    expect(page.versions).toEqual(Object.fromEntries([edited, twice, created, gone, shortLived].map((c) => [c.id, newest(String(c.id))])));
    const request = events().pop()!;
    expect(request.query.getAll('types[]')).toEqual(['customer.created', 'customer.updated', 'customer.deleted']);
    expect(Object.fromEntries([...request.query].filter(([key]) => key !== 'types[]'))).toEqual({ 'created[gt]': String(since), limit: '100' });

    // Nothing since: nothing read, and the checkpoint stays where it was.
    expect(await handler.list(call, 'customers', { since: page.checkpoint })).toEqual({
      records: [],
      deleted: [],
      versions: {},
      nextCursor: null,
      checkpoint: page.checkpoint,
    });
  });

  it('pages through events newest first with starting_after until has_more is false', async () => {
    const since = stripe.now() - 1;
    const seeded = stripe.seedCustomers(150);
    const before = events().length;
    const page = await handler.list(call, 'customers', { since });
    expect(ids(page.records).sort()).toEqual(ids(seeded).sort());
    const [first, second] = events().slice(before);
    expect(first.query.get('starting_after')).toBeNull();
    expect(second.query.get('starting_after')).toMatch(/^evt_/);
    expect(events().length - before).toBe(2);
  });

  it('asks for a full read when the checkpoint is older than the 30 days of events Stripe keeps', async () => {
    const since = stripe.now() - 1;
    stripe.seedCustomers(1);
    stripe.advance(31 * DAY);
    const page = await handler.list(call, 'customers', { since });
    expect(page).toEqual({ records: [], nextCursor: null, fullReadRequired: expect.stringContaining('Stripe keeps 30 days of events') });
    expect(page.fullReadRequired).toContain(new Date(since * 1000).toISOString());
    // And Stripe itself no longer lists events that old.
    expect((await api('GET', `/v1/events?created[gt]=${since}`)).data).toEqual([]);
  });

  it('sees a paid invoice (invoice.paid), a deleted draft, and refuses to delete a finalized one', async () => {
    const [open, draft] = [
      stripe.add('invoices', { number: 'INV-1', customer: 'cus_1', status: 'open', total: 1000, amount_paid: 0 }),
      stripe.add('invoices', { number: 'INV-2', customer: 'cus_1', status: 'draft', total: 500 }),
    ];
    const since = await fullRead('invoices');
    stripe.update('invoices', open.id, { status: 'paid', amount_paid: 1000 }, 'invoice.paid');
    expect(await api('DELETE', `/v1/invoices/${draft.id}`)).toEqual({ id: draft.id, object: 'invoice', deleted: true });
    expect(await api('DELETE', `/v1/invoices/${open.id}`)).toMatchObject({ error: { type: 'invalid_request_error' } });
    const page = await handler.list(call, 'invoices', { since });
    expect(page.records).toEqual([expect.objectContaining({ id: open.id, status: 'paid', amount_paid: 1000 })]);
    expect(page.deleted).toEqual([draft.id]);
    expect(events().pop()!.query.getAll('types[]')).toEqual(expect.arrayContaining(['invoice.paid', 'invoice.voided', 'invoice.deleted']));
  });

  it('lists canceled subscriptions (status=all), and reads a cancellation as an update, not a deletion', async () => {
    const [active, canceled] = ['active', 'active'].map((status) => stripe.add('subscriptions', { customer: 'cus_1', status }));
    expect((await api('DELETE', `/v1/subscriptions/${canceled.id}`)).status).toBe('canceled');
    // Stripe's default list leaves canceled subscriptions out; the connector asks for all of them.
    expect(ids((await api('GET', '/v1/subscriptions')).data)).toEqual([active.id]);
    const res: any = await t.gql(RECORDS, { id: connectionId, object: 'subscriptions' });
    expect(res.errors).toBeUndefined();
    expect(ids(res.data.connectionRecords.records).sort()).toEqual([active.id, canceled.id].sort());
    expect(
      stripe.requests
        .filter((r) => r.path === '/v1/subscriptions')
        .pop()!
        .query.get('status'),
    ).toBe('all');

    const since = await fullRead('subscriptions');
    await api('DELETE', `/v1/subscriptions/${active.id}`);
    const page = await handler.list(call, 'subscriptions', { since });
    expect(page.records).toEqual([expect.objectContaining({ id: active.id, status: 'canceled' })]);
    expect(page.deleted).toEqual([]);
  });

  it('serves GET /v1/events as Stripe documents it', async () => {
    const since = stripe.now() - 1;
    const [a, b] = stripe.seedCustomers(2);
    stripe.update('customers', a.id, { name: 'Renamed' });
    const list = await api('GET', `/v1/events?created[gt]=${since}&type=customer.*`);
    expect(list).toMatchObject({ object: 'list', url: '/v1/events', has_more: false });
    expect(list.data.map((e: any) => [e.type, e.data.object.id])).toEqual([
      ['customer.updated', a.id],
      ['customer.created', b.id],
      ['customer.created', a.id],
    ]);
    expect(list.data[0]).toMatchObject({
      id: expect.stringMatching(/^evt_/),
      object: 'event',
      api_version: expect.any(String),
      created: stripe.now() - 1,
      livemode: false,
      pending_webhooks: 0,
      request: { id: null, idempotency_key: null },
      data: { object: { id: a.id, name: 'Renamed' }, previous_attributes: { name: 'Customer 0' } },
    });
    // ending_before walks towards newer events: the page just newer than the cursor, newest first.
    const newer = await api('GET', `/v1/events?created[gt]=${since}&limit=1&ending_before=${list.data[2].id}`);
    expect(newer).toMatchObject({ has_more: true, data: [{ id: list.data[1].id }] });
    expect(await api('GET', `/v1/events/${list.data[0].id}`)).toMatchObject({ id: list.data[0].id });
    expect(await api('GET', '/v1/events?type=customer.created&types[]=customer.updated')).toMatchObject({
      error: { type: 'invalid_request_error', param: 'types' },
    });
    expect(await api('GET', `/v1/events?starting_after=${list.data[0].id}&ending_before=${list.data[1].id}`)).toMatchObject({
      error: { type: 'invalid_request_error' },
    });
    expect(await api('GET', '/v1/events?starting_after=evt_missing')).toMatchObject({ error: { code: 'resource_missing', param: 'starting_after' } });
    expect(await api('GET', '/v1/events?limit=101')).toMatchObject({ error: { code: 'parameter_invalid_integer', param: 'limit' } });
  });
});
