import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { SignJWT } from 'jose';
import { Client, Pool } from 'pg';
import pino from 'pino';
import { RunningService, startService } from '../src/app';
import { loadConfig } from '../src/config';
import { startEmbeddedPostgres } from '../src/db/embedded-postgres';

/**
 * `npm run bench:entities`: one `_entities` request for 1,000 Account representations with
 * externalLinks, timed 50 times, against one raw SQL query reading the same rows.
 * Goals: at most 2 SQL statements per request; p50 within 3x the raw query's p50.
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

interface Database {
  url: string;
  dispose(): Promise<void>;
}

/** A fresh database on DATABASE_URL's server, or an embedded Postgres in a temp dir. */
async function openBenchDatabase(): Promise<Database> {
  const adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'integration-bench-pg-'));
    const embedded = await startEmbeddedPostgres(dataDir, undefined, pino({ level: 'silent' }));
    return {
      url: embedded.url,
      dispose: async () => {
        await embedded.stop();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  }
  const name = `bench_${randomBytes(6).toString('hex')}`;
  const admin = async (sql: string) => {
    const client = new Client({ connectionString: adminUrl });
    await client.connect();
    try { await client.query(sql); } finally { await client.end(); }
  };
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), dispose: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

/** One connection row and two links per account, each in a single statement. */
async function seed(pool: Pool): Promise<void> {
  const { rows } = await pool.query(
    `INSERT INTO connection (organization_id, connector_key, name, auth_type, status)
     VALUES ($1, 'stripe', 'Bench Stripe', 'API_KEY', 'CONNECTED') RETURNING id`, [ORG]);
  await pool.query(
    `INSERT INTO external_link (organization_id, connection_id, provider, internal_object, internal_id,
       external_object, external_id, last_synced_data, last_synced_at)
     SELECT $1, $2, 'stripe', 'account', 'acc-' || (n / $3), 'customers', 'cus_' || n,
            jsonb_build_object('name', 'Account ' || (n / $3), 'balance', n), now()
     FROM generate_series(0, $4::int - 1) AS n`,
    [ORG, rows[0].id, LINKS_PER_ACCOUNT, ACCOUNTS * LINKS_PER_ACCOUNT]);
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

async function entitiesRequest(url: string, token: string): Promise<void> {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: QUERY, variables: { r: ids.map((id) => ({ __typename: 'Account', id })) } }),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  const body = (await response.json()) as { data?: { _entities: { externalLinks: unknown[] }[] }; errors?: unknown[] };
  if (response.status !== 200 || body.errors?.length) {
    throw new Error(`_entities failed (HTTP ${response.status}): ${JSON.stringify(body.errors ?? body).slice(0, 500)}`);
  }
  const links = body.data?._entities.reduce((sum, account) => sum + account.externalLinks.length, 0);
  if (links !== ACCOUNTS * LINKS_PER_ACCOUNT) throw new Error(`expected ${ACCOUNTS * LINKS_PER_ACCOUNT} links, got ${links}`);
}

async function statementCount(service: RunningService): Promise<number> {
  return (await service.metrics.dbQueries.get()).values.reduce((sum, v) => sum + v.value, 0);
}

/** Warms up, then times `RUNS` sequential calls; returns the durations in ms. */
async function time(fn: () => Promise<void>): Promise<number[]> {
  for (let i = 0; i < WARMUP; i++) await fn();
  const durations: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    await fn();
    durations.push(performance.now() - start);
  }
  return durations;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

interface Row { name: string; statements: number | null; p50: number; p95: number }

async function benchGraphQL(service: RunningService, name: string, token: string): Promise<Row> {
  await entitiesRequest(service.url, token); // verifies errors and link count before timing
  const before = await statementCount(service);
  const durations = await time(() => entitiesRequest(service.url, token));
  const statements = ((await statementCount(service)) - before) / (WARMUP + RUNS);
  return { name, statements, p50: percentile(durations, 50), p95: percentile(durations, 95) };
}

async function benchRaw(pool: Pool): Promise<Row> {
  const objects = ids.map(() => 'account');
  const durations = await time(async () => {
    const { rowCount } = await pool.query(RAW_SQL, [ORG, objects, ids]);
    if (rowCount !== ACCOUNTS * LINKS_PER_ACCOUNT) throw new Error(`raw query returned ${rowCount} rows`);
  });
  return { name: 'raw SQL (pg Pool)', statements: 1, p50: percentile(durations, 50), p95: percentile(durations, 95) };
}

function report(rows: Row[], raw: Row): void {
  const fmt = (n: number) => n.toFixed(2).padStart(9);
  console.log(`\n_entities: ${ACCOUNTS} Account representations, ${ACCOUNTS * LINKS_PER_ACCOUNT} links; ${WARMUP} warm-up + ${RUNS} timed sequential runs`);
  console.log(`${'case'.padEnd(26)} ${'SQL/req'.padStart(8)} ${'p50 ms'.padStart(9)} ${'p95 ms'.padStart(9)} ${'p50/raw'.padStart(8)}`);
  for (const row of [...rows, raw]) {
    const statements = row.statements === null ? '-' : row.statements.toFixed(2);
    console.log(`${row.name.padEnd(26)} ${statements.padStart(8)} ${fmt(row.p50)} ${fmt(row.p95)} ${(row.p50 / raw.p50).toFixed(2).padStart(7)}x`);
  }
  console.log('\ngoals:');
  for (const row of rows) {
    const sqlOk = (row.statements ?? Infinity) <= 2;
    const ratio = row.p50 / raw.p50;
    console.log(`  ${row.name.padEnd(24)} SQL/req <= 2: ${sqlOk ? 'met' : 'MISSED'} (${row.statements?.toFixed(2)});` +
      ` p50 <= 3x raw: ${ratio <= 3 ? 'met' : 'MISSED'} (${ratio.toFixed(2)}x)`);
  }
}

async function main(): Promise<void> {
  const database = await openBenchDatabase();
  let service: RunningService | undefined;
  const pool = new Pool({ connectionString: database.url, max: 2 });
  try {
    const config = loadConfig({
      NODE_ENV: 'test', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', DATABASE_URL: database.url,
      INTEGRATION_BOOTSTRAP_API_KEY: API_KEY, GATEWAY_JWT_SECRET: JWT_SECRET, SHUTDOWN_TIMEOUT_MS: '2000',
    });
    service = await startService(config, pino({ level: 'silent' }));
    await seed(pool);
    const rows = [
      await benchGraphQL(service, 'GraphQL, API key', API_KEY),
      await benchGraphQL(service, 'GraphQL, gateway JWT', await gatewayToken()),
    ];
    report(rows, await benchRaw(pool));
  } finally {
    await pool.end();
    await service?.stop();
    await database.dispose();
  }
}

const deadline = setTimeout(() => {
  console.error(`bench:entities did not finish within ${DEADLINE_MS / 1000}s`);
  process.exit(1);
}, DEADLINE_MS);
deadline.unref();

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
