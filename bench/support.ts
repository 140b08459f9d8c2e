import { ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import pino from 'pino';
import { removeDataDir } from '../src/db/embedded-postgres/cluster-location';
import { startEmbeddedPostgres } from '../src/db/embedded-postgres/embedded-postgres';
import { freePort } from '../src/net/free-port';

export interface BenchDatabase {
  url: string;
  dispose(): Promise<void>;
}

/** A fresh database on DATABASE_URL's server, or an embedded Postgres in a temp dir. */
export async function openBenchDatabase(): Promise<BenchDatabase> {
  const adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'integration-bench-pg-'));
    const embedded = await startEmbeddedPostgres(dataDir, undefined, pino({ level: 'silent' }));
    return {
      url: embedded.url,
      dispose: async () => {
        await embedded.stop();
        removeDataDir(dataDir);
      },
    };
  }
  const name = `bench_${randomBytes(6).toString('hex')}`;
  const admin = async (sql: string) => {
    const client = new Client({ connectionString: adminUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), dispose: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

/** Stops the process if a bench hangs: benches are bounded in time. */
export function deadline(ms: number, name: string): void {
  setTimeout(() => {
    console.error(`${name} did not finish within ${ms / 1000}s`);
    process.exit(1);
  }, ms).unref();
}

/** Runs a bench's main within a time limit and exits 0 when it printed its figures, 1 on error. */
export function runBench(name: string, main: () => Promise<void>, limitMs = 5 * 60_000): void {
  deadline(limitMs, name);
  main().then(
    () => process.exit(0),
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}

export interface ServiceProcess {
  url: string;
  child: ChildProcess;
}

/**
 * The built service (`dist/src/main.js`, as `npm start` runs it) as its own process, so a bench's
 * load generator does not share its event loop; ready when /readyz answers 200. `env` adds to
 * production defaults (DATABASE_URL, the bootstrap key, ROLE, …). BENCH_SERVER_NODE_ARGS, e.g.
 * "--cpu-prof", profiles the service process alone.
 */
export async function startServiceProcess(env: Record<string, string>): Promise<ServiceProcess> {
  const port = await freePort();
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const child = spawn(process.execPath, [...nodeArgs, path.resolve(__dirname, '../dist/src/main.js')], {
    env: { ...process.env, NODE_ENV: 'production', PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', SHUTDOWN_TIMEOUT_MS: '2000', ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (const until = Date.now() + 60_000; Date.now() < until;) {
    if ((await fetch(`${url}/readyz`).catch(() => null))?.status === 200) return { url, child };
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error('the service did not become ready');
}

export async function stopServiceProcess(service: ServiceProcess): Promise<void> {
  const exited = new Promise((resolve) => service.child.once('exit', resolve));
  service.child.kill('SIGTERM');
  await exited;
}
