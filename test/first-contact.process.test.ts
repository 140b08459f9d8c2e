import { ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { chownSync, cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, realpathSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { removeDataDir } from '../src/db/embedded-postgres/cluster-location';
import { freePort, waitUntil } from './support/process';

/**
 * The README's two commands in a clone that other users cannot enter (a mkdtemp folder is 0700,
 * like root's home): `npm start` must come up on its embedded PostgreSQL, and the test database
 * set-up (jest's global setup) must start there too. As root, PostgreSQL runs as the `postgres`
 * user, who cannot reach the clone; as an ordinary user it runs as that user.
 */
const ROOT = path.resolve(__dirname, '..');
const isRoot = process.getuid?.() === 0;

interface User {
  name: string;
  uid?: number;
  gid?: number;
}
const self: User = { name: os.userInfo().username, uid: process.getuid?.(), gid: process.getgid?.() };
const ordinary: User | undefined = isRoot ? lookUpUser('nobody') : self;

function lookUpUser(name: string): User | undefined {
  const uid = spawnSync('id', ['-u', name], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', name], { encoding: 'utf8' });
  if (uid.status !== 0) return undefined;
  return { name, uid: Number(uid.stdout), gid: Number(gid.stdout) };
}

/**
 * The project as a clone holds it (tracked and new files, what `git clone` would bring), plus
 * node_modules as hard links (what `npm install` would put there, without the download), in a
 * fresh 0700 folder owned by `owner`.
 */
function cloneInto0700Folder(owner: User): string {
  const clone = mkdtempSync(path.join(os.tmpdir(), 'integration-clone-'));
  expect(statSync(clone).mode & 0o777).toBe(0o700);
  const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: ROOT, encoding: 'utf8' })
    .split('\0')
    .filter((file) => file && existsSync(path.join(ROOT, file)));
  for (const file of files) cpSync(path.join(ROOT, file), path.join(clone, file), { recursive: true });
  execFileSync('cp', ['-al', path.join(ROOT, 'node_modules'), path.join(clone, 'node_modules')]);
  mkdirSync(path.join(clone, '.home'));
  if (owner.uid !== undefined && owner.uid !== process.getuid?.()) {
    // Our own temp folder: the owner must write dist/, .data/ and its home in it.
    for (const dir of [clone, path.join(clone, '.home')]) chownSync(dir, owner.uid, owner.gid!);
  }
  return clone;
}

/** The environment of a new terminal: no database, no test run around it. */
function freshEnvironment(clone: string, extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(DATABASE_URL|TEST_ADMIN_DATABASE_URL|JEST_|INTEGRATION_|npm_)/.test(key)) continue;
    env[key] = value;
  }
  return { ...env, HOME: path.join(clone, '.home'), NODE_ENV: 'development', ...extra };
}

