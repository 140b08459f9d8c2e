import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Client as WsClient, createClient } from 'graphql-ws';
import { Client } from 'pg';
import WebSocket from 'ws';
import { freePort } from '../src/net/free-port';
import { openBenchDatabase, runBench } from './support';
import { result } from './result';

/**
 * `npm run bench:subscriptions`: 1,000 graphql-ws clients subscribed to syncRunUpdated on the
 * service as its own process (`node dist/src/main.js`, ROLE=api, NODE_ENV=production); a separate
 * pg client commits a change to a run and NOTIFYs, as a worker does. Latency is from just before
 * the NOTIFY is sent to each client receiving the run with the new counter; every client must
 * receive every round. Also prints the api process's RSS (VmRSS).
 * Goal: p99 < 250 ms.
 */
const CLIENTS = 1_000;
const ROUNDS = 40;
const ORG = 'default';
const API_KEY = 'hcrm_test_BenchSubscriptions1234567890abcdef';
const CONNECT_BATCH = 100;
const ROUND_TIMEOUT_MS = 10_000;

const SUBSCRIPTION = 'subscription($id: ID) { syncRunUpdated(syncConfigId: $id) { id status recordsProcessed } }';

async function spawnApi(databaseUrl: string): Promise<{ child: ChildProcess; url: string; dataDir: string }> {
  const port = await freePort();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'integration-bench-subs-'));
  // BENCH_API_NODE_ARGS, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof", profiles the api process.
  const nodeArgs = (process.env.BENCH_API_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, path.resolve(__dirname, '../dist/src/main.js')], {
    env: {
      ...process.env,
      NODE_ENV: 'production',
      ROLE: 'api',
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      DATABASE_URL: databaseUrl,
      INTEGRATION_DATA_DIR: dataDir,
      INTEGRATION_BOOTSTRAP_API_KEY: API_KEY,
      INTEGRATION_ENCRYPTION_KEY: Buffer.alloc(32, 3).toString('base64'),
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if ((await fetch(`${url}/readyz`).catch(() => null))?.status === 200) break;
    if (i > 600 || child.exitCode !== null) throw new Error('the service did not become ready');
    await sleep(100);
  }
  return { child, url, dataDir };
}

