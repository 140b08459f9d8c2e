import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { Config } from '../config';
import { Encryption, EncryptionKeyError, KEY_ID_PATTERN, KEY_LENGTH_IN_BYTES } from './encryption';

/** Where embedded/dev mode keeps its generated key, inside INTEGRATION_DATA_DIR. */
export const DEV_KEY_FILE_NAME = 'encryption.key';
/** Owner read/write only: the file is as sensitive as every credential it protects. */
const DEV_KEY_FILE_MODE = 0o600;

interface NamedKey {
  id: string;
  key: Buffer;
}

/**
 * The one place connection credentials, OAuth client secrets, PKCE verifiers and webhook secrets
 * are sealed and opened. Values go through JSON so a credentials object and a plain string are
 * stored the same way; the key id inside each sealed value lets keys rotate (rotate-keys.ts).
 */
export class CredentialsVault {
  constructor(private readonly encryption: Encryption) {}

  /**
   * Keys from configuration: INTEGRATION_ENCRYPTION_KEY is current, under
   * INTEGRATION_ENCRYPTION_KEY_ID; INTEGRATION_ENCRYPTION_PREVIOUS_KEYS only open older values.
   * Without a configured key a generated one is kept in the data dir, so restarts can still read
   * what earlier runs stored (DESIGN.md's embedded mode); in production that is logged as an
   * error, since a key on the same disk as nothing else protects little, but the service still
   * starts rather than refusing to run at all.
   */
  static async fromConfig(config: Config, log: Logger): Promise<CredentialsVault> {
    const current = config.encryptionKey ? { id: config.encryptionKeyId, key: Buffer.from(config.encryptionKey, 'base64') } : await developmentKey(config, log);

    const keys = new Map<string, Buffer>();
    for (const previous of config.previousEncryptionKeys) {
      const key = Buffer.from(previous.key, 'base64');
      // Same id, different bytes would make some values silently unreadable: refuse to guess.
      if (previous.id === current.id && !key.equals(current.key)) {
        throw new EncryptionKeyError(`INTEGRATION_ENCRYPTION_PREVIOUS_KEYS has a different key under the current key id "${current.id}"`);
      }
      keys.set(previous.id, key);
    }
    keys.set(current.id, current.key);
    return new CredentialsVault(new Encryption(keys, current.id));
  }

  get currentKeyId(): string {
    return this.encryption.currentKeyId;
  }

  seal(value: unknown): string {
    const json = JSON.stringify(value);
    // JSON.stringify(undefined) is undefined, which would otherwise be sealed as the string "undefined".
    if (json === undefined) throw new TypeError(`cannot seal a value of type ${typeof value}`);
    return this.encryption.encrypt(json);
  }

  open<T>(sealed: string): T {
    return JSON.parse(this.encryption.decrypt(sealed)) as T;
  }

  /**
   * The same plaintext sealed again under the current key. Works on the decrypted text, not
   * through JSON, so a rotation never changes a stored value, only the key it is sealed under.
   */
  reseal(sealed: string): string {
    return this.encryption.encrypt(this.encryption.decrypt(sealed));
  }

  /** A key for one purpose derived from the current encryption key (Encryption.deriveKey): document URL signatures. */
  deriveKey(purpose: string): Buffer {
    return this.encryption.deriveKey(purpose);
  }

  /** Whether a value is already sealed under the current key; throws DecryptionError if it is not a sealed value. */
  isCurrent(sealed: string): boolean {
    return this.encryption.isCurrent(sealed);
  }
}

async function developmentKey(config: Config, log: Logger): Promise<NamedKey> {
  if (config.isProduction) {
    log.error(
      'INTEGRATION_ENCRYPTION_KEY is unset in production: falling back to a key kept in the data dir; ' +
        'set it (32 bytes as base64, e.g. `openssl rand -base64 32`)',
    );
  }
  const file = path.resolve(config.dataDir, DEV_KEY_FILE_NAME);
  const existing = await readKeyFile(file);
  if (existing) {
    log.warn(
      { file, keyId: existing.id },
      'INTEGRATION_ENCRYPTION_KEY is unset: using the development encryption key kept in the data dir (never do this in production)',
    );
    return existing;
  }
  const created = { id: config.encryptionKeyId, key: randomBytes(KEY_LENGTH_IN_BYTES) };
  const winner = await createKeyFile(file, created);
  log.warn(
    { file, keyId: winner.id },
    'INTEGRATION_ENCRYPTION_KEY is unset: generated a development encryption key and kept it in the data dir; ' +
      'losing that file makes stored credentials unreadable (set INTEGRATION_ENCRYPTION_KEY in production)',
  );
  return winner;
}

/** The stored key, or null when there is none yet. */
async function readKeyFile(file: string): Promise<NamedKey | null> {
  let content: string;
  try {
    content = await fs.readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  const [id, encoded, ...rest] = content.trim().split(':');
  const key = Buffer.from(encoded ?? '', 'base64');
  if (rest.length || !KEY_ID_PATTERN.test(id) || key.length !== KEY_LENGTH_IN_BYTES) {
    // Not regenerated: a new key would orphan everything sealed under the old one.
    throw new EncryptionKeyError(`${file} is not a valid key file (expected "<id>:<32 bytes as base64>"); fix or remove it`);
  }
  return { id, key };
}

/**
 * Writes the key to a private temp file and hard-links it into place: the link either appears
 * complete or fails with EEXIST, so two processes starting together agree on one key and neither
 * ever reads a half-written file.
 */
async function createKeyFile(file: string, key: NamedKey): Promise<NamedKey> {
  await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await fs.writeFile(temp, `${key.id}:${key.key.toString('base64')}\n`, { mode: DEV_KEY_FILE_MODE, flag: 'wx' });
  try {
    await fs.link(temp, file);
    return key;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const stored = await readKeyFile(file);
    if (!stored) throw new EncryptionKeyError(`${file} vanished while it was being created; start again`);
    return stored;
  } finally {
    await fs.unlink(temp).catch(() => undefined);
  }
}
