import { createHash } from 'node:crypto';
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, readdirSync, readlinkSync, realpathSync, rmdirSync, rmSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { ROOT_RUNTIME_DIR } from './binaries';
import { ensureDirectory } from './owned-folders';
import { canReach, RunAs } from './run-as';
import { StartupError } from './startup-error';

/**
 * Where the cluster's files live. `requested` is INTEGRATION_DATA_DIR/pg; `actual` is the same
 * folder, or, when the `postgres` user cannot reach it, a folder under ROOT_RUNTIME_DIR that
 * `requested` links to (a symlink, so that what is in the data dir says where the data is).
 */
export interface ClusterLocation {
  requested: string;
  actual: string;
  relocated: boolean;
}

function ownedBy(dir: string, runAs: RunAs): void {
  chownSync(dir, runAs.uid, runAs.gid);
  chmodSync(dir, 0o700); // initdb and postgres insist on 0700 or 0750
}

/** One folder per data dir: the same data dir always finds its cluster again. */
function relocatedDirectory(dataDir: string): string {
  const key = createHash('sha256').update(realpathSync(dataDir)).digest('hex').slice(0, 16);
  return path.join(ROOT_RUNTIME_DIR, 'clusters', key);
}

/**
 * Decides where the cluster of `dataDir` lives. No folder the user owns changes permissions: a
 * data dir that the `postgres` user cannot enter (inside root's 0700 home, a mkdtemp folder) gets
 * its cluster under ROOT_RUNTIME_DIR instead, and a link to it.
 */
export function clusterLocation(dataDir: string, runAs: RunAs | undefined): ClusterLocation {
  const requested = path.resolve(dataDir, 'pg');
  mkdirSync(path.dirname(requested), { recursive: true });
  const existing = existsSync(requested) || isLink(requested) ? lstatSync(requested) : undefined;
  if (existing && !existing.isDirectory() && !existing.isSymbolicLink()) {
    throw new StartupError(`${requested} is neither a folder nor a link`, 'remove it, or set INTEGRATION_DATA_DIR to another folder');
  }
  if (!runAs) return { requested, actual: requested, relocated: false };

  if (existing?.isSymbolicLink()) {
    const actual = path.resolve(path.dirname(requested), readlinkSync(requested));
    if (actual.startsWith(`${ROOT_RUNTIME_DIR}/`)) {
      // Ours: made again if someone cleared ROOT_RUNTIME_DIR (the data is gone; a new cluster starts).
      ensureDirectory(path.dirname(actual), 0o755);
      if (!existsSync(actual)) mkdirSync(actual);
      ownedBy(actual, runAs);
    } else if (!canReach(runAs, actual, '-w')) {
      throw new StartupError(
        `${requested} links to ${actual}, which the ${runAs.name} user that PostgreSQL runs as cannot write`,
        `give ${runAs.name} that folder, remove the link, or set DATABASE_URL`,
      );
    }
    return { requested, actual, relocated: true };
  }
  if (existing?.isDirectory()) {
    if (canReach(runAs, requested, '-w')) return { requested, actual: requested, relocated: false };
    if (readdirSync(requested).length > 0) {
      throw new StartupError(
        `the embedded PostgreSQL data in ${requested} cannot be reached by the ${runAs.name} user that PostgreSQL runs as`,
        `move it to a folder ${runAs.name} can enter, set INTEGRATION_DATA_DIR there, or set DATABASE_URL`,
      );
    }
    rmdirSync(requested); // an empty leftover: replaced by the link below
  }

  if (canReach(runAs, path.dirname(requested), '-x')) {
    mkdirSync(requested);
    ownedBy(requested, runAs);
    return { requested, actual: requested, relocated: false };
  }
  const actual = relocatedDirectory(path.dirname(requested));
  ensureDirectory(path.dirname(actual), 0o755);
  if (!existsSync(actual)) mkdirSync(actual);
  ownedBy(actual, runAs);
  symlinkSync(actual, requested);
  return { requested, actual, relocated: true };
}

function isLink(file: string): boolean {
  try {
    return lstatSync(file).isSymbolicLink();
  } catch {
    return false;
  }
}

/**
 * Removes a data dir and, where its cluster was placed outside it (`pg` is then a link), that
 * cluster too: for tests and benches, which must leave nothing behind.
 */
export function removeDataDir(dataDir: string): void {
  const pg = path.join(dataDir, 'pg');
  if (isLink(pg)) {
    try {
      rmSync(realpathSync(pg), { recursive: true, force: true });
    } catch {
      // its target is already gone
    }
  }
  rmSync(dataDir, { recursive: true, force: true });
}
