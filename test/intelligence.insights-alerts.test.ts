import type { Client } from 'graphql-ws';
import { setTimeout as sleep } from 'node:timers/promises';
import { StripeServer } from './providers/stripe.server';
import { seedRunHistory, wobble } from './support/run-history';
import { BOOTSTRAP_KEY, gatewayToken, startTestService, TestService } from './support/service';
import { setupInboundSync, TRIGGER, waitForRunEnd } from './support/sync-fixtures';
import { notifyUntil, watch, Watched, wsClient } from './support/ws-client';
import { WebhookReceiver } from './support/webhook-receiver';

const ALERTS = 'subscription { integrationAlert { id severity code message syncConfigId connectionId webhookSubscriptionId at } }';
const EVENTS = `query { integrationEvents(type: "integration.sync.anomaly") { edges { node { type source objectType recordId data deliveryCount } } } }`;

/**
 * A run that ends out of line with its config's history raises an alert: on the integrationAlert
 * subscription (graphql-ws, this organization only), as an integration.sync.anomaly event, and as
 * a webhook to subscribers of that event. The history is seeded; the run is real (a local Stripe).
 */
describe('integrationAlert: anomalies detected when a run ends', () => {
  let t: TestService;
  let stripe: StripeServer;
  let receiver: WebhookReceiver;
  let configId: string;
  let connectionId: string;
  const clients: Client[] = [];
  let mine: Watched;
  let theirs: Watched;

  /** An alert row straight into the table and its notice, until each subscriber has seen one. */
  async function probe(org: string, watched: Watched): Promise<void> {
    const [{ id }] = await t.service.db.query(
      `INSERT INTO integration_alert (organization_id, severity, code, message) VALUES ($1, 'INFO', 'PROBE', 'probe') RETURNING id`,
      [org],
    );
    const notice = JSON.stringify({ topic: 'integration_alert', organizationId: org, id });
    await notifyUntil(
      () => t.service.db.query(`SELECT pg_notify('integration_changes', $1)`, [notice]).then(() => undefined),
      () => watched.received.length > 0,
    );
  }

  beforeAll(async () => {
    stripe = await new StripeServer().start();
    stripe.seedCustomers(230);
    receiver = await new WebhookReceiver().start();
    t = await startTestService({ PROVIDER_RETRY_BASE_DELAY_MS: '5', SYNC_RETRY_BASE_SECONDS: '0' });
    ({ configId, connectionId } = await setupInboundSync((q, v) => t.gql(q, v), stripe));
    const hook = await t.gql('mutation($input: CreateWebhookSubscriptionInput!) { createWebhookSubscription(input: $input) { subscription { id } } }', {
      input: { name: 'Anomalies', eventTypes: ['integration.sync.anomaly'], targetUrl: receiver.url },
    });
    expect(hook.errors).toBeUndefined();

    clients.push(wsClient(t.url, BOOTSTRAP_KEY), wsClient(t.url, await gatewayToken('org-b', ['read:sync'])));
    mine = watch(clients[0], ALERTS);
    theirs = watch(clients[1], ALERTS);
    await probe('default', mine);
    await probe('org-b', theirs);
  });
  afterAll(async () => {
    mine?.stop();
    theirs?.stop();
    await Promise.all(clients.map((c) => c.dispose()));
    await t.stop();
    await stripe.stop();
    await receiver.stop();
  });

  it('streams a volume spike to the organization, records the event and delivers its webhook', async () => {
    // Twenty routine runs that each read about ten customers; the real run reads 230.
    await seedRunHistory(
      t.service.db,
      'default',
      configId,
      Array.from({ length: 20 }, (_, i) => ({ processed: wobble(10, 2, i), updated: 2, durationMs: wobble(400, 50, i) })),
    );
    const alertsBefore = mine.received.length;

    const started = await t.gql(TRIGGER, { id: configId });
    const run = await waitForRunEnd((q, v) => t.gql(q, v), started.data!.triggerSync.id, 20_000);
    expect(run).toMatchObject({ status: 'COMPLETED', recordsProcessed: 230 });

    for (let i = 0; i < 200 && !mine.received.slice(alertsBefore).some((m) => m.data?.integrationAlert?.code === 'SYNC_VOLUME_SPIKE'); i++) await sleep(50);
    const alert = mine.received
      .slice(alertsBefore)
      .map((m) => m.data?.integrationAlert)
      .find((a) => a?.code === 'SYNC_VOLUME_SPIKE');
    expect(alert).toMatchObject({ severity: 'WARNING', syncConfigId: configId, connectionId, webhookSubscriptionId: null });
    expect(alert.message).toMatch(/^Customers \(manual\): This full run processed 230 records; the previous 20 processed a median of 1\d/);
    expect(new Date(alert.at).getTime()).toBe(new Date(run.completedAt).getTime());
    // The other organization's subscriber heard only its own probe.
    expect(theirs.received.map((m) => m.data?.integrationAlert?.code)).toEqual(['PROBE']);

    const events = await t.gql(EVENTS);
    expect(events.data!.integrationEvents.edges).toHaveLength(1);
    const event = events.data!.integrationEvents.edges[0].node;
    expect(event).toMatchObject({ type: 'integration.sync.anomaly', source: 'hotcrm', objectType: 'sync_run', recordId: run.id, deliveryCount: 1 });
    expect(event.data).toMatchObject({ syncRunId: run.id, syncConfigId: configId, connectionId });
    expect(event.data.anomalies).toContainEqual(
      expect.objectContaining({ code: 'SYNC_VOLUME_SPIKE', metric: 'recordsProcessed', observed: 230, severity: 'WARNING' }),
    );

    const [delivered] = await receiver.waitFor((r) => r.some((w) => w.json?.type === 'integration.sync.anomaly'));
    expect(delivered.json.data.syncRunId).toBe(run.id);

    // syncInsights reports the same anomaly on demand.
    const insights = await t.gql('query($id: ID!) { syncInsights(syncConfigId: $id) { anomalies { metric observed } } }', { id: configId });
    expect(insights.data!.syncInsights.anomalies).toContainEqual({ metric: 'recordsProcessed', observed: 230 });
  });

  it('raises nothing for a run in line with its history', async () => {
    // A second config over the same customers whose history already reads 230 per run.
    const second = await setupInboundSync((q, v) => t.gql(q, v), stripe, 'hourly');
    await seedRunHistory(
      t.service.db,
      'default',
      second.configId,
      Array.from({ length: 20 }, (_, i) => ({ processed: 230, created: 0, updated: 0, durationMs: wobble(5000, 300, i) })),
    );
    const before = (await t.service.db.query(`SELECT count(*)::int AS n FROM integration_alert WHERE sync_config_id = $1`, [second.configId]))[0].n;
    const started = await t.gql(TRIGGER, { id: second.configId });
    const run = await waitForRunEnd((q, v) => t.gql(q, v), started.data!.triggerSync.id, 20_000);
    expect(run).toMatchObject({ status: 'COMPLETED', recordsProcessed: 230 });
    // afterRun runs inside the job after the run's end commits: wait for pg-boss to call the job done.
    const [{ job_id: jobId }] = await t.service.db.query('SELECT job_id FROM sync_run WHERE id = $1', [run.id]);
    for (let i = 0; i < 200; i++) {
      const [job] = await t.service.db.query('SELECT state FROM pgboss.job WHERE id = $1', [jobId]);
      if (job?.state === 'completed') break;
      await sleep(50);
    }
    expect((await t.service.db.query('SELECT state FROM pgboss.job WHERE id = $1', [jobId]))[0].state).toBe('completed');
    const [{ n }] = await t.service.db.query(`SELECT count(*)::int AS n FROM integration_alert WHERE sync_config_id = $1`, [second.configId]);
    expect(before).toBe(0);
    expect(n).toBe(0);
  });
});
