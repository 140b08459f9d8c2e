import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino, { Logger } from 'pino';
import { loadConfig } from '../src/config';
import { CredentialsVault } from '../src/connections/credentials-vault';
import { DecryptionError, UnknownEncryptionKeyError } from '../src/connections/encryption';
import { rotateEncryptionKeys } from '../src/connections/rotate-keys';
import { seed } from './support/seed';
import { startTestService, TestService } from './support/service';

const K1 = randomBytes(32).toString('base64');
const K2 = randomBytes(32).toString('base64');
const silent = pino({ level: 'silent' });

function vaultFor(env: Record<string, string>, log: Logger = silent): Promise<CredentialsVault> {
  return CredentialsVault.fromConfig(loadConfig({ NODE_ENV: 'test', ...env }), log);
}
const underK1 = () => vaultFor({ INTEGRATION_ENCRYPTION_KEY: K1, INTEGRATION_ENCRYPTION_KEY_ID: 'k1' });
/** After a rotation has started: k2 seals, k1 still opens what it sealed. */
const rotatingToK2 = () => vaultFor({ INTEGRATION_ENCRYPTION_KEY: K2, INTEGRATION_ENCRYPTION_KEY_ID: 'k2', INTEGRATION_ENCRYPTION_PREVIOUS_KEYS: `k1:${K1}` });
/** After k1 is retired. */
const onlyK2 = () => vaultFor({ INTEGRATION_ENCRYPTION_KEY: K2, INTEGRATION_ENCRYPTION_KEY_ID: 'k2' });

/** Replaces one base64 field of `v1:<keyId>:<iv>:<tag>:<ciphertext>` with the same bytes, one bit flipped. */
function flipBit(sealed: string, field: 'iv' | 'tag' | 'ciphertext'): string {
  const parts = sealed.split(':');
  const index = { iv: 2, tag: 3, ciphertext: 4 }[field];
  const bytes = Buffer.from(parts[index], 'base64');
  bytes[0] ^= 0x01;
  parts[index] = bytes.toString('base64');
  return parts.join(':');
}

describe('credentials vault', () => {
  it('opens what it sealed, objects and strings alike, with a fresh IV every time', async () => {
    const vault = await underK1();
    const credentials = { accessToken: 'sk_live_123', refreshToken: 'rt_456', expiresIn: 3600, scopes: ['a', 'b'] };
    const sealed = vault.seal(credentials);
    expect(sealed).toMatch(/^v1:k1:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/);
    expect(sealed).not.toContain('sk_live_123');
    expect(vault.open(sealed)).toEqual(credentials);
    expect(vault.open<string>(vault.seal('whsec_abc'))).toBe('whsec_abc');
    expect(vault.seal(credentials)).not.toBe(sealed);
    expect(vault.isCurrent(sealed)).toBe(true);
  });

  it('refuses a tampered IV, tag or ciphertext, and a value that is not sealed', async () => {
    const vault = await underK1();
    const sealed = vault.seal({ password: 'hunter2' });
    for (const field of ['iv', 'tag', 'ciphertext'] as const) {
      expect(() => vault.open(flipBit(sealed, field))).toThrow(DecryptionError);
    }
    const truncatedTag = sealed
      .split(':')
      .map((part, i) => (i === 3 ? Buffer.from(part, 'base64').subarray(0, 4).toString('base64') : part))
      .join(':');
    expect(() => vault.open(truncatedTag)).toThrow(DecryptionError);
    expect(() => vault.open('plaintext-secret')).toThrow(DecryptionError);
    expect(() => vault.open('plaintext-secret')).not.toThrow(/plaintext-secret/);
  });

  it('names the missing key when a value was sealed under a key it does not hold', async () => {
    const sealedUnderK1 = (await underK1()).seal('secret');
    const vault = await onlyK2();
    expect(() => vault.open(sealedUnderK1)).toThrow(UnknownEncryptionKeyError);
    expect(() => vault.open(sealedUnderK1)).toThrow(/"k1"/);
  });

  it('still opens values sealed under k1 once k2 is current and k1 is a previous key', async () => {
    const old = (await underK1()).seal({ token: 'old' });
    const vault = await rotatingToK2();
    expect(vault.open(old)).toEqual({ token: 'old' });
    expect(vault.isCurrent(old)).toBe(false);
    const fresh = vault.seal({ token: 'new' });
    expect(fresh.startsWith('v1:k2:')).toBe(true);
    expect(vault.isCurrent(fresh)).toBe(true);
  });

  it('rejects malformed previous keys in configuration, without echoing them', () => {
    expect(() => loadConfig({ INTEGRATION_ENCRYPTION_PREVIOUS_KEYS: 'k1:c2hvcnQ=' })).toThrow(
      /INTEGRATION_ENCRYPTION_PREVIOUS_KEYS: key "k1" must be 32 bytes/,
    );
    expect(() => loadConfig({ INTEGRATION_ENCRYPTION_PREVIOUS_KEYS: K1 })).toThrow(/id:base64key/);
    expect(() => loadConfig({ INTEGRATION_ENCRYPTION_PREVIOUS_KEYS: `k1:${K1},k1:${K2}` })).toThrow(/appears more than once/);
    expect(loadConfig({ INTEGRATION_ENCRYPTION_PREVIOUS_KEYS: ` k1:${K1} , k0:${K2}` }).previousEncryptionKeys).toEqual([
      { id: 'k1', key: K1 },
      { id: 'k0', key: K2 },
    ]);
  });
});

