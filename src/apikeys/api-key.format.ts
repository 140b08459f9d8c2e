import bs58 from 'bs58';
import { createHash, randomBytes } from 'node:crypto';

export const API_KEY_PREFIX = 'hcrm_';
const RANDOM_BYTES = 24;
/** Characters of the random part kept for display: enough to tell keys apart, useless to guess. */
const DISPLAY_CHARS = 5;

export interface NewApiKey {
  key: string;
  prefix: string;
  hash: string;
}

/** `hcrm_<env>_` + base58 of 24 random bytes (DESIGN.md). */
export function generateApiKey(environment: string): NewApiKey {
  const key = `${API_KEY_PREFIX}${environment}_${bs58.encode(randomBytes(RANDOM_BYTES))}`;
  return { key, prefix: displayPrefix(key), hash: hashApiKey(key) };
}

/** Only this digest is stored; a lookup by digest compares no secret bytes in our code. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

export function displayPrefix(key: string): string {
  const envEnd = key.indexOf('_', API_KEY_PREFIX.length);
  const head = envEnd > 0 ? envEnd + 1 : API_KEY_PREFIX.length;
  return key.slice(0, head + DISPLAY_CHARS);
}

export function looksLikeApiKey(token: string): boolean {
  return token.startsWith(API_KEY_PREFIX);
}
