import { createHmac, timingSafeEqual } from 'node:crypto';

/** base64url of an HMAC-SHA256: 43 characters, no padding. */
const SIGNATURE_LENGTH = 43;
/** Unix seconds: up to 10 digits until the year 2286; more is no expiry we issued. */
const MAX_EXPIRES_DIGITS = 10;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export type UrlCheck = 'valid' | 'expired' | 'invalid';

/**
 * StoredDocument.downloadUrl: `<PUBLIC_URL>/documents/<id>?expires=<unix seconds>&signature=<sig>`
 * where sig is base64url(HMAC-SHA256(key, "<id>.<expires>")) under a key derived from the
 * encryption key (Encryption.deriveKey('document-urls')). The URL is the capability: checked
 * without a session, it works for TTL seconds for whoever holds it, and nothing else about the
 * document can be derived from it. Lengths and shapes are checked before any HMAC, and the
 * signature is compared in constant time.
 */
export class DocumentUrlSigner {
  constructor(
    private readonly key: Buffer,
    private readonly publicUrl: string,
    readonly ttlSeconds: number,
  ) {}

  urlFor(documentId: string, now = Date.now()): string {
    const expires = Math.floor(now / 1000) + this.ttlSeconds;
    return `${this.publicUrl}/documents/${documentId}?expires=${expires}&signature=${this.sign(documentId, String(expires))}`;
  }

  check(documentId: string, expires: unknown, signature: unknown, now = Date.now()): UrlCheck {
    if (typeof expires !== 'string' || typeof signature !== 'string') return 'invalid';
    if (!UUID.test(documentId) || signature.length !== SIGNATURE_LENGTH || expires.length > MAX_EXPIRES_DIGITS || !/^\d+$/.test(expires)) return 'invalid';
    const expected = Buffer.from(this.sign(documentId, expires));
    const given = Buffer.from(signature);
    // Equal lengths (checked above), so timingSafeEqual cannot throw; a tampered expiry fails here too.
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'invalid';
    return Number(expires) * 1000 <= now ? 'expired' : 'valid';
  }

  private sign(documentId: string, expires: string): string {
    return createHmac('sha256', this.key).update(`${documentId}.${expires}`).digest('base64url');
  }
}