function rssMb(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : NaN;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function main(): Promise<void> {
  const database = await openBenchDatabase();
  const api = await spawnApi(database.url);
  const pg = new Client({ connectionString: database.url });
  await pg.connect();
  const clients: WsClient[] = [];
  try {
    // A config and a run to stream, written as a worker would (the api process only reads them).
    const [{ id: connectionId }] = (
      await pg.query(
        `INSERT INTO connection (organization_id, connector_key, name, auth_type, status) VALUES ($1, 'stripe', 'bench', 'API_KEY', 'CONNECTED') RETURNING id`,
        [ORG],
      )
    ).rows;
    const [{ id: configId }] = (
      await pg.query(
        `INSERT INTO sync_config (organization_id, connection_id, name, source_object, target_object, direction, frequency)
          VALUES ($1, $2, 'bench', 'customers', 'account', 'INBOUND', 'manual') RETURNING id`,
        [ORG, connectionId],
      )
    ).rows;
    const [{ id: runId }] = (
      await pg.query(
        `INSERT INTO sync_run (organization_id, sync_config_id, status, trigger, mode, started_at)
          VALUES ($1, $2, 'RUNNING', 'MANUAL', 'FULL', now()) RETURNING id`,
        [ORG, configId],
      )
    ).rows;
    const rssIdle = rssMb(api.child.pid!);

    // received[c] = the last round client c saw; arrivals[round] = latencies of that round.
    const received = new Int32Array(CLIENTS).fill(-1);
    let arrivals: number[] = [];
    let sentAt = 0;
    let round = -1;
    let stray = 0;
    const wsUrl = api.url.replace('http', 'ws') + '/graphql';
    for (let start = 0; start < CLIENTS; start += CONNECT_BATCH) {
      await Promise.all(
        Array.from(
          { length: Math.min(CONNECT_BATCH, CLIENTS - start) },
          (_, i) =>
            new Promise<void>((resolve, reject) => {
              const index = start + i;
              const client = createClient({
                url: wsUrl,
                webSocketImpl: WebSocket,
                connectionParams: { authorization: `Bearer ${API_KEY}` },
                lazy: false,
                retryAttempts: 0,
                on: { connected: () => resolve(), closed: (e) => reject(new Error(`client ${index} closed: ${JSON.stringify(e)}`)) },
              });
              clients.push(client);
              client.subscribe(
                { query: SUBSCRIPTION, variables: { id: configId } },
                {
                  next: (message: any) => {
                    const seen = message.data?.syncRunUpdated?.recordsProcessed;
                    if (seen !== round || received[index] === round) {
                      if (round >= 0 && seen !== round) stray++;
                      return;
                    }
                    received[index] = round;
                    arrivals.push(performance.now() - sentAt);
                  },
                  error: (error) => console.error(`client ${index}:`, error),
                  complete: () => undefined,
                },
              );
            }),
        ),
      );
    }

    /** One worker-like change: commit the counter, then NOTIFY from this separate connection. */
    const notifyRound = async (n: number): Promise<number[]> => {
      round = n;
      arrivals = [];
      await pg.query('UPDATE sync_run SET records_processed = $2, updated_at = now() WHERE id = $1', [runId, n]);
      sentAt = performance.now();
      await pg.query('SELECT pg_notify($1, $2)', [
        'integration_changes',
        JSON.stringify({ topic: 'sync_run', organizationId: ORG, id: runId, parentId: configId }),
      ]);
      const until = Date.now() + ROUND_TIMEOUT_MS;
      while (arrivals.length < CLIENTS && Date.now() < until) await sleep(5);
      return arrivals;
    };

    // Subscriptions register after connection_ack: notify until every client has one (not timed).
    let warm = 0;
    for (; warm < 50; warm++) {
      if ((await notifyRound(1_000_000 + warm)).length === CLIENTS) break;
      await sleep(200);
    }
    if (warm === 50) throw new Error(`only ${arrivals.length} of ${CLIENTS} clients ever received a notice`);
    const rssSubscribed = rssMb(api.child.pid!);

    const latencies: number[] = [];
    let missed = 0;
    for (let n = 0; n < ROUNDS; n++) {
      const got = await notifyRound(n);
      missed += CLIENTS - got.length;
      latencies.push(...got);
      await sleep(150);
    }
    const rssAfter = rssMb(api.child.pid!);
    latencies.sort((a, b) => a - b);
    const p50 = percentile(latencies, 50);
    const p99 = percentile(latencies, 99);
    console.log(
      `\nbench:subscriptions: ${CLIENTS} graphql-ws clients on syncRunUpdated, ${ROUNDS} NOTIFYs from a separate pg client ` +
        '(api process: node dist/src/main.js, ROLE=api)',
    );
    console.log(`deliveries ${latencies.length} of ${CLIENTS * ROUNDS} (missed ${missed}, stale or duplicate ${stray})`);
    console.log(
      `NOTIFY -> client latency: p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, max ${latencies[latencies.length - 1].toFixed(1)} ms ` +
        `(goal p99 < 250 ms: ${p99 < 250 && missed === 0 ? 'met' : 'MISSED'})`,
    );
    result({
      name: `syncRunUpdated NOTIFY to client p99, ${CLIENTS} clients (missed ${missed})`,
      value: p99,
      unit: 'ms',
      goal: '< 250, none missed',
      met: p99 < 250 && missed === 0,
    });
    result({ name: `api process RSS with ${CLIENTS} subscribed clients`, value: rssSubscribed, unit: 'MB', baseline: rssIdle, baselineName: 'before clients' });
    console.log(
      `api process RSS (VmRSS): ${rssIdle.toFixed(0)} MB before clients, ${rssSubscribed.toFixed(0)} MB with ${CLIENTS} subscribed, ` +
        `${rssAfter.toFixed(0)} MB after ${ROUNDS} rounds`,
    );
  } finally {
    await Promise.all(clients.map((client) => client.dispose()));
    await pg.end();
    api.child.kill('SIGTERM');
    await new Promise((resolve) => (api.child.exitCode !== null ? resolve(null) : api.child.once('exit', resolve)));
    rmSync(api.dataDir, { recursive: true, force: true });
    await database.dispose();
  }
}

runBench('bench:subscriptions', main, 5 * 60_000);
