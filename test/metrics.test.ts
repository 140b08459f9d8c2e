import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { StripeServer } from './providers/stripe.server';
import { BOOTSTRAP_KEY, startReplica, startTestService, TestService } from './support/service';
import { gqlClient, setupInboundSync, TRIGGER, waitForRunEnd } from './support/sync-fixtures';
import { WebhookReceiver } from './support/webhook-receiver';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+-?\d+)?$/;
const LABEL = /\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\["\\n])*)"\s*(,|$)/y;
const SUFFIXES: Record<string, string[]> = { histogram: ['_bucket', '_sum', '_count'], summary: ['', '_sum', '_count'], counter: ['', '_total'] };

/**
 * The Prometheus text exposition format (0.0.4), strictly: HELP and TYPE once per family and
 * before its samples, every sample of a declared family, well-formed labels and values, and
 * histogram buckets cumulative, ending with +Inf equal to _count. Throws on the first violation.
 */
function parsePrometheus(text: string): Sample[] {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  for (const [i, line] of text.split('\n').entries()) {
    const fail = (why: string) => {
      throw new Error(`line ${i + 1}: ${why}: ${line}`);
    };
    if (!line.trim()) continue;
    const meta = /^# (HELP|TYPE) (\S+)(?: (.*))?$/.exec(line);
    if (meta) {
      if (!NAME.test(meta[2])) fail('bad metric name');
      if (meta[1] === 'TYPE') {
        if (types.has(meta[2])) fail('second TYPE');
        if (!['counter', 'gauge', 'histogram', 'summary', 'untyped'].includes(meta[3])) fail('unknown type');
        types.set(meta[2], meta[3]);
      }
      continue;
    }
    if (line.startsWith('#')) continue;
    const m = SAMPLE.exec(line) ?? fail('not a sample');
    const [, name, labelText = '', raw] = m!;
    const family = [...types.keys()].find((f) => (SUFFIXES[types.get(f)!] ?? ['']).some((s) => name === f + s));
    if (!family) fail('sample before its TYPE');
    const labels: Record<string, string> = {};
    LABEL.lastIndex = 0;
    while (LABEL.lastIndex < labelText.length) {
      const l = LABEL.exec(labelText) ?? fail('bad label');
      labels[l![1]] = l![2].replace(/\\n/g, '\n').replace(/\\(["\\])/g, '$1');
    }
    const value = raw === '+Inf' ? Infinity : raw === '-Inf' ? -Infinity : Number(raw);
    // Prometheus reads NaN in any case (Go's ParseFloat); prom-client writes `Nan` for the event
    // loop lag of a scrape that follows another within the lag monitor's 10 ms resolution.
    if (raw.toLowerCase() !== 'nan' && Number.isNaN(value)) fail('bad value');
    samples.push({ name, labels, value });
  }
  checkHistograms(samples, types);
  return samples;
}

function checkHistograms(samples: Sample[], types: Map<string, string>): void {
  for (const [family, type] of types) {
    if (type !== 'histogram') continue;
    const series = new Map<string, Sample[]>();
    for (const s of samples.filter((x) => x.name === `${family}_bucket`)) {
      const { le, ...rest } = s.labels;
      const key = JSON.stringify(rest);
      series.set(key, [...(series.get(key) ?? []), s]);
    }
    for (const [key, buckets] of series) {
      const values = buckets.map((b) => b.value);
      expect(values).toEqual([...values].sort((a, b) => a - b));
      expect(buckets[buckets.length - 1].labels.le).toBe('+Inf');
      const count = samples.find((x) => x.name === `${family}_count` && JSON.stringify(x.labels) === key);
      expect(count?.value).toBe(values[values.length - 1]);
    }
  }
}

/** One scrape, and the value of a series (0 when absent: a counter not yet touched). */
async function scrape(url: string) {
  const res = await fetch(`${url}/metrics`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  const samples = parsePrometheus(await res.text());
  const value = (name: string, labels: Record<string, string> = {}) =>
    samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)).reduce((sum, s) => sum + s.value, 0);
  return { samples, value };
}

/**
 * Scrapes until `done` holds (or 10 s pass, then the caller's expectations report what is off):
 * work is counted just after it commits, so a reader of the committed rows may be a step ahead.
 */
async function scrapeUntil(url: string, done: (s: Awaited<ReturnType<typeof scrape>>) => boolean) {
  const deadline = Date.now() + 10_000;
  let current = await scrape(url);
  while (!done(current) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    current = await scrape(url);
  }
  return current;
}

/**
 * /metrics of an api process and a worker process sharing one database: each serves its own
 * work (GraphQL and keys on the api, sync runs and deliveries on the worker) and both serve the
 * queue depth read from the database.
 */
describe('Prometheus metrics', () => {
  let api: TestService;
  let worker: TestService;
  let stripe: StripeServer;
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    stripe = await new StripeServer().start();
    stripe.seedCustomers(120);
    receiver = await new WebhookReceiver().start();
    api = await startTestService({ ROLE: 'api', PROVIDER_RETRY_BASE_DELAY_MS: '5', SYNC_RETRY_BASE_SECONDS: '0' });
    worker = await startReplica(api, { ROLE: 'worker', PROVIDER_RETRY_BASE_DELAY_MS: '5', SYNC_RETRY_BASE_SECONDS: '0' });
  });
  afterAll(async () => {
    await worker?.stop();
    await api?.stop();
    await stripe?.stop();
    await receiver?.stop();
  });

  it('parses as Prometheus text on both roles, with every family declared', async () => {
    for (const t of [api, worker]) {
      const { samples } = await scrape(t.url);
      const names = new Set(samples.map((s) => s.name));
      expect(names).toContain('process_cpu_user_seconds_total');
      expect(names).toContain('integration_queue_jobs');
    }
    const text = await (await fetch(`${worker.url}/metrics`)).text();
    for (const family of [
      'integration_sync_runs_total',
      'integration_sync_records_total',
      'integration_webhook_delivery_attempts_total',
      'integration_api_key_verifications_total',
    ]) {
      expect(text).toMatch(new RegExp(`^# TYPE ${family} counter$`, 'm'));
    }
    for (const family of [
      'integration_sync_run_duration_seconds',
      'integration_webhook_attempt_duration_seconds',
      'integration_graphql_request_duration_seconds',
    ]) {
      expect(text).toMatch(new RegExp(`^# TYPE ${family} histogram$`, 'm'));
    }
    const queues = (await scrape(api.url)).samples.filter((s) => s.name === 'integration_queue_jobs');
    expect(queues.map((s) => s.labels.queue)).toEqual(expect.arrayContaining(['sync.run', 'webhook.deliver']));
    expect(new Set(queues.map((s) => s.labels.state))).toEqual(new Set(['ready', 'deferred']));
  });

  it('counts sync runs, their records and durations by connector, direction and status', async () => {
    const gql = gqlClient(api.url, BOOTSTRAP_KEY);
    const { configId } = await setupInboundSync(gql, stripe);
    const labels = { connector: 'stripe', direction: 'INBOUND' };
    const before = await scrape(worker.url);

    const completed = await waitForRunEnd(gql, (await gql(TRIGGER, { id: configId })).data.triggerSync.id, 30_000);
    expect(completed).toMatchObject({ status: 'COMPLETED', recordsCreated: 120 });
    stripe.failNext({ status: 400, body: { error: { type: 'invalid_request_error', message: 'No such object' } } });
    const failed = await waitForRunEnd(gql, (await gql(TRIGGER, { id: configId, mode: 'FULL' })).data.triggerSync.id, 30_000);
    expect(failed.status).toBe('FAILED');

    const runs = (x: Awaited<ReturnType<typeof scrape>>) => x.value('integration_sync_runs_total', labels);
    const after = await scrapeUntil(worker.url, (x) => runs(x) - runs(before) >= 2);
    const delta = (name: string, extra: Record<string, string> = {}) =>
      after.value(name, { ...labels, ...extra }) - before.value(name, { ...labels, ...extra });
    expect(delta('integration_sync_runs_total', { status: 'COMPLETED' })).toBe(1);
    expect(delta('integration_sync_runs_total', { status: 'FAILED' })).toBe(1);
    expect(delta('integration_sync_records_total', { outcome: 'created' })).toBe(120);
    expect(delta('integration_sync_records_total', { outcome: 'failed' })).toBe(0);
    expect(delta('integration_sync_run_duration_seconds_count')).toBe(2);
    expect(delta('integration_sync_run_duration_seconds_sum')).toBeGreaterThan(0);
    // The api process ran none of it: its counters stay where they were.
    expect((await scrape(api.url)).value('integration_sync_runs_total', labels)).toBe(0);
  });

  it('counts webhook attempts by resulting status and response class, and shows the deferred retry in the queue', async () => {
    const gql = gqlClient(api.url, BOOTSTRAP_KEY);
    receiver.answer((request) => (request.json?.data?.fail ? { status: 503 } : { status: 204 }));
    const created = await gql('mutation($input: CreateWebhookSubscriptionInput!) { createWebhookSubscription(input: $input) { subscription { id } } }', {
      input: { name: 'metrics', eventTypes: ['opportunity.won'], targetUrl: receiver.url },
    });
    expect(created.errors).toBeUndefined();
    const before = await scrape(worker.url);
    const queueBefore = (await scrape(api.url)).value('integration_queue_jobs', { queue: 'webhook.deliver', state: 'deferred' });

    const publish = 'mutation($input: PublishEventInput!) { publishEvent(input: $input) { id } }';
    expect((await gql(publish, { input: { type: 'opportunity.won', data: { fail: false } } })).errors).toBeUndefined();
    expect((await gql(publish, { input: { type: 'opportunity.won', data: { fail: true } } })).errors).toBeUndefined();
    await receiver.waitFor((r) => r.filter((x) => x.json?.type === 'opportunity.won').length >= 2);

    const attempts = (x: Awaited<ReturnType<typeof scrape>>) => x.value('integration_webhook_delivery_attempts_total');
    const after = await scrapeUntil(worker.url, (x) => attempts(x) - attempts(before) >= 2);
    const delta = (name: string, labels: Record<string, string>) => after.value(name, labels) - before.value(name, labels);
    expect(delta('integration_webhook_delivery_attempts_total', { status: 'SUCCESS', response: '2xx' })).toBe(1);
    expect(delta('integration_webhook_delivery_attempts_total', { status: 'RETRYING', response: '5xx' })).toBe(1);
    expect(delta('integration_webhook_attempt_duration_seconds_count', { response: '2xx' })).toBe(1);
    expect(delta('integration_webhook_attempt_duration_seconds_count', { response: '5xx' })).toBe(1);
    // The retry waits in pg-boss (EXPONENTIAL: not before a minute); either role sees it.
    expect((await scrape(api.url)).value('integration_queue_jobs', { queue: 'webhook.deliver', state: 'deferred' })).toBe(queueBefore + 1);
    expect((await scrape(worker.url)).value('integration_queue_jobs', { queue: 'webhook.deliver', state: 'deferred' })).toBe(queueBefore + 1);
    await gql('mutation($id: ID!) { updateWebhookSubscription(id: $id, input: { status: INACTIVE }) { id } }', {
      id: created.data.createWebhookSubscription.subscription.id,
    });
  });

  it('counts API key verifications by result and GraphQL operations by type over HTTP and WebSocket', async () => {
    const before = await scrape(api.url);
    const unknownKey = BOOTSTRAP_KEY.slice(0, -3) + 'zzz';
    expect((await api.gql('{ connections { totalCount } }')).errors).toBeUndefined();
    expect((await api.gql('{ connections { totalCount } }', undefined, unknownKey)).errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    const verified: any = await api.gql('query($key: String!) { verifyApiKey(key: $key) { valid } }', { key: unknownKey });
    expect(verified.errors).toBeUndefined();

    const ws = createClient({
      url: api.url.replace('http', 'ws') + '/graphql',
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${BOOTSTRAP_KEY}` },
    });
    const errors: unknown[] = [];
    const stop = ws.subscribe(
      { query: 'subscription { syncRunUpdated { id } }' },
      { next: () => undefined, error: (e) => errors.push(e), complete: () => undefined },
    );
    // The operation is counted once the server has subscribed it: poll until it shows.
    const subscriptions = (x: Awaited<ReturnType<typeof scrape>>) =>
      x.value('integration_graphql_requests_total', { operation_type: 'subscription', outcome: 'ok' });
    const after = await scrapeUntil(api.url, (x) => subscriptions(x) > subscriptions(before));
    stop();
    await ws.dispose();
    expect(errors).toEqual([]);

    const delta = (name: string, labels: Record<string, string>) => after.value(name, labels) - before.value(name, labels);
    // Bearer keys of the three HTTP requests, the socket's connection and its one operation, then the key verifyApiKey checked.
    expect(delta('integration_api_key_verifications_total', { result: 'VALID' })).toBe(4);
    expect(delta('integration_api_key_verifications_total', { result: 'NOT_FOUND' })).toBe(2);
    expect(delta('integration_graphql_requests_total', { operation_type: 'query', outcome: 'ok' })).toBe(2);
    expect(delta('integration_graphql_requests_total', { operation_type: 'subscription', outcome: 'ok' })).toBe(1);
    expect(delta('integration_graphql_request_duration_seconds_count', { operation_type: 'query' })).toBeGreaterThanOrEqual(2);
  });
});
