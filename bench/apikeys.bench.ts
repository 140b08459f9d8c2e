import 'reflect-metadata';
import { createHash, randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { SignJWT } from 'jose';
import pino from 'pino';
import { Pool as HttpPool } from 'undici';
import { ApiKeyService } from '../src/apikeys/api-key.service';
import { loadConfig } from '../src/config';
import { createDataSource } from '../src/assembly/data-source';
import { openBenchDatabase, runBench, ServiceProcess, startServiceProcess, stopServiceProcess } from './support';
import { result } from './result';

/**
 * `npm run bench:apikeys`:
 * 1. in-process, the verify function every API-key request goes through (cached lookup by SHA-256,
 *    the shared sliding-window take, usage counting): warm (cached) and cold (cache cleared before
 *    each call: one lookup query more), against a bare SHA-256 + Map lookup;
 * 2. verifyApiKey over HTTP, 50 concurrent clients, the gateway's JWT as the caller, against the
 *    service as its own process (`node dist/src/main.js`, ROLE=api, NODE_ENV=production);
 * 3. two such processes on one database hammering one key with a limit of N: a burst (admitted must
 *    be N), then sustained load for a few windows, where no window-long interval may hold more
 *    than N admissions (counted soundly: a VALID counts in an interval only if its whole request,
 *    send to answer, lies inside it, so the decision surely did).
 * Goals: warm >= 50,000 verifications/s; HTTP >= 2,000 req/s with p99 < 20 ms; never more than N.
 */
/** An api replica on the bench database (the rate-limit figures run two of them). */
const SERVICE_ENV = (databaseUrl: string) => ({
  ROLE: 'api',
  DATABASE_URL: databaseUrl,
  INTEGRATION_BOOTSTRAP_API_KEY: BOOTSTRAP_KEY,
  GATEWAY_JWT_SECRET: JWT_SECRET,
  INTEGRATION_ENCRYPTION_KEY: Buffer.alloc(32, 5).toString('base64'),
});

const KEYS = 100;
const BOOTSTRAP_KEY = `hcrm_test_Bench${randomBytes(12).toString('hex')}`;
const JWT_SECRET = `bench-gateway-secret-${randomBytes(16).toString('hex')}`;
const BASELINE_OPS = 500_000;
const WARM_OPS = 200_000;
const COLD_OPS = 10_000;
const IN_PROCESS_CONCURRENCY = 64;
const HTTP_CLIENTS = 50;
const HTTP_SECONDS = 10;
const REPLICA_LIMIT = 300;
const REPLICA_REQUESTS = 1_500;
const SUSTAINED_LIMIT = 500;
const SUSTAINED_WINDOW_SECONDS = 5;
const SUSTAINED_SECONDS = 12;

const VERIFY = 'query($key: String!) { verifyApiKey(key: $key, requiredScopes: ["read:contacts"]) { valid code } }';

interface Figures {
  opsPerSecond: number;
  p50: number;
  p99: number;
}

function percentile(sorted: Float64Array | number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

function figures(latencies: number[], elapsedMs: number): Figures {
  const sorted = Float64Array.from(latencies).sort();
  return { opsPerSecond: (latencies.length / elapsedMs) * 1000, p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
}

function line(name: string, f: Figures, baseline?: Figures): string {
  const ratio = baseline ? `  (${(baseline.opsPerSecond / f.opsPerSecond).toFixed(1)}x slower than baseline, p50 ${(f.p50 / baseline.p50).toFixed(1)}x)` : '';
  return (
    `${name.padEnd(44)} ${Math.round(f.opsPerSecond).toLocaleString('en-US').padStart(9)} /s` +
    `   p50 ${(f.p50 * 1000).toFixed(1).padStart(8)} µs   p99 ${(f.p99 * 1000).toFixed(1).padStart(8)} µs${ratio}`
  );
}

/** `total` calls of `op` from `concurrency` loops; latency of each call in ms. */
async function drive(total: number, concurrency: number, op: (i: number) => Promise<unknown>): Promise<Figures> {
  const latencies: number[] = [];
  let next = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < total) {
        const i = next++;
        const t0 = performance.now();
        await op(i);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  return figures(latencies, performance.now() - start);
}

/** POST /graphql on a keep-alive pool; returns the parsed body. */
async function post(http: HttpPool, token: string, query: string, variables: Record<string, unknown>): Promise<any> {
  const { body } = await http.request({
    path: '/graphql',
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  return body.json();
}

async function createKeys(http: HttpPool, count: number, limit: number): Promise<string[]> {
  const keys: string[] = [];
  for (let i = 0; i < count; i++) {
    const res = await post(http, BOOTSTRAP_KEY, 'mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { key } }', {
      input: { name: `bench ${i}`, scopes: ['read:contacts'], rateLimit: { limit, windowSeconds: 60 } },
    });
    if (!res.data) throw new Error(`createApiKey failed: ${JSON.stringify(res.errors)}`);
    keys.push(res.data.createApiKey.key);
  }
  return keys;
}

async function inProcess(databaseUrl: string, keys: string[]): Promise<void> {
  const log = pino({ level: 'silent' });
  const db = createDataSource(databaseUrl, log);
  await db.initialize();
  const config = loadConfig({ NODE_ENV: 'production', DATABASE_URL: databaseUrl, LOG_LEVEL: 'silent' });
  const service = ApiKeyService.create(db, databaseUrl, config, log, {
    record: async () => {
      throw new Error('not used');
    },
    recordMany: async () => {
      throw new Error('not used');
    },
  });
  const verifier = service.verifier;
  try {
    const table = new Map(keys.map((key) => [createHash('sha256').update(key, 'utf8').digest('hex'), { key }]));
    const baseline = await drive(BASELINE_OPS, 1, async (i) => {
      if (
        !table.get(
          createHash('sha256')
            .update(keys[i % KEYS], 'utf8')
            .digest('hex'),
        )
      )
        throw new Error('baseline miss');
    });
    const check = async (i: number) => {
      const result = await verifier.verify(keys[i % KEYS], ['read:contacts']);
      if (result.code !== 'VALID') throw new Error(`expected VALID, got ${result.code}`);
    };
    for (let i = 0; i < KEYS; i++) await check(i); // warm the cache
    const warm = await drive(WARM_OPS, IN_PROCESS_CONCURRENCY, check);
    const warmSerial = await drive(5_000, 1, check);
    const cold = await drive(COLD_OPS, IN_PROCESS_CONCURRENCY, async (i) => {
      verifier.cache.clear();
      await check(i);
    });
    console.log(`\nIn-process verification, ${KEYS} keys, requiredScopes [read:contacts]; baseline: SHA-256 + Map.get, one at a time`);
    console.log(line('baseline SHA-256 + Map lookup', baseline));
    console.log(line(`verify warm, ${IN_PROCESS_CONCURRENCY} concurrent callers`, warm, baseline));
    console.log(line('verify warm, one caller at a time', warmSerial, baseline));
    console.log(line(`verify cold (cache cleared), ${IN_PROCESS_CONCURRENCY} concurrent`, cold, baseline));
    console.log(`goal warm >= 50,000/s: ${warm.opsPerSecond >= 50_000 ? 'met' : 'NOT met'}`);
    result({
      name: `API key verify in process, warm, ${IN_PROCESS_CONCURRENCY} callers`,
      value: warm.opsPerSecond,
      unit: 'verifications/s',
      goal: '>= 50,000',
      met: warm.opsPerSecond >= 50_000,
      baseline: baseline.opsPerSecond,
      baselineName: 'SHA-256 + Map.get',
    });
  } finally {
    await service.close();
    await db.destroy();
  }
}

/** `clients` loops sending `call` for `seconds`; throughput and latency in ms. */
async function load(clients: number, seconds: number, call: (i: number) => Promise<void>): Promise<Figures & { count: number }> {
  const latencies: number[] = [];
  const until = performance.now() + seconds * 1000;
  let n = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < until) {
        const t0 = performance.now();
        await call(n++);
        latencies.push(performance.now() - t0);
      }
    }),
  );
  return { ...figures(latencies, performance.now() - start), count: latencies.length };
}

async function overHttp(service: ServiceProcess, keys: string[], gatewayJwt: string): Promise<void> {
  const http = new HttpPool(service.url, { connections: HTTP_CLIENTS, pipelining: 1 });
  try {
    const call = async (i: number) => {
      const res = await post(http, gatewayJwt, VERIFY, { key: keys[i % KEYS] });
      if (res.data?.verifyApiKey?.code !== 'VALID') throw new Error(`verifyApiKey: ${JSON.stringify(res)}`);
    };
    // The same server and client answering the cheapest operation there is: the HTTP stack's floor.
    const floorCall = async () => {
      const res = await post(http, gatewayJwt, '{ __typename }', {});
      if (res.data?.__typename !== 'Query') throw new Error(`__typename: ${JSON.stringify(res)}`);
    };
    await drive(2_000, HTTP_CLIENTS, call); // warm-up: JIT, caches, pool connections
    const floor = await load(HTTP_CLIENTS, HTTP_SECONDS, floorCall);
    const f = await load(HTTP_CLIENTS, HTTP_SECONDS, call);
    const show = (x: Figures & { count: number }) =>
      `${Math.round(x.opsPerSecond).toLocaleString('en-US')} req/s   p50 ${x.p50.toFixed(2)} ms   p99 ${x.p99.toFixed(2)} ms   (${x.count} requests)`;
    console.log(
      `\nOver HTTP: ${HTTP_CLIENTS} concurrent clients, ${HTTP_SECONDS} s each, gateway JWT caller (service: its own process, ROLE=api, NODE_ENV=production)`,
    );
    console.log(`{ __typename } (the stack's floor)   ${show(floor)}`);
    console.log(`verifyApiKey, ${KEYS} keys            ${show(f)}   (${(f.opsPerSecond / floor.opsPerSecond).toFixed(2)}x the floor's throughput)`);
    console.log(`goal >= 2,000 req/s with p99 < 20 ms: ${f.opsPerSecond >= 2000 && f.p99 < 20 ? 'met' : 'NOT met'}`);
    result({
      name: `verifyApiKey over HTTP, ${HTTP_CLIENTS} clients: throughput`,
      value: f.opsPerSecond,
      unit: 'req/s',
      goal: '>= 2,000',
      met: f.opsPerSecond >= 2000,
      baseline: floor.opsPerSecond,
      baselineName: '{ __typename }',
    });
    result({
      name: `verifyApiKey over HTTP, ${HTTP_CLIENTS} clients: p99`,
      value: f.p99,
      unit: 'ms',
      goal: '< 20',
      met: f.p99 < 20,
      baseline: floor.p99,
      baselineName: '{ __typename }',
    });
  } finally {
    await http.close();
  }
}

async function twoReplicas(a: ServiceProcess, b: ServiceProcess, gatewayJwt: string): Promise<void> {
  const httpA = new HttpPool(a.url, { connections: 25 });
  const httpB = new HttpPool(b.url, { connections: 25 });
  try {
    const [key] = await createKeys(httpA, 1, REPLICA_LIMIT);
    const codes = new Map<string, number>();
    const perReplica = [0, 0];
    await drive(REPLICA_REQUESTS, 50, async (i) => {
      const res = await post(i % 2 ? httpB : httpA, gatewayJwt, VERIFY, { key });
      const code = res.data?.verifyApiKey?.code ?? 'ERROR';
      codes.set(code, (codes.get(code) ?? 0) + 1);
      if (code === 'VALID') perReplica[i % 2]++;
    });
    const admitted = codes.get('VALID') ?? 0;
    console.log(
      `\nTwo replicas, one key limited to ${REPLICA_LIMIT} per 60 s, ${REPLICA_REQUESTS} verifyApiKey calls alternating between them (50 concurrent):`,
    );
    console.log(`admitted ${admitted} (replica A ${perReplica[0]}, B ${perReplica[1]}), answers ${JSON.stringify(Object.fromEntries(codes))}`);
    result({
      name: `one key limited to N=${REPLICA_LIMIT}, two replicas, burst: admitted`,
      value: admitted,
      unit: 'requests',
      goal: `<= ${REPLICA_LIMIT}`,
      met: admitted <= REPLICA_LIMIT,
    });
    console.log(`goal never more than N: ${admitted <= REPLICA_LIMIT ? 'met' : 'NOT met'}${admitted === REPLICA_LIMIT ? ' (exactly N)' : ''}`);
  } finally {
    await httpA.close();
    await httpB.close();
  }
}

async function sustained(a: ServiceProcess, b: ServiceProcess, gatewayJwt: string): Promise<void> {
  const httpA = new HttpPool(a.url, { connections: 25 });
  const httpB = new HttpPool(b.url, { connections: 25 });
  try {
    const res = await post(httpA, BOOTSTRAP_KEY, 'mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { key } }', {
      input: { name: 'sustained', scopes: ['read:contacts'], rateLimit: { limit: SUSTAINED_LIMIT, windowSeconds: SUSTAINED_WINDOW_SECONDS } },
    });
    const key = res.data.createApiKey.key as string;
    const admitted: { sent: number; answered: number }[] = [];
    let total = 0;
    const until = performance.now() + SUSTAINED_SECONDS * 1000;
    let n = 0;
    await Promise.all(
      Array.from({ length: 50 }, async () => {
        while (performance.now() < until) {
          const sent = performance.now();
          const body = await post(n++ % 2 ? httpB : httpA, gatewayJwt, VERIFY, { key });
          total++;
          if (body.data?.verifyApiKey?.code === 'VALID') admitted.push({ sent, answered: performance.now() });
        }
      }),
    );
    admitted.sort((x, y) => x.sent - y.sent);
    const windowMs = SUSTAINED_WINDOW_SECONDS * 1000;
    let worst = 0;
    for (let i = 0; i < admitted.length; i++) {
      let inside = 0;
      for (let j = i; j < admitted.length && admitted[j].sent < admitted[i].sent + windowMs; j++)
        if (admitted[j].answered <= admitted[i].sent + windowMs) inside++;
      worst = Math.max(worst, inside);
    }
    console.log(
      `Sustained: ${SUSTAINED_LIMIT} per ${SUSTAINED_WINDOW_SECONDS} s, 50 clients on both replicas for ${SUSTAINED_SECONDS} s: ` +
        `${total} calls, ${admitted.length} admitted; most in any ${SUSTAINED_WINDOW_SECONDS} s: ${worst}`,
    );
    result({
      name: `one key limited to N=${SUSTAINED_LIMIT}/${SUSTAINED_WINDOW_SECONDS} s, sustained: most in a window`,
      value: worst,
      unit: 'requests',
      goal: `<= ${SUSTAINED_LIMIT}`,
      met: worst <= SUSTAINED_LIMIT,
    });
    console.log(`goal never more than N per window: ${worst <= SUSTAINED_LIMIT ? 'met' : 'NOT met'}`);
  } finally {
    await httpA.close();
    await httpB.close();
  }
}

async function main(): Promise<void> {
  const database = await openBenchDatabase();
  const replicas: ServiceProcess[] = [];
  try {
    replicas.push(await startServiceProcess(SERVICE_ENV(database.url)));
    const http = new HttpPool(replicas[0].url, { connections: 4 });
    const keys = await createKeys(http, KEYS, 1_000_000);
    await http.close();
    const gatewayJwt = await new SignJWT({ org: 'gateway', scope: 'read:api_keys' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('gateway')
      .setIssuedAt()
      .setExpirationTime('30m')
      .sign(new TextEncoder().encode(JWT_SECRET));

    await inProcess(database.url, keys);
    await overHttp(replicas[0], keys, gatewayJwt);
    replicas.push(await startServiceProcess(SERVICE_ENV(database.url)));
    await twoReplicas(replicas[0], replicas[1], gatewayJwt);
    await sustained(replicas[0], replicas[1], gatewayJwt);
  } finally {
    for (const replica of replicas) await stopServiceProcess(replica);
    await database.dispose();
  }
}

runBench('bench:apikeys', main);
