import { PROCESS_ENV, removeDataDir, ServiceProcess, spawnService, stopProcess, waitUntil } from './support/process';
import { BOOTSTRAP_KEY } from './support/service';
import { embeddedDatabaseUrl, gqlClient, sql } from './support/sync-fixtures';
import { WebhookReceiver } from './support/webhook-receiver';

/**
 * No event is lost when the worker dies mid-delivery: an api process records events, a worker
 * process delivering them is killed -9 while requests are in flight, a new worker picks the
 * orphaned jobs up, and every event reaches the receiver, each with one webhook-id on all its attempts.
 */
describe('webhook delivery across a worker crash', () => {
  let api: ServiceProcess | undefined;
  let worker: ServiceProcess | undefined;
  let receiver: WebhookReceiver;

  afterAll(async () => {
    await stopProcess(worker);
    await stopProcess(api);
    await receiver?.stop();
    if (api) removeDataDir(api.dataDir);
  });

  it('delivers every event after kill -9 of the worker, with the same webhook-id on every attempt', async () => {
    receiver = await new WebhookReceiver().start();
    // Slow answers keep requests in flight when the worker dies.
    receiver.answer(() => ({ status: 200, delayMs: 1500 }));
    api = await spawnService({ ...PROCESS_ENV, ROLE: 'api' });
    const databaseUrl = embeddedDatabaseUrl(api.dataDir);
    worker = await spawnService({ ...PROCESS_ENV, ROLE: 'worker', DATABASE_URL: databaseUrl });
    const gql = gqlClient(api.url, BOOTSTRAP_KEY);

    const sub = await gql('mutation($input: CreateWebhookSubscriptionInput!) { createWebhookSubscription(input: $input) { subscription { id } } }', {
      input: { name: 'crash', eventTypes: ['crash.check'], targetUrl: receiver.url },
    });
    expect(sub.errors).toBeUndefined();
    const published: string[] = [];
    for (let i = 0; i < 20; i++) {
      const res = await gql('mutation($input: PublishEventInput!) { publishEvent(input: $input) { id } }', { input: { type: 'crash.check', data: { i } } });
      published.push(res.data.publishEvent.id);
    }
    await receiver.waitFor((r) => r.length >= 1, 20_000);
    worker.child.kill('SIGKILL');
    await worker.exited;
    const [{ n: inFlight }] = await sql(databaseUrl, "SELECT count(*)::int AS n FROM webhook_delivery WHERE status <> 'SUCCESS'");
    expect(inFlight).toBeGreaterThan(0);

    receiver.answer(() => ({ status: 200 }));
    worker = await spawnService({ ...PROCESS_ENV, ROLE: 'worker', DATABASE_URL: databaseUrl });
    await waitUntil(
      async () => (await sql(databaseUrl, "SELECT count(*)::int AS n FROM webhook_delivery WHERE status = 'SUCCESS'"))[0].n === published.length,
      120_000,
      () => worker!.output(),
    );

    const byEvent = new Map<string, Set<string>>();
    for (const r of receiver.received) byEvent.set(r.json.id, (byEvent.get(r.json.id) ?? new Set()).add(r.id));
    expect([...byEvent.keys()].sort()).toEqual([...published].sort());
    for (const ids of byEvent.values()) expect(ids.size).toBe(1);
    const rows = await sql(databaseUrl, 'SELECT message_id FROM webhook_delivery');
    expect(new Set(rows.map((r) => r.message_id))).toEqual(new Set(receiver.received.map((r) => r.id)));
  }, 180_000);
});
