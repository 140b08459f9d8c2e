import { createClient } from 'graphql-ws';
import { Pool } from 'pg';
import pino from 'pino';
import WebSocket from 'ws';
import { ApiKeyUsageRecorder } from '../src/apikeys/api-key-usage.recorder';
import { ApiKeyRateLimiter } from '../src/apikeys/api-key.rate-limiter';
import { startReplica, startTestService, TestService } from './support/service';

const CREATE = 'mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { key apiKey { id } } }';

/** Two api processes on one database: one rate limit, one cache truth, one usage count. */
describe('API keys across replicas', () => {
  let a: TestService;
  let b: TestService;

  beforeAll(async () => {
    a = await startTestService();
    b = await startReplica(a);
  });
  afterAll(async () => {
    await b.stop();
    await a.stop();
  });

  async function create(input: Record<string, unknown>) {
    const res = await a.gql(CREATE, { input });
    if (!res.data) throw new Error(`createApiKey failed: ${JSON.stringify(res.errors)}`);
    return res.data.createApiKey as { key: string; apiKey: { id: string } };
  }
  async function use(replica: TestService, key: string) {
    const res = await replica.gql('{ connectors { key } }', undefined, key);
    return res.errors?.[0]?.extensions ?? { code: 'OK' };
  }

  it('admits exactly N of a burst split across two replicas, and tells the rest when to retry', async () => {
    const N = 25;
    const { key, apiKey } = await create({ name: 'burst', scopes: ['read:connections'], rateLimit: { limit: N, windowSeconds: 60 } });
    const outcomes = await Promise.all(Array.from({ length: 4 * N }, (_, i) => use(i % 2 ? a : b, key)));
    expect(outcomes.filter((o) => o.code === 'OK')).toHaveLength(N);
    const limited = outcomes.filter((o) => o.code !== 'OK');
    expect(limited).toHaveLength(3 * N);
    for (const refusal of limited) {
      expect(refusal.code).toBe('RATE_LIMITED');
      expect(refusal.retryAfterSeconds).toBeGreaterThanOrEqual(1);
      expect(refusal.retryAfterSeconds).toBeLessThanOrEqual(61);
    }
    // verifyApiKey on either replica draws on the same budget.
    const verified: any = await b.gql('query($key: String!) { verifyApiKey(key: $key) { code rateLimit { remaining } } }', { key });
    expect(verified.data.verifyApiKey).toEqual({ code: 'RATE_LIMITED', rateLimit: { remaining: 0 } });

    // Every request counted once, refusals as rejected, whichever replica took it.
    const until = Date.now() + 10_000;
    let row: { usage_count: string; requests: string; rejected: string } | undefined;
    do {
      await new Promise((r) => setTimeout(r, 200));
      [row] = await a.service.db.query(
        `SELECT k.usage_count, sum(u.requests) AS requests, sum(u.rejected) AS rejected
           FROM api_key k LEFT JOIN api_key_usage u ON u.api_key_id = k.id WHERE k.id = $1 GROUP BY k.id`,
        [apiKey.id],
      );
    } while (Number(row?.usage_count) < 4 * N + 1 && Date.now() < until);
    expect(row).toEqual({ usage_count: String(4 * N + 1), requests: String(4 * N + 1), rejected: String(3 * N + 1) });
  });

  it('stops a revoked key on the other replica within a second, through NOTIFY rather than the cache TTL', async () => {
    const { key, apiKey } = await create({ name: 'revoke me', scopes: ['read:connections'] });
    expect(await use(b, key)).toEqual({ code: 'OK' }); // cached on b now
    const revoked = Date.now();
    await a.gql('mutation($id: ID!) { revokeApiKey(id: $id) { id } }', { id: apiKey.id });
    while ((await use(b, key)).code === 'OK') {
      // The cache TTL is 10 s: refusal within 3 s can only come from the NOTIFY eviction.
      if (Date.now() - revoked > 3_000) throw new Error('replica b still accepts a revoked key');
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(await use(b, key)).toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  it('stops the old key of a rotation without grace on the other replica', async () => {
    const { key, apiKey } = await create({ name: 'rotate me', scopes: ['read:connections'] });
    expect(await use(b, key)).toEqual({ code: 'OK' });
    const rotated = Date.now();
    const res: any = await a.gql('mutation($id: ID!) { rotateApiKey(id: $id, gracePeriodSeconds: 0) { key } }', { id: apiKey.id });
    while ((await use(b, key)).code === 'OK') {
      if (Date.now() - rotated > 3_000) throw new Error('replica b still accepts the rotated key');
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(await use(b, res.data.rotateApiKey.key)).toEqual({ code: 'OK' });
  });

  it('counts a graphql-ws connection against the key, and refuses one over the limit', async () => {
    const { key } = await create({ name: 'socket', scopes: ['read:connections'], rateLimit: { limit: 1, windowSeconds: 60 } });
    expect(await use(a, key)).toEqual({ code: 'OK' });
    const closed = await new Promise<number>((resolve) => {
      const client = createClient({
        url: `${b.url.replace('http', 'ws')}/graphql`,
        webSocketImpl: WebSocket,
        connectionParams: { authorization: `Bearer ${key}` },
        retryAttempts: 0,
        lazy: false,
        on: { closed: (event: any) => resolve(event.code) },
        onNonLazyError: () => undefined, // the refusal is what this test expects
      });
      void client;
    });
    expect(closed).toBe(4403);
  });

  it('counts each operation on an open socket, and refuses operations once the key is over its limit or revoked', async () => {
    const subscribeOnce = (client: ReturnType<typeof createClient>) =>
      new Promise<any>((resolve) => {
        const stop = client.subscribe(
          { query: 'subscription { connectionStatusChanged { id } }' },
          { next: () => undefined, error: (errors: any) => resolve(errors[0] ?? errors), complete: () => resolve(null) },
        );
        // A subscription that was accepted stays open: settle on it after a moment.
        setTimeout(() => {
          stop();
          resolve('open');
        }, 500);
      });
    const { key } = await create({ name: 'socket-ops', scopes: ['read:connections'], rateLimit: { limit: 2, windowSeconds: 60 } });
    // One socket for all the operations (a lazy client would reconnect, and be refused at connect).
    const client = createClient({
      url: `${b.url.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${key}` },
      retryAttempts: 0,
      lazyCloseTimeout: 60_000,
    });
    try {
      // The connection is request 1, this operation request 2: the next one is over the limit.
      expect(await subscribeOnce(client)).toBe('open');
      const limited = await subscribeOnce(client);
      expect(limited.extensions).toMatchObject({ code: 'RATE_LIMITED' });
      expect(limited.extensions.retryAfterSeconds).toBeGreaterThan(0);

      const { key: key2, apiKey: apiKey2 } = await create({ name: 'socket-revoked', scopes: ['read:connections'] });
      const client2 = createClient({
        url: `${b.url.replace('http', 'ws')}/graphql`,
        webSocketImpl: WebSocket,
        connectionParams: { authorization: `Bearer ${key2}` },
        retryAttempts: 0,
        lazyCloseTimeout: 60_000,
      });
      try {
        expect(await subscribeOnce(client2)).toBe('open');
        await a.gql('mutation($id: ID!) { revokeApiKey(id: $id) { status } }', { id: apiKey2.id });
        await new Promise((r) => setTimeout(r, 1000));
        const refused = await subscribeOnce(client2);
        expect(refused.extensions).toMatchObject({ code: 'UNAUTHENTICATED' });
      } finally {
        await client2.dispose();
      }
    } finally {
      await client.dispose();
    }
  });

  it('leases budget to a busy process and gives back what it did not use, so the total is still exactly N', async () => {
    // A 600 s window has 10 s sub-windows: the leases below outlive the test's few hundred ms.
    const { apiKey } = await create({ name: 'leases', scopes: ['read:connections'], rateLimit: { limit: 20, windowSeconds: 600 } });
    const policy = { limit: 20, windowSeconds: 600 };
    const [poolA, poolB] = [new Pool({ connectionString: a.databaseUrl, max: 1 }), new Pool({ connectionString: a.databaseUrl, max: 1 })];
    const [limiterA, limiterB] = [new ApiKeyRateLimiter(poolA), new ApiKeyRateLimiter(poolB)];
    try {
      let admitted = 0;
      // One at a time: each request that finds no lease asks for a bigger one (1, 2, 4 ...).
      for (let i = 0; i < 8; i++) if ((await limiterA.take(apiKey.id, 'default', policy)).allowed) admitted++;
      expect(admitted).toBe(8);
      const [row] = await a.service.db.query('SELECT (SELECT sum(c) FROM unnest(counts) c)::int AS counted FROM api_key_rate_window WHERE api_key_id = $1', [
        apiKey.id,
      ]);
      expect(row.counted).toBeGreaterThan(8); // a lease is held beyond what was used
      for (;;) {
        if (!(await limiterB.take(apiKey.id, 'default', policy)).allowed) break;
        admitted++;
      }
      expect(admitted).toBeLessThan(20); // b stopped while a still held unused points
      await limiterA.close(); // gives them back
      const until = Date.now() + 5_000;
      while (admitted < 20 && Date.now() < until) {
        if ((await limiterB.take(apiKey.id, 'default', policy)).allowed) admitted++;
        else await new Promise((r) => setTimeout(r, 50));
      }
      expect(admitted).toBe(20);
      expect((await limiterB.take(apiKey.id, 'default', policy)).allowed).toBe(false);
    } finally {
      await limiterB.close();
      await poolA.end();
      await poolB.end();
    }
  });

  it('batches: one statement per flush for many requests, and one rate statement for a burst in one process', async () => {
    const { apiKey } = await create({ name: 'batched', scopes: ['read:connections'], rateLimit: { limit: 150, windowSeconds: 60 } });
    const pool = new Pool({ connectionString: a.databaseUrl, max: 2 });
    let statements = 0;
    const counted = Object.assign(Object.create(pool), { query: (...args: any[]) => (statements++, (pool.query as any).apply(pool, args)) }) as Pool;
    try {
      const recorder = new ApiKeyUsageRecorder(counted, pino({ level: 'silent' }), 60_000);
      for (let i = 0; i < 500; i++) recorder.count(apiKey.id, 'default', i % 5 === 0);
      await recorder.flush();
      expect(statements).toBe(1);
      const [row] = await a.service.db.query('SELECT usage_count, last_used_at FROM api_key WHERE id = $1', [apiKey.id]);
      expect(row.usage_count).toBe('500');
      expect(row.last_used_at).not.toBeNull();
      const [bucket] = await a.service.db.query(
        'SELECT sum(requests)::int AS requests, sum(rejected)::int AS rejected FROM api_key_usage WHERE api_key_id = $1',
        [apiKey.id],
      );
      expect(bucket).toEqual({ requests: 500, rejected: 100 });

      statements = 0;
      const limiter = new ApiKeyRateLimiter(counted);
      const decisions = await Promise.all(Array.from({ length: 200 }, () => limiter.take(apiKey.id, 'default', { limit: 150, windowSeconds: 60 })));
      expect(decisions.filter((d) => d.allowed)).toHaveLength(150);
      expect(
        decisions
          .filter((d) => d.allowed)
          .map((d) => d.remaining)
          .sort((x, y) => x - y),
      ).toEqual(Array.from({ length: 150 }, (_, i) => i));
      expect(statements).toBeLessThanOrEqual(3);
    } finally {
      await pool.end();
    }
  });
});
