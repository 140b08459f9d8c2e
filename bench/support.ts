import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import pino from 'pino';
import { startEmbeddedPostgres } from '../src/db/embedded-postgres';

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
        rmSync(dataDir, { recursive: true, force: true });
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
