import { ChildProcess, spawn } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Logger } from 'pino';
import type { PostgresBinaries } from './binaries';
import type { RunAs } from './run-as';
import { StartupError } from './startup-error';

export interface ClusterOptions {
  binaries: PostgresBinaries;
  runAs: RunAs | undefined;
  /** The cluster's own folder (the real one, not a link to it). */
  directory: string;
  user: string;
  password: string;
  log: Logger;
}

// Messages in English whatever the machine's locale, so readiness and errors read the same.
const ENV = { ...process.env, LC_MESSAGES: 'C', LC_ALL: 'C' };

function identity(runAs: RunAs | undefined): { uid?: number; gid?: number } {
  return runAs ? { uid: runAs.uid, gid: runAs.gid } : {};
}

/** Runs a binary to its end; a spawn failure (EACCES, ENOENT) is a StartupError, never an unhandled 'error'. */
function runToEnd(file: string, args: string[], options: ClusterOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { ...identity(options.runAs), env: ENV, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', (error) => reject(cannotRun(file, error, options.runAs)));
    child.on('close', (code) => {
      if (code === 0) return resolve();
      options.log.debug({ postgres: output.trim() }, 'embedded postgres');
      reject(
        new StartupError(
          `${path.basename(file)} failed (exit ${code}): ${lastLine(output)}`,
          'see the line above; remove the half-made data dir if it is new, or set DATABASE_URL',
        ),
      );
    });
  });
}

function lastLine(output: string): string {
  return output.trim().split('\n').filter(Boolean).slice(-1)[0] ?? 'no output';
}

function cannotRun(file: string, error: NodeJS.ErrnoException, runAs: RunAs | undefined): StartupError {
  const who = runAs ? `the ${runAs.name} user` : 'this user';
  return new StartupError(
    `${who} cannot run ${file} (${error.code ?? error.message})`,
    'make the folder reachable, run npm install again, or set DATABASE_URL to a PostgreSQL server',
  );
}

/** initdb with a password file only the cluster's user can read, removed whatever happens. */
export async function initialiseCluster(options: ClusterOptions): Promise<void> {
  const secrets = mkdtempSync(path.join(os.tmpdir(), 'integration-pg-init-'));
  const passwordFile = path.join(secrets, 'password');
  try {
    writeFileSync(passwordFile, `${options.password}\n`, { mode: 0o600 });
    if (options.runAs) {
      chownSync(secrets, options.runAs.uid, options.runAs.gid);
      chownSync(passwordFile, options.runAs.uid, options.runAs.gid);
    }
    await runToEnd(
      options.binaries.initdb,
      [`--pgdata=${options.directory}`, '--auth=password', `--username=${options.user}`, `--pwfile=${passwordFile}`, '--encoding=UTF8', '--lc-messages=C'],
      options,
    );
  } finally {
    rmSync(secrets, { recursive: true, force: true });
  }
}

export function isInitialised(directory: string): boolean {
  return existsSync(path.join(directory, 'PG_VERSION'));
}

export interface RunningCluster {
  stop(): Promise<void>;
}

/**
 * Starts the postmaster as a child and resolves once it accepts connections (the message it
 * prints then, in English: LC_MESSAGES is C).
 */
export function startCluster(options: ClusterOptions, port: number): Promise<RunningCluster> {
  const child: ChildProcess = spawn(options.binaries.postgres, ['-D', options.directory, '-p', String(port), '-c', 'listen_addresses=127.0.0.1'], {
    ...identity(options.runAs),
    env: ENV,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGINT'); // "fast" shutdown: sessions end, data is flushed
    await exited;
  };
  let output = '';
  return new Promise((resolve, reject) => {
    let settled = false;
    const settle = (error?: Error) => {
      if (settled) return;
      settled = true;
      if (error) reject(error);
      else resolve({ stop });
    };
    child.stderr!.on('data', (chunk: Buffer) => {
      options.log.debug({ postgres: String(chunk).trim() }, 'embedded postgres');
      if (settled) return;
      output += chunk;
      if (output.includes('database system is ready to accept connections')) settle();
    });
    child.once('error', (error) => settle(cannotRun(options.binaries.postgres, error, options.runAs)));
    child.once('exit', (code) =>
      settle(new StartupError(`embedded PostgreSQL exited at start (exit ${code}): ${lastLine(output)}`, 'see the line above, or set DATABASE_URL')),
    );
  });
}
