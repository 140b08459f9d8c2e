import { freePort } from './support/process';
import { startTestService, TestService } from './support/service';
import { WebhookReceiver } from './support/webhook-receiver';

/**
 * Retry schedules as DESIGN.md gives them (EXPONENTIAL 5 s, 5 min, 30 min, …; LINEAR n × 60 s;
 * FIXED 60 s; NONE), run at WEBHOOK_RETRY_SCALE so a test takes seconds: the order and the ratios
 * between the gaps must hold. Gaps are measured where a receiver sees them; each can be late by a
 * queue poll (≤ 0.5 s) and ±10 % jitter, which the bounds allow for.
 */
const SCALE = 0.004; // EXPONENTIAL: 20 ms, 1.2 s, 7.2 s; LINEAR: 240 ms, 480 ms, …; FIXED: 240 ms
const POLL = 0.6;

const CREATE = `mutation($input: CreateWebhookSubscriptionInput!) { createWebhookSubscription(input: $input) { subscription { id } } }`;
const PUBLISH = `mutation($input: PublishEventInput!) { publishEvent(input: $input) { id } }`;
const DELIVERY = `query($id: ID!) { webhookSubscription(id: $id) { deliveries(first: 1) { edges { node { id messageId status attemptCount
  attempts { attemptNumber responseStatus error } } } } } }`;

