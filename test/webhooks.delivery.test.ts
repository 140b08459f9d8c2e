import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { startTestService, TestService, BOOTSTRAP_KEY } from './support/service';
import { sql } from './support/sync-fixtures';
import { WebhookReceiver } from './support/webhook-receiver';

const CREATE = `mutation($input: CreateWebhookSubscriptionInput!) {
  createWebhookSubscription(input: $input) { secret subscription {
    id name eventTypes targetUrl status retryPolicy maxRetries filters secretHint lastTriggeredAt } } }`;
const PUBLISH = `mutation($input: PublishEventInput!) { publishEvent(input: $input) { id type source objectType recordId data occurredAt deliveryCount } }`;
const DELIVERIES = `query($id: ID!, $status: WebhookDeliveryStatus) { webhookSubscription(id: $id) { id status disabledReason lastTriggeredAt
  deliveries(first: 50, status: $status) { totalCount edges { node { id messageId eventId eventType payload status attemptCount deliveredAt nextAttemptAt
  attempts { attemptNumber at responseStatus responseBody durationMs error } } } } } }`;

/**
 * Outbound webhooks end to end: subscriptions created through GraphQL, events published through
 * GraphQL, a receiver on 127.0.0.1 verifying every request with the standardwebhooks library.
 */
describe('webhook deliveries', () => {
  let t: TestService;
  let receiver: WebhookReceiver;

  const create = async (input: Record<string, unknown>) => {
    const res: any = await t.gql(CREATE, { input: { name: 'hook', eventTypes: ['*'], targetUrl: receiver.url, ...input } });
    expect(res.errors).toBeUndefined();
    return res.data.createWebhookSubscription as { secret: string; subscription: any };
  };
  const publish = async (input: Record<string, unknown>) => {
    const res: any = await t.gql(PUBLISH, { input });
    expect(res.errors).toBeUndefined();
    return res.data.publishEvent;
  };
  const deliveries = async (id: string, status?: string) => ((await t.gql(DELIVERIES, { id, status })) as any).data.webhookSubscription;
  const waitForDelivery = async (subscriptionId: string, check: (d: any) => boolean, ms = 15_000) => {
    const deadline = Date.now() + ms;
    for (;;) {
      const sub = await deliveries(subscriptionId);
      const found = sub.deliveries.edges.map((e: any) => e.node).find(check);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no matching delivery: ${JSON.stringify(sub.deliveries.edges.map((e: any) => e.node.status))}`);
      await new Promise((r) => setTimeout(r, 150));
    }
  };
  const pause = async (id: string) => t.gql('mutation($id: ID!) { updateWebhookSubscription(id: $id, input: { status: INACTIVE }) { id } }', { id });

  beforeAll(async () => {
    receiver = await new WebhookReceiver().start();
    t = await startTestService();
  });
  afterAll(async () => {
    await t?.stop();
    await receiver?.stop();
  });

  it('signs each delivery so the standardwebhooks library verifies it, and records the attempt', async () => {
    const { secret, subscription } = await create({ name: 'deals', eventTypes: ['opportunity.won'] });
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/=]{40,}$/);
    expect(Buffer.from(secret.slice(6), 'base64').length).toBeGreaterThanOrEqual(24);
    expect(subscription.secretHint).toBe(`whsec_…${secret.slice(-4)}`);
    expect(subscription).toMatchObject({ status: 'ACTIVE', retryPolicy: 'EXPONENTIAL', maxRetries: 5, lastTriggeredAt: null });

    const event = await publish({ type: 'opportunity.won', objectType: 'opportunity', recordId: 'opp-1', data: { amount: 5000, stage: 'won' } });
    expect(event).toMatchObject({ type: 'opportunity.won', source: 'hotcrm', deliveryCount: 1 });

    const [request] = await receiver.waitFor((r) => r.some((x) => x.json?.id === event.id)).then((r) => r.filter((x) => x.json?.id === event.id));
    expect(WebhookReceiver.verify(secret, request)).toEqual({
      id: event.id,
      type: 'opportunity.won',
      timestamp: event.occurredAt,
      data: { amount: 5000, stage: 'won' },
    });
    expect(request.headers['content-type']).toMatch(/application\/json/);
    expect(() => WebhookReceiver.verify(`whsec_${Buffer.alloc(32, 1).toString('base64')}`, request)).toThrow();

    const delivery = await waitForDelivery(subscription.id, (d) => d.status === 'SUCCESS');
    expect(delivery).toMatchObject({ messageId: request.id, eventId: event.id, eventType: 'opportunity.won', attemptCount: 1, nextAttemptAt: null });
    expect(delivery.attempts).toEqual([expect.objectContaining({ attemptNumber: 1, responseStatus: 204, error: null })]);
    const after = await deliveries(subscription.id);
    expect(after.lastTriggeredAt).not.toBeNull();
    // The secret is shown once: no query returns it.
    expect(JSON.stringify(after)).not.toContain(secret.slice(6));
    await pause(subscription.id);
  });

  it('publishing twice with one idempotencyKey returns the same event and fans out once', async () => {
    const { subscription } = await create({ eventTypes: ['invoice.sent'] });
    const first = await publish({ type: 'invoice.sent', data: { n: 1 }, idempotencyKey: 'inv-42-sent' });
    const second = await publish({ type: 'invoice.sent', data: { n: 2 }, idempotencyKey: 'inv-42-sent' });
    expect(second.id).toBe(first.id);
    expect(second.data).toEqual({ n: 1 });
    await waitForDelivery(subscription.id, (d) => d.status === 'SUCCESS');
    expect((await deliveries(subscription.id)).deliveries.totalCount).toBe(1);
    const events: any = await t.gql('query { integrationEvents(first: 50, type: "invoice.*") { totalCount edges { node { id deliveryCount } } } }');
    expect(events.data.integrationEvents.totalCount).toBe(1);
    expect(events.data.integrationEvents.edges[0].node.deliveryCount).toBe(1);
    await pause(subscription.id);
  });

  it('matches event type patterns and filters on the event data', async () => {
    const big = await create({ eventTypes: ['deal.*'], filters: [['amount', '>', 1000], 'and', ['owner.region', 'in', ['emea', 'apac']]] });
    const all = await create({ eventTypes: ['deal.closed'] });
    const e1 = await publish({ type: 'deal.closed', data: { amount: 5000, owner: { region: 'emea' } } });
    const e2 = await publish({ type: 'deal.closed', data: { amount: 500, owner: { region: 'emea' } } });
    const e3 = await publish({ type: 'deal.stage.changed', data: { amount: 2000, owner: { region: 'apac' } } });
    const e4 = await publish({ type: 'dealership.opened', data: { amount: 9000, owner: { region: 'emea' } } });
    expect([e1, e2, e3, e4].map((e) => e.deliveryCount)).toEqual([2, 1, 1, 0]);
    await waitForDelivery(big.subscription.id, (d) => d.eventId === e3.id && d.status === 'SUCCESS');
    const bigEvents = (await deliveries(big.subscription.id)).deliveries.edges.map((e: any) => e.node.eventId).sort();
    expect(bigEvents).toEqual([e1.id, e3.id].sort());
    const allEvents = (await deliveries(all.subscription.id)).deliveries.edges.map((e: any) => e.node.eventId).sort();
    expect(allEvents).toEqual([e1.id, e2.id].sort());
    await pause(big.subscription.id);
    await pause(all.subscription.id);
  });

  it('sends two signatures during a rotation grace period, then only the new one', async () => {
    const { secret: oldSecret, subscription } = await create({ eventTypes: ['rotation.check'] });
    const rotated: any = await t.gql('mutation($id: ID!) { rotateWebhookSecret(id: $id, gracePeriodSeconds: 3600) { secret subscription { secretHint } } }', {
      id: subscription.id,
    });
    const newSecret = rotated.data.rotateWebhookSecret.secret;
    expect(newSecret).not.toBe(oldSecret);
    expect(rotated.data.rotateWebhookSecret.subscription.secretHint).toBe(`whsec_…${newSecret.slice(-4)}`);
    const during = await publish({ type: 'rotation.check', data: { phase: 'grace' } });
    const [req] = (await receiver.waitFor((r) => r.some((x) => x.json?.id === during.id))).filter((x) => x.json?.id === during.id);
    expect(req.headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(WebhookReceiver.verify(oldSecret, req)).toMatchObject({ id: during.id });
    expect(WebhookReceiver.verify(newSecret, req)).toMatchObject({ id: during.id });

    const again: any = await t.gql('mutation($id: ID!) { rotateWebhookSecret(id: $id, gracePeriodSeconds: 0) { secret } }', { id: subscription.id });
    const latest = again.data.rotateWebhookSecret.secret;
    const after = await publish({ type: 'rotation.check', data: { phase: 'after' } });
    const [req2] = (await receiver.waitFor((r) => r.some((x) => x.json?.id === after.id))).filter((x) => x.json?.id === after.id);
    expect(req2.headers['webhook-signature'].split(' ')).toHaveLength(1);
    expect(WebhookReceiver.verify(latest, req2)).toMatchObject({ id: after.id });
    expect(() => WebhookReceiver.verify(newSecret, req2)).toThrow();
    await pause(subscription.id);
  });

  it('a 410 fails the delivery and disables the subscription; nothing more is sent to it', async () => {
    const gone = await new WebhookReceiver().start();
    gone.answer(() => ({ status: 410 }));
    try {
      const { subscription } = await create({ eventTypes: ['gone.check'], targetUrl: gone.url });
      await publish({ type: 'gone.check', data: {} });
      await waitForDelivery(subscription.id, (d) => d.status === 'FAILED');
      const sub = await deliveries(subscription.id);
      expect(sub.status).toBe('DISABLED');
      expect(sub.disabledReason).toMatch(/410/);
      const next = await publish({ type: 'gone.check', data: {} });
      expect(next.deliveryCount).toBe(0);
      expect(gone.received).toHaveLength(1);
    } finally {
      await gone.stop();
    }
  });

  it('keeps the first 4 KiB of a response and records failures; retryWebhookDelivery and replay send again with the same webhook-id', async () => {
    const flaky = await new WebhookReceiver().start();
    let fail = true;
    flaky.answer(() => (fail ? { status: 500, body: 'x'.repeat(10_000) } : { status: 200, body: 'ok' }));
    try {
      const { subscription } = await create({ eventTypes: ['flaky.check'], targetUrl: flaky.url, retryPolicy: 'NONE' });
      const event = await publish({ type: 'flaky.check', data: { n: 1 } });
      const failed = await waitForDelivery(subscription.id, (d) => d.status === 'FAILED');
      expect(failed.attempts).toHaveLength(1);
      expect(failed.attempts[0]).toMatchObject({ responseStatus: 500 });
      expect(failed.attempts[0].responseBody).toHaveLength(4096);

      fail = false;
      const retried: any = await t.gql('mutation($id: ID!) { retryWebhookDelivery(id: $id) { id status } }', { id: failed.id });
      expect(retried.data.retryWebhookDelivery.status).toBe('PENDING');
      const ok = await waitForDelivery(subscription.id, (d) => d.status === 'SUCCESS');
      expect(ok.attempts.map((a: any) => a.responseStatus)).toEqual([500, 200]);

      const replayed: any = await t.gql('mutation($id: ID!, $since: DateTime!) { replayWebhookDeliveries(subscriptionId: $id, since: $since) }', {
        id: subscription.id,
        since: new Date(Date.now() - 60_000).toISOString(),
      });
      expect(replayed.data.replayWebhookDeliveries).toBe(1);
      await flaky.waitFor((r) => r.length === 3);
      expect(new Set(flaky.received.map((r) => r.id)).size).toBe(1);
      expect(flaky.received.every((r) => r.json.id === event.id)).toBe(true);
      const window: any = await t.gql('mutation($id: ID!, $since: DateTime!) { replayWebhookDeliveries(subscriptionId: $id, since: $since) }', {
        id: subscription.id,
        since: new Date(Date.now() + 60_000).toISOString(),
      });
      expect(window.data.replayWebhookDeliveries).toBe(0);
    } finally {
      await flaky.stop();
    }
  });

  it('sendTestWebhook delivers a webhook.test event to that subscription only', async () => {
    const { secret, subscription } = await create({ eventTypes: ['never.published'] });
    const other = await create({ eventTypes: ['*'] });
    const res: any = await t.gql('mutation($id: ID!) { sendTestWebhook(id: $id) { id eventType subscription { id } } }', { id: subscription.id });
    expect(res.data.sendTestWebhook).toMatchObject({ eventType: 'webhook.test', subscription: { id: subscription.id } });
    const [req] = (await receiver.waitFor((r) => r.some((x) => x.json?.type === 'webhook.test'))).filter((x) => x.json?.type === 'webhook.test');
    expect(WebhookReceiver.verify(secret, req)).toMatchObject({ type: 'webhook.test' });
    expect((await deliveries(other.subscription.id)).deliveries.totalCount).toBe(0);
    await pause(subscription.id);
    await pause(other.subscription.id);
  });

  it('auto-disables a subscription whose every attempt failed for five days', async () => {
    const down = await new WebhookReceiver().start();
    down.answer(() => ({ status: 500 }));
    try {
      const { subscription } = await create({ eventTypes: ['long.failing'], targetUrl: down.url, retryPolicy: 'NONE' });
      await publish({ type: 'long.failing', data: {} });
      await waitForDelivery(subscription.id, (d) => d.status === 'FAILED');
      expect((await deliveries(subscription.id)).status).toBe('FAILED');
      // Five days of failures, without waiting five days: move the start of the failing streak back.
      await sql(t.databaseUrl, "UPDATE webhook_subscription SET failing_since = now() - interval '5 days 1 minute' WHERE id = $1", [subscription.id]);
      await publish({ type: 'long.failing', data: {} });
      const deadline = Date.now() + 15_000;
      let sub = await deliveries(subscription.id);
      while (sub.status !== 'DISABLED' && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 150));
        sub = await deliveries(subscription.id);
      }
      expect(sub.status).toBe('DISABLED');
      expect(sub.disabledReason).toMatch(/5 days/);
      // Re-enabling is the user's call, and starts the streak afresh.
      const enabled: any = await t.gql('mutation($id: ID!) { updateWebhookSubscription(id: $id, input: { status: ACTIVE }) { status disabledReason } }', {
        id: subscription.id,
      });
      expect(enabled.data.updateWebhookSubscription).toEqual({ status: 'ACTIVE', disabledReason: null });
      await pause(subscription.id);
    } finally {
      await down.stop();
    }
  });

  it('streams every delivery change on webhookDeliveryUpdated', async () => {
    const { subscription } = await create({ eventTypes: ['stream.check'] });
    const client = createClient({
      url: t.url.replace('http', 'ws') + '/graphql',
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${BOOTSTRAP_KEY}` },
    });
    const seen: string[] = [];
    const done = new Promise<void>((resolve, reject) => {
      client.subscribe(
        {
          query: 'subscription($id: ID) { webhookDeliveryUpdated(subscriptionId: $id) { id status attemptCount subscription { id } } }',
          variables: { id: subscription.id },
        },
        {
          next: (msg: any) => {
            if (msg.errors) return reject(new Error(JSON.stringify(msg.errors)));
            seen.push(msg.data.webhookDeliveryUpdated.status);
            if (msg.data.webhookDeliveryUpdated.status === 'SUCCESS') resolve();
          },
          error: reject,
          complete: () => undefined,
        },
      );
    });
    try {
      await new Promise((r) => setTimeout(r, 300));
      await publish({ type: 'stream.check', data: {} });
      await done;
      expect(seen[0]).toBe('PENDING');
      expect(seen[seen.length - 1]).toBe('SUCCESS');
    } finally {
      await client.dispose();
      await pause(subscription.id);
    }
  });

  it('refuses bad input with BAD_USER_INPUT naming the field', async () => {
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ targetUrl: 'not a url' }, 'targetUrl', /valid URL/],
      [{ targetUrl: 'ftp://example.com/x' }, 'targetUrl', /http/],
      [{ maxRetries: 11 }, 'maxRetries', /0 and 10/],
      [{ maxRetries: -1 }, 'maxRetries', /0 and 10/],
      [{ eventTypes: [] }, 'eventTypes', /at least one/],
      [{ eventTypes: ['bad type!'] }, 'eventTypes', /eventTypes\[0\]/],
      [{ filters: [['amount', '~=', 1]] }, 'filters', /filters\[0\]/],
      [{ filters: [['amount', '>', 1], 'xor', ['b', '=', 2]] }, 'filters', /filters\[1\]/],
      [{ name: '  ' }, 'name', /empty/],
    ];
    for (const [input, field, message] of cases) {
      const res: any = await t.gql(CREATE, { input: { name: 'bad', eventTypes: ['*'], targetUrl: receiver.url, ...input } });
      expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
      expect(res.errors[0].message).toMatch(message);
    }
    const reserved: any = await t.gql(PUBLISH, { input: { type: 'integration.sync.completed', data: {} } });
    expect(reserved.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'type' });
    const unknown: any = await t.gql('mutation { retryWebhookDelivery(id: "00000000-0000-0000-0000-000000000000") { id } }');
    expect(unknown.errors[0].extensions.code).toBe('NOT_FOUND');
    const garbage: any = await t.gql('mutation { deleteWebhookSubscription(id: "nope") }');
    expect(garbage.errors[0].extensions.code).toBe('NOT_FOUND');
  });
});