function run(command: string, args: string[], clone: string, user: User, env: Record<string, string>) {
  const child = spawn(command, args, {
    cwd: clone,
    env: freshEnvironment(clone, env),
    ...(user.uid !== process.getuid?.() ? { uid: user.uid, gid: user.gid } : {}),
    detached: true, // its own process group: npm's children are stopped with it
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, exited, output: () => output };
}

async function stopGroup(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  process.kill(-child.pid!, 'SIGTERM');
  await exited;
}

/** The clone and, where its cluster was placed outside it, that cluster. */
function removeClone(clone: string): void {
  removeDataDir(path.join(clone, '.data'));
  spawnSync('rm', ['-rf', clone]);
}

const users: Array<[string, User]> = [];
if (isRoot) users.push(['root', self]);
if (ordinary) users.push([isRoot ? 'an ordinary user (nobody)' : `an ordinary user (${self.name})`, ordinary]);

describe.each(users)('a clone in a 0700 folder, as %s', (_label, user) => {
  let clone: string;
  beforeAll(() => {
    clone = cloneInto0700Folder(user);
  });
  afterAll(() => removeClone(clone));

  it('`npm start` comes up on embedded PostgreSQL and says where its data lives', async () => {
    const port = await freePort();
    const service = run('npm', ['start'], clone, user, { PORT: String(port), HOST: '127.0.0.1' });
    try {
      const url = `http://127.0.0.1:${port}`;
      await waitUntil(async () => (await fetch(`${url}/readyz`).catch(() => null))?.status === 200, 120_000, service.output);
      const key = /hcrm_[a-z]+_[1-9A-HJ-NP-Za-km-z]+/.exec(service.output())?.[0];
      expect(key).toBeDefined();
      const res = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify({ query: '{ connectors { key } }' }),
      });
      expect(((await res.json()) as any).data.connectors).toHaveLength(11);

      const pgDir = path.join(clone, '.data', 'pg');
      const where = realpathSync(pgDir);
      expect(service.output()).toContain(`its data lives in ${where}`);
      if (user.uid === 0) {
        // postgres cannot enter the clone: the cluster lives where it can, and the data dir links there.
        expect(lstatSync(pgDir).isSymbolicLink()).toBe(true);
        expect(where.startsWith(`${path.resolve(clone)}/`)).toBe(false);
      } else {
        expect(where).toBe(pgDir);
      }
      // No folder of the user's changed permissions.
      expect(statSync(clone).mode & 0o777).toBe(0o700);
    } finally {
      await stopGroup(service.child, service.exited);
    }
    expect(service.output()).not.toMatch(/EACCES|Unhandled|at .+\(.+:\d+:\d+\)/);
  }, 180_000);

  it('the test database set-up starts there too (jest global setup, then a test on it)', async () => {
    const jest = run(process.execPath, [path.join(clone, 'node_modules/jest/bin/jest.js'), '--ci', 'test/http.health.test.ts'], clone, user, {});
    const code = await jest.exited;
    expect({ code, output: code === 0 ? '' : jest.output() }).toEqual({ code: 0, output: '' });
    expect(jest.output()).toMatch(/Tests:\s+\d+ passed/);
  }, 180_000);
});

describe('where the embedded PostgreSQL cannot start', () => {
  it('stops with one line naming the cause and the fix, not a stack trace', async () => {
    // A data dir that is a file: nothing can put a cluster there.
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'integration-bad-data-'));
    const notADirectory = path.join(dataDir, 'pg');
    cpSync(path.join(ROOT, 'package.json'), notADirectory);
    try {
      const service = run(process.execPath, [path.join(ROOT, 'dist/src/main.js')], ROOT, self, {
        PORT: String(await freePort()),
        INTEGRATION_DATA_DIR: dataDir,
      });
      expect(await service.exited).toBe(1);
      const lines = service.output().trim().split('\n');
      expect(lines[lines.length - 1]).toBe(
        `failed to start: ${notADirectory} is neither a folder nor a link. Fix: remove it, or set INTEGRATION_DATA_DIR to another folder`,
      );
      expect(service.output()).not.toMatch(/\n\s+at /);
    } finally {
      removeDataDir(dataDir);
    }
  }, 60_000);

  it('a data dir nothing can create: one line, not an unhandled error', async () => {
    // Under a file: mkdir fails with ENOTDIR whoever runs it (root included).
    const service = run(process.execPath, [path.join(ROOT, 'dist/src/main.js')], ROOT, self, {
      PORT: String(await freePort()),
      INTEGRATION_DATA_DIR: path.join(ROOT, 'package.json', 'data'),
    });
    expect(await service.exited).toBe(1);
    const lines = service.output().trim().split('\n');
    expect(lines[lines.length - 1]).toMatch(/^failed to start: the embedded PostgreSQL could not be prepared \(E[A-Z]+\)\. Fix: /);
    expect(service.output()).not.toMatch(/\n\s+at /);
  }, 60_000);
});