describe('webhook retry schedules', () => {
  let t: TestService;
  const receivers: WebhookReceiver[] = [];

  const failingReceiver = async (failures: number, answer = { status: 500 } as { status: number; headers?: Record<string, string> }) => {
    const r = await new WebhookReceiver().start();
    r.answer((_req, i) => (i < failures ? answer : { status: 200 }));
    receivers.push(r);
    return r;
  };
  const subscribe = async (type: string, url: string, retryPolicy: string, maxRetries: number) => {
    const res: any = await t.gql(CREATE, { input: { name: type, eventTypes: [type], targetUrl: url, retryPolicy, maxRetries } });
    expect(res.errors).toBeUndefined();
    return res.data.createWebhookSubscription.subscription.id as string;
  };
  const publish = (type: string) => t.gql(PUBLISH, { input: { type, data: { at: Date.now() } } });
  const delivery = async (subscriptionId: string) =>
    ((await t.gql(DELIVERY, { id: subscriptionId })) as any).data.webhookSubscription.deliveries.edges[0]?.node;
  const gapsOf = (r: WebhookReceiver) => r.received.slice(1).map((x, i) => (x.at - r.received[i].at) / 1000);

  beforeAll(async () => {
    t = await startTestService({ WEBHOOK_RETRY_SCALE: String(SCALE) });
  });
  afterAll(async () => {
    await t?.stop();
    await Promise.all(receivers.map((r) => r.stop()));
  });

  it('follows each policy: order, ratios, maxRetries and the final status', async () => {
    const exponential = await failingReceiver(99);
    const linear = await failingReceiver(99);
    const fixed = await failingReceiver(99);
    const none = await failingReceiver(99);
    const ids = {
      exponential: await subscribe('retry.exponential', exponential.url, 'EXPONENTIAL', 3),
      linear: await subscribe('retry.linear', linear.url, 'LINEAR', 4),
      fixed: await subscribe('retry.fixed', fixed.url, 'FIXED', 3),
      none: await subscribe('retry.none', none.url, 'NONE', 5),
    };
    for (const type of ['retry.exponential', 'retry.linear', 'retry.fixed', 'retry.none']) await publish(type);

    await Promise.all([
      exponential.waitFor((r) => r.length === 4, 20_000),
      linear.waitFor((r) => r.length === 5, 20_000),
      fixed.waitFor((r) => r.length === 4, 20_000),
    ]);

    const [e1, e2, e3] = gapsOf(exponential);
    expect(e1).toBeLessThan(0.02 * 1.1 + POLL);
    expect(e2).toBeGreaterThan(1.2 * 0.9);
    expect(e2).toBeLessThan(1.2 * 1.1 + POLL);
    expect(e3).toBeGreaterThan(7.2 * 0.9);
    expect(e3 / e2).toBeGreaterThan((7.2 * 0.9) / (1.2 * 1.1 + POLL));

    // LINEAR n × 60 s: the k-th gap is k steps (240 ms each), never less, late by at most a poll.
    const lg = gapsOf(linear);
    expect(lg).toHaveLength(4);
    lg.forEach((gap, i) => {
      expect(gap).toBeGreaterThan(0.24 * (i + 1) * 0.9);
      expect(gap).toBeLessThan(0.24 * (i + 1) * 1.1 + POLL);
    });

    // FIXED 60 s: every gap the same step.
    for (const gap of gapsOf(fixed)) {
      expect(gap).toBeGreaterThan(0.24 * 0.9);
      expect(gap).toBeLessThan(0.24 * 1.1 + POLL);
    }

    // maxRetries spent: the delivery ends FAILED with maxRetries + 1 attempts, one webhook-id throughout.
    for (const [id, r, attempts] of [
      [ids.exponential, exponential, 4],
      [ids.linear, linear, 5],
      [ids.fixed, fixed, 4],
    ] as const) {
      await new Promise((res) => setTimeout(res, 300));
      const d = await delivery(id);
      expect(d).toMatchObject({ status: 'FAILED', attemptCount: attempts });
      expect(d.attempts.map((a: any) => a.attemptNumber)).toEqual(Array.from({ length: attempts }, (_, i) => i + 1));
      expect(new Set(r.received.map((x) => x.id))).toEqual(new Set([d.messageId]));
    }

    // NONE: one attempt, then FAILED; nothing later.
    await new Promise((res) => setTimeout(res, 1500));
    expect(none.received).toHaveLength(1);
    expect(await delivery(ids.none)).toMatchObject({ status: 'FAILED', attemptCount: 1 });
  });

  it('waits as long as Retry-After says on 429 and 503 instead of the schedule', async () => {
    const limited = await failingReceiver(1, { status: 429, headers: { 'retry-after': '2' } });
    const unavailable = await failingReceiver(1, { status: 503, headers: { 'retry-after': '2' } });
    await subscribe('retry.after429', limited.url, 'EXPONENTIAL', 3);
    await subscribe('retry.after503', unavailable.url, 'EXPONENTIAL', 3);
    await publish('retry.after429');
    await publish('retry.after503');
    for (const r of [limited, unavailable]) {
      await r.waitFor((x) => x.length === 2, 10_000);
      const [gap] = gapsOf(r);
      // The schedule alone would retry after 20 ms.
      expect(gap).toBeGreaterThan(1.9);
      expect(gap).toBeLessThan(2 + POLL + 0.5);
    }
  });

  it('keeps retrying while the receiver is down and delivers once it is up, with the same webhook-id', async () => {
    const port = await freePort();
    const id = await subscribe('retry.down', `http://127.0.0.1:${port}/hooks`, 'FIXED', 10);
    await publish('retry.down');
    const deadline = Date.now() + 10_000;
    let d = await delivery(id);
    while ((d?.attemptCount ?? 0) < 2 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      d = await delivery(id);
    }
    expect(d.status).toBe('RETRYING');
    expect(d.attempts[0].error).toMatch(/ECONNREFUSED|connect/i);

    const up = await new WebhookReceiver(port).start();
    receivers.push(up);
    await up.waitFor((r) => r.length === 1, 10_000);
    await new Promise((r) => setTimeout(r, 300));
    d = await delivery(id);
    expect(d.status).toBe('SUCCESS');
    expect(up.received[0].id).toBe(d.messageId);
    expect(d.attempts[d.attempts.length - 1].responseStatus).toBe(204);
    expect(d.attempts.slice(0, -1).every((a: any) => a.responseStatus === null && a.error)).toBe(true);
  });
});
