import { ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readlinkSync, realpathSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { removeDataDir } from '../../src/db/embedded-postgres/cluster-location';
import { freePort } from '../../src/net/free-port';
import { BOOTSTRAP_KEY, TEST_ENCRYPTION_KEY } from './service';

export { freePort, removeDataDir };

/**
 * What every spawned service gets: a known bootstrap and encryption key, so two processes can
 * share one database and read each other's secrets.
 */
export const PROCESS_ENV = {
  NODE_ENV: 'development',
  LOG_LEVEL: 'info',
  ALLOW_PRIVATE_TARGETS: 'true',
  INTEGRATION_BOOTSTRAP_API_KEY: BOOTSTRAP_KEY,
  INTEGRATION_ENCRYPTION_KEY: TEST_ENCRYPTION_KEY,
  SHUTDOWN_TIMEOUT_MS: '2000',
};

export const MAIN = path.resolve(__dirname, '../../dist/src/main.js');

export interface ServiceProcess {
  child: ChildProcess;
  url: string;
  dataDir: string;
  output: () => string;
  exited: Promise<number | null>;
}

/** Runs the built service (`node dist/src/main.js`, what `npm start` runs) as a real process. */
export async function spawnService(env: Record<string, string>): Promise<ServiceProcess> {
  const port = await freePort();
  const dataDir = env.INTEGRATION_DATA_DIR ?? mkdtempSync(path.join(os.tmpdir(), 'integration-svc-'));
  const childEnv: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), HOST: '127.0.0.1', INTEGRATION_DATA_DIR: dataDir, LOG_LEVEL: 'info', ...env };
  delete childEnv.DATABASE_URL;
  if (env.DATABASE_URL) childEnv.DATABASE_URL = env.DATABASE_URL;
  const child = spawn(process.execPath, [MAIN], { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${port}`;
  await waitUntil(
    async () => (await fetch(`${url}/readyz`).catch(() => null))?.status === 200,
    60_000,
    () => output,
  );
  return { child, url, dataDir, output: () => output, exited };
}

/** SIGTERM and wait, unless the process has already gone (killed by the test, say). */
export async function stopProcess(svc: ServiceProcess | undefined): Promise<void> {
  if (!svc || svc.child.exitCode !== null || svc.child.signalCode !== null) return;
  svc.child.kill('SIGTERM');
  await svc.exited;
}

export async function waitUntil(check: () => Promise<boolean> | boolean, ms: number, describe: () => string = () => ''): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out after ${ms} ms\n${describe()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * Restarts the embedded cluster under the service's feet, as an operator or a crash would: with
 * the pg_ctl beside the running postmaster's binary, on the cluster's real folder (as root both
 * may live outside the data dir, where the postgres user can reach them).
 */
export async function restartEmbeddedPostgres(dataDir: string): Promise<void> {
  const pgDir = realpathSync(path.join(dataDir, 'pg'));
  const postmaster = Number(readFileSync(path.join(pgDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  const PG_CTL = path.join(path.dirname(readlinkSync(`/proc/${postmaster}/exe`)), 'pg_ctl');
  const args = ['-D', pgDir, 'restart', '-m', 'fast', '-w', '-l', path.join(os.tmpdir(), 'pg-restart.log')];
  if (process.getuid?.() === 0) await promisify(execFile)('runuser', ['-u', 'postgres', '--', PG_CTL, ...args]);
  else await promisify(execFile)(PG_CTL, args);
}