/** DESIGN.md: private targets are refused when saved and again when connecting. */
describe('webhook targets without ALLOW_PRIVATE_TARGETS', () => {
  let t: TestService;
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    receiver = await new WebhookReceiver().start();
    t = await startTestService({ ALLOW_PRIVATE_TARGETS: 'false' });
  });
  afterAll(async () => {
    await t?.stop();
    await receiver?.stop();
  });

  it('refuses private literals and names resolving to them when saved', async () => {
    for (const url of [receiver.url, `http://localhost:${receiver.port}/x`, 'http://169.254.169.254/latest/meta-data', 'http://[::1]/x', 'http://10.0.0.8/x']) {
      const res: any = await t.gql(CREATE, { input: { name: 'private', eventTypes: ['*'], targetUrl: url } });
      expect(res.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'targetUrl' });
    }
  });

  it('refuses at connect time a target that became private after it was saved (DNS rebinding)', async () => {
    const res: any = await t.gql(CREATE, {
      input: { name: 'public', eventTypes: ['rebind.check'], targetUrl: 'http://93.184.215.14/hooks', retryPolicy: 'NONE' },
    });
    expect(res.errors).toBeUndefined();
    const id = res.data.createWebhookSubscription.subscription.id;
    // As if its name now resolved to loopback: the saved check cannot see that, the connect-time guard must.
    await sql(t.databaseUrl, 'UPDATE webhook_subscription SET target_url = $2 WHERE id = $1', [id, receiver.url]);
    await t.gql(PUBLISH, { input: { type: 'rebind.check', data: {} } });
    const deadline = Date.now() + 15_000;
    let delivery: any;
    while (Date.now() < deadline) {
      const sub: any = await t.gql(DELIVERIES, { id });
      delivery = sub.data.webhookSubscription.deliveries.edges[0]?.node;
      if (delivery?.status === 'FAILED') break;
      await new Promise((r) => setTimeout(r, 150));
    }
    expect(delivery.status).toBe('FAILED');
    expect(delivery.attempts[0].error).toMatch(/private|refus/i);
    expect(receiver.received).toHaveLength(0);
  });
});