describe('development key file', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'vault-key-'));
  });
  afterEach(() => fs.rm(dataDir, { recursive: true, force: true }));

  it('is generated once with mode 0600, reused on the next start, and announced without the key', async () => {
    const lines: string[] = [];
    const log = pino({ level: 'warn' }, { write: (line: string) => lines.push(line) });
    const config = loadConfig({ NODE_ENV: 'development', INTEGRATION_DATA_DIR: dataDir });

    const first = await CredentialsVault.fromConfig(config, log);
    const file = path.join(dataDir, 'encryption.key');
    const stat = await fs.stat(file);
    expect(stat.mode & 0o777).toBe(0o600);
    const content = await fs.readFile(file, 'utf8');
    const [id, key] = content.trim().split(':');
    expect(id).toBe('k1');
    expect(Buffer.from(key, 'base64')).toHaveLength(32);

    const sealed = first.seal({ apiKey: 'sk_dev' });
    const second = await CredentialsVault.fromConfig(config, log);
    expect(second.open(sealed)).toEqual({ apiKey: 'sk_dev' });
    expect(await fs.readFile(file, 'utf8')).toBe(content);

    expect(lines).toHaveLength(2);
    expect(lines.join('\n')).toContain('INTEGRATION_ENCRYPTION_KEY is unset');
    expect(lines.join('\n')).toContain(file);
    expect(lines.join('\n')).not.toContain(key);
  });

  it('in production without a key still starts, logging an error, with a key kept in the data dir', async () => {
    const lines: string[] = [];
    const log = pino({ level: 'warn' }, { write: (line: string) => lines.push(line) });
    const config = loadConfig({ NODE_ENV: 'production', INTEGRATION_DATA_DIR: dataDir });
    const vault = await CredentialsVault.fromConfig(config, log);
    expect(vault.open(vault.seal('secret'))).toBe('secret');
    expect(lines.some((line) => line.includes('"level":50') && line.includes('INTEGRATION_ENCRYPTION_KEY is unset in production'))).toBe(true);
  });
});

describe('rotateEncryptionKeys', () => {
  let t: TestService;
  beforeAll(async () => {
    t = await startTestService({ INTEGRATION_ENCRYPTION_KEY: K1, INTEGRATION_ENCRYPTION_KEY_ID: 'k1' });
  });
  afterAll(() => t.stop());

  it('re-seals every stored value under the current key, in batches, and leaves current values alone', async () => {
    const db = t.service.db;
    const k1 = await underK1();
    const vault = await rotatingToK2();
    const secrets = new Map<string, unknown>();
    const sealUnder = (by: CredentialsVault, value: unknown) => {
      const sealed = by.seal(value);
      secrets.set(sealed, value);
      return sealed;
    };

    for (let i = 0; i < 5; i += 1) {
      await seed.connection(db, 'default', { name: `c${i}`, credentials_encrypted: sealUnder(k1, { apiKey: `sk_${i}` }) });
    }
    await seed.connection(db, 'default', { name: 'no credentials', credentials_encrypted: null });
    const alreadyCurrent = sealUnder(vault, { apiKey: 'sk_new' });
    await seed.connection(db, 'default', { name: 'already k2', credentials_encrypted: alreadyCurrent });
    await seed.webhookSubscription(db, 'default', { secret_encrypted: sealUnder(k1, 'whsec_a'), previous_secret_encrypted: sealUnder(k1, 'whsec_old') });
    await seed.webhookSubscription(db, 'default', { secret_encrypted: sealUnder(k1, 'whsec_b'), previous_secret_encrypted: null });

    // Two rows per batch, so the seven connections take several transactions.
    const counts = await rotateEncryptionKeys(db, vault, silent, 2);
    expect(counts).toEqual({ connection: 5, oauth_client: 0, oauth_state: 0, webhook_subscription: 3 });

    const k2Only = await onlyK2();
    const stored: (string | null)[] = [
      ...(await db.query('SELECT credentials_encrypted AS v FROM connection')).map((r: { v: string | null }) => r.v),
      ...(await db.query('SELECT secret_encrypted AS v FROM webhook_subscription')).map((r: { v: string }) => r.v),
      ...(await db.query('SELECT previous_secret_encrypted AS v FROM webhook_subscription')).map((r: { v: string | null }) => r.v),
    ];
    const sealedValues = stored.filter((v): v is string => v !== null);
    expect(sealedValues).toHaveLength(9);
    expect(sealedValues).toContain(alreadyCurrent);
    for (const sealed of sealedValues) {
      expect(sealed.startsWith('v1:k2:')).toBe(true);
      expect(k2Only.isCurrent(sealed)).toBe(true);
    }
    const opened = sealedValues.map((sealed) => k2Only.open(sealed));
    expect(opened).toEqual(expect.arrayContaining([...secrets.values()]));
    expect(opened).toHaveLength(secrets.size);

    await expect(rotateEncryptionKeys(db, vault, silent)).resolves.toEqual({ connection: 0, oauth_client: 0, oauth_state: 0, webhook_subscription: 0 });
  });

  it('stops at a value no configured key opens, so nothing is skipped silently', async () => {
    const db = t.service.db;
    const stranger = await vaultFor({ INTEGRATION_ENCRYPTION_KEY: randomBytes(32).toString('base64'), INTEGRATION_ENCRYPTION_KEY_ID: 'k0' });
    await seed.connection(db, 'default', { name: 'unknown key', credentials_encrypted: stranger.seal({ apiKey: 'lost' }) });
    await expect(rotateEncryptionKeys(db, await rotatingToK2(), silent)).rejects.toThrow(UnknownEncryptionKeyError);
  });
});
