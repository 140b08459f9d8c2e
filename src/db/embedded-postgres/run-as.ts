import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import { StartupError } from './startup-error';

/** The identity Postgres runs under: undefined means "as this process's own user". */
export interface RunAs {
  uid: number;
  gid: number;
  name: string;
}

const SYSTEM_USER = 'postgres';

function lookUp(name: string): RunAs | undefined {
  const uid = spawnSync('id', ['-u', name], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', name], { encoding: 'utf8' });
  if (uid.status !== 0 || gid.status !== 0) return undefined;
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()), name };
}

/**
 * Postgres refuses to run as root, so as root it runs as the `postgres` system user, created as a
 * system account (no login, no home) when the machine has none. Any other user runs it as itself.
 */
export async function postgresRunAs(): Promise<RunAs | undefined> {
  if (process.getuid?.() !== 0) return undefined;
  const existing = lookUp(SYSTEM_USER);
  if (existing) return existing;
  try {
    await promisify(execFile)('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', SYSTEM_USER]);
  } catch (error) {
    throw new StartupError(
      `running as root, and the "${SYSTEM_USER}" user that PostgreSQL must run as does not exist and could not be created ` +
        `(${(error as Error).message.split('\n')[0]})`,
      `create it (useradd --system --user-group ${SYSTEM_USER}), run as an ordinary user, or set DATABASE_URL`,
    );
  }
  const created = lookUp(SYSTEM_USER);
  if (!created) throw new StartupError(`the "${SYSTEM_USER}" user was created but cannot be looked up`, 'check the system user database (id postgres)');
  return created;
}

/**
 * Whether `runAs` can reach a path, asked of the kernel by running test(1) as that user: the only
 * answer that counts ACLs, supplementary groups and every folder on the way.
 */
export function canReach(runAs: RunAs, target: string, test: '-x' | '-w' | '-r'): boolean {
  const result = spawnSync('test', [test, target], { uid: runAs.uid, gid: runAs.gid, stdio: 'ignore' });
  return result.error === undefined && result.status === 0;
}
