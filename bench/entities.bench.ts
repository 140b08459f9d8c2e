import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { SignJWT } from 'jose';
import { Pool } from 'pg';
import { openBenchDatabase, runBench, ServiceProcess, startServiceProcess, stopServiceProcess } from './support';
import { result } from './result';

/**
 * `npm run bench:entities`: one `_entities` request for 1,000 Account representations with
 * externalLinks, timed 50 times, against one raw SQL query reading the same rows.
 * Goals: at most 2 SQL statements per request; p50 within 3x the raw query's p50.
 * The service runs as its own process (`node dist/src/main.js`, NODE_ENV=production), as deployed;
 * statements are read from its /metrics, latency is request sent to response body received.
 */
const ACCOUNTS = 1000;
const LINKS_PER_ACCOUNT = 2;
const WARMUP = 5;
const RUNS = 50;
const ORG = 'default';
const API_KEY = `hcrm_test_Bench${randomBytes(12).toString('hex')}`;
const JWT_SECRET = `bench-gateway-secret-${randomBytes(16).toString('hex')}`;
const DEADLINE_MS = 5 * 60_000;
const REQUEST_TIMEOUT_MS = 30_000;

const QUERY = `query($r:[_Any!]!){ _entities(representations:$r){ ... on Account {
  id externalLinks { id provider externalObject externalId status lastSyncedData lastSyncedAt } } } }`;
const RAW_SQL = `SELECT * FROM external_link WHERE organization_id=$1
  AND (internal_object, internal_id) IN (SELECT * FROM unnest($2::text[], $3::text[]))`;
const ids = Array.from({ length: ACCOUNTS }, (_, n) => `acc-${n}`);

/** One connection row and two links per account, each in a single statement. */
async function seed(pool: Pool): Promise<void> {
  const { rows } = await pool.query(
    `INSERT INTO connection (organization_id, connector_key, name, auth_type, status)
     VALUES ($1, 'stripe', 'Bench Stripe', 'API_KEY', 'CONNECTED') RETURNING id`,
    [ORG],
  );
  await pool.query(
    `INSERT INTO external_link (organization_id, connection_id, provider, account_key, internal_object, internal_id,
       external_object, external_id, last_synced_data, last_synced_at)
     SELECT $1, $2::uuid, 'stripe', 'connection:' || $2::uuid::text, 'account', 'acc-' || (n / $3), 'customers', 'cus_' || n,
            jsonb_build_object('name', 'Account ' || (n / $3), 'balance', n), now()
     FROM generate_series(0, $4::int - 1) AS n`,
    [ORG, rows[0].id, LINKS_PER_ACCOUNT, ACCOUNTS * LINKS_PER_ACCOUNT],
  );
  await pool.query('ANALYZE external_link');
}

function gatewayToken(): Promise<string> {
  return new SignJWT({ org: ORG, scope: 'read:*' })
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject('bench-user')
    .setIssuedAt()
    .setExpirationTime('30m')
    .sign(new TextEncoder().encode(JWT_SECRET));
}

const REQUEST_BODY = JSON.stringify({ query: QUERY, variables: { r: ids.map((id) => ({ __typename: 'Account', id })) } });

/** One request, timed to the last byte of the response; `verify` also parses and checks it. */
async function entitiesRequest(url: string, token: string, verify = false): Promise<void> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: REQUEST_BODY,
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const text = await response.text();
  if (!verify) return;
  const body = JSON.parse(text) as { data?: { _entities: { externalLinks: unknown[] }[] }; errors?: unknown[] };
  if (response.status !== 200 || body.errors?.length) {
    throw new Error(`_entities failed (HTTP ${response.status}): ${JSON.stringify(body.errors ?? body).slice(0, 500)}`);
  }
  const links = body.data?._entities.reduce((sum, account) => sum + account.externalLinks.length, 0);
  if (links !== ACCOUNTS * LINKS_PER_ACCOUNT) throw new Error(`expected ${ACCOUNTS * LINKS_PER_ACCOUNT} links, got ${links}`);
}

/** The service's own counter of SQL statements, as Prometheus scrapes it. */
async function statementCount(url: string): Promise<number> {
  const metrics = await (await fetch(`${url}/metrics`)).text();
  const line = metrics.split('\n').find((l) => l.startsWith('integration_db_queries_total '));
  if (!line) throw new Error('integration_db_queries_total missing from /metrics');
  return Number(line.split(' ')[1]);
}

/**
 * Warms up, then times `RUNS` rounds; each round runs every case once, one after another, so the
 * GraphQL cases and the raw baseline see the same machine (a shared 2-core box is noisy).
 */
