import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { InternalError } from '../errors';

const ALGORITHM = 'aes-256-gcm';
export const KEY_LENGTH_IN_BYTES = 32;
/** 96 bits is GCM's native nonce size; random per value, so a key is good for ~2^32 values. */
export const IV_LENGTH_IN_BYTES = 12;
/** Always the full tag: Node accepts truncated tags unless told their length, and a short tag is forgeable. */
export const AUTH_TAG_LENGTH_IN_BYTES = 16;
/** Bumped if the layout or algorithm ever changes, so old values stay readable next to new ones. */
export const SEALED_FORMAT_VERSION = 'v1';
/** Key ids sit inside the colon-separated sealed value, so they may not contain a colon. */
export const KEY_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * Errors callers can branch on by code. InternalErrors: a key or a stored value is wrong, never
 * the caller's input, so clients see INTERNAL_SERVER_ERROR and never the key ids in the message.
 */
export abstract class EncryptionError extends InternalError {
  abstract readonly code: string;
}

/** A key given to Encryption is unusable (wrong length, bad id, no current key). A configuration problem. */
export class EncryptionKeyError extends EncryptionError {
  readonly code = 'ENCRYPTION_KEY_INVALID';
}

/** The value was sealed under a key this process does not hold: add it to INTEGRATION_ENCRYPTION_PREVIOUS_KEYS. */
export class UnknownEncryptionKeyError extends EncryptionError {
  readonly code = 'ENCRYPTION_KEY_UNKNOWN';
  constructor(readonly keyId: string) {
    super(`value is sealed under encryption key "${keyId}", which is not configured (add it to INTEGRATION_ENCRYPTION_PREVIOUS_KEYS)`);
  }
}

/** The value is malformed or fails GCM authentication (tampered, truncated, or the key under that id changed). */
export class DecryptionError extends EncryptionError {
  readonly code = 'DECRYPTION_FAILED';
}

interface SealedParts {
  keyId: string;
  iv: Buffer;
  tag: Buffer;
  ciphertext: Buffer;
}

/**
 * AES-256-GCM over strings with a key ring: values are always sealed under the current key, and
 * opened with whichever key their id names, so keys can rotate without a flag day. Knows nothing
 * about what it encrypts; CredentialsVault is the domain side.
 *
 * Sealed layout: `v1:<keyId>:<iv b64>:<tag b64>:<ciphertext b64>`.
 */
export class Encryption {
  private readonly keys: ReadonlyMap<string, Buffer>;

  constructor(
    keys: ReadonlyMap<string, Buffer>,
    readonly currentKeyId: string,
  ) {
    for (const [id, key] of keys) {
      if (!KEY_ID_PATTERN.test(id)) throw new EncryptionKeyError(`encryption key id "${id}" must match ${KEY_ID_PATTERN}`);
      if (key.length !== KEY_LENGTH_IN_BYTES) {
        throw new EncryptionKeyError(`encryption key "${id}" must be ${KEY_LENGTH_IN_BYTES} bytes, got ${key.length}`);
      }
    }
    if (!keys.has(currentKeyId)) throw new EncryptionKeyError(`current encryption key "${currentKeyId}" is not among the configured keys`);
    // A private copy: later changes to the caller's map or buffers cannot swap keys underneath us.
    this.keys = new Map([...keys].map(([id, key]) => [id, Buffer.from(key)]));
  }

  encrypt(plaintext: string): string {
    const iv = randomBytes(IV_LENGTH_IN_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.keys.get(this.currentKeyId)!, iv, { authTagLength: AUTH_TAG_LENGTH_IN_BYTES });
    const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    const tag = cipher.getAuthTag();
    return [SEALED_FORMAT_VERSION, this.currentKeyId, iv.toString('base64'), tag.toString('base64'), ciphertext.toString('base64')].join(':');
  }

  decrypt(sealed: string): string {
    const { keyId, iv, tag, ciphertext } = parse(sealed);
    const key = this.keys.get(keyId);
    if (!key) throw new UnknownEncryptionKeyError(keyId);
    const decipher = createDecipheriv(ALGORITHM, key, iv, { authTagLength: AUTH_TAG_LENGTH_IN_BYTES });
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString('utf8');
    } catch {
      // OpenSSL's message ("Unsupported state or unable to authenticate data") helps nobody.
      throw new DecryptionError(`sealed value failed authentication under key "${keyId}" (tampered, or a different key under that id)`);
    }
  }

  /** The id of the key a value was sealed under, without decrypting it. */
  keyIdOf(sealed: string): string {
    return parse(sealed).keyId;
  }

  /** Whether a value is already sealed under the current key (nothing for a rotation to do). */
  isCurrent(sealed: string): boolean {
    return this.keyIdOf(sealed) === this.currentKeyId;
  }

  hasKey(keyId: string): boolean {
    return this.keys.has(keyId);
  }

  /**
   * A separate 32-byte key for one purpose (signing document URLs), derived from the current key
   * with HKDF-SHA256: the encryption key itself never signs anything, and one purpose's key says
   * nothing about another's. It changes when the current key rotates.
   */
  deriveKey(purpose: string): Buffer {
    return Buffer.from(hkdfSync('sha256', this.keys.get(this.currentKeyId)!, Buffer.alloc(0), `hotcrm-integration:${purpose}`, KEY_LENGTH_IN_BYTES));
  }
}

function parse(sealed: string): SealedParts {
  const parts = typeof sealed === 'string' ? sealed.split(':') : [];
  if (parts.length !== 5 || parts[0] !== SEALED_FORMAT_VERSION) {
    // Never echo the value: a wrongly stored plaintext secret would end up in a log.
    throw new DecryptionError(`not a sealed value (expected ${SEALED_FORMAT_VERSION}:<keyId>:<iv>:<tag>:<ciphertext>)`);
  }
  const [, keyId, iv, tag, ciphertext] = parts;
  const parsed = { keyId, iv: Buffer.from(iv, 'base64'), tag: Buffer.from(tag, 'base64'), ciphertext: Buffer.from(ciphertext, 'base64') };
  if (!keyId || parsed.iv.length !== IV_LENGTH_IN_BYTES || parsed.tag.length !== AUTH_TAG_LENGTH_IN_BYTES) {
    throw new DecryptionError(`sealed value has a malformed key id, IV or authentication tag`);
  }
  return parsed;
}