async function timeRounds(cases: (() => Promise<void>)[]): Promise<number[][]> {
  for (let i = 0; i < WARMUP; i++) for (const fn of cases) await fn();
  const durations = cases.map(() => [] as number[]);
  for (let i = 0; i < RUNS; i++) {
    for (const [n, fn] of cases.entries()) {
      const start = performance.now();
      await fn();
      durations[n].push(performance.now() - start);
    }
  }
  return durations;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

interface Row {
  name: string;
  statements: number | null;
  p50: number;
  p95: number;
}

async function benchAll(service: ServiceProcess, pool: Pool): Promise<{ rows: Row[]; raw: Row }> {
  const modes = [
    { name: 'GraphQL, API key', token: API_KEY },
    { name: 'GraphQL, gateway JWT', token: await gatewayToken() },
  ];
  for (const mode of modes) await entitiesRequest(service.url, mode.token, true); // errors and link count
  const objects = ids.map(() => 'account');
  const raw = async () => {
    const { rowCount } = await pool.query(RAW_SQL, [ORG, objects, ids]);
    if (rowCount !== ACCOUNTS * LINKS_PER_ACCOUNT) throw new Error(`raw query returned ${rowCount} rows`);
  };
  // Statements per request: the service's counter around WARMUP + RUNS requests of one mode.
  const statements: number[] = [];
  for (const mode of modes) {
    const before = await statementCount(service.url);
    for (let i = 0; i < WARMUP + RUNS; i++) await entitiesRequest(service.url, mode.token);
    statements.push(((await statementCount(service.url)) - before) / (WARMUP + RUNS));
  }
  const durations = await timeRounds([...modes.map((mode) => () => entitiesRequest(service.url, mode.token)), raw]);
  const row = (name: string, count: number | null, d: number[]): Row => ({ name, statements: count, p50: percentile(d, 50), p95: percentile(d, 95) });
  return {
    rows: modes.map((mode, n) => row(mode.name, statements[n], durations[n])),
    raw: row('raw SQL (pg Pool)', 1, durations[modes.length]),
  };
}

function report(rows: Row[], raw: Row): void {
  const fmt = (n: number) => n.toFixed(2).padStart(9);
  console.log(
    `\n_entities: ${ACCOUNTS} Account representations, ${ACCOUNTS * LINKS_PER_ACCOUNT} links; ${WARMUP} warm-up + ${RUNS} timed rounds, cases interleaved`,
  );
  console.log(`${'case'.padEnd(26)} ${'SQL/req'.padStart(8)} ${'p50 ms'.padStart(9)} ${'p95 ms'.padStart(9)} ${'p50/raw'.padStart(8)}`);
  for (const row of [...rows, raw]) {
    const statements = row.statements === null ? '-' : row.statements.toFixed(2);
    console.log(`${row.name.padEnd(26)} ${statements.padStart(8)} ${fmt(row.p50)} ${fmt(row.p95)} ${(row.p50 / raw.p50).toFixed(2).padStart(7)}x`);
  }
  console.log('\ngoals:');
  for (const row of rows) {
    const sqlOk = (row.statements ?? Infinity) <= 2;
    const ratio = row.p50 / raw.p50;
    console.log(
      `  ${row.name.padEnd(24)} SQL/req <= 2: ${sqlOk ? 'met' : 'MISSED'} (${row.statements?.toFixed(2)});` +
        ` p50 <= 3x raw: ${ratio <= 3 ? 'met' : 'MISSED'} (${ratio.toFixed(2)}x)`,
    );
    result({
      name: `_entities ${ACCOUNTS} accounts, ${row.name}: SQL statements per request`,
      value: row.statements ?? NaN,
      unit: 'statements',
      goal: '<= 2',
      met: sqlOk,
    });
    result({
      name: `_entities ${ACCOUNTS} accounts, ${row.name}: p50`,
      value: row.p50,
      unit: 'ms',
      goal: '<= 3x baseline',
      met: ratio <= 3,
      baseline: raw.p50,
      baselineName: 'raw SQL (pg Pool)',
    });
  }
}

async function main(): Promise<void> {
  const database = await openBenchDatabase();
  let service: ServiceProcess | undefined;
  const pool = new Pool({ connectionString: database.url, max: 2 });
  try {
    service = await startServiceProcess({
      DATABASE_URL: database.url,
      INTEGRATION_BOOTSTRAP_API_KEY: API_KEY,
      GATEWAY_JWT_SECRET: JWT_SECRET,
      INTEGRATION_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    });
    await seed(pool);
    const { rows, raw } = await benchAll(service, pool);
    report(rows, raw);
  } finally {
    await pool.end();
    if (service) await stopServiceProcess(service);
    await database.dispose();
  }
}

runBench('bench:entities', main, DEADLINE_MS);
