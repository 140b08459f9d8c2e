import type { PgPubSub } from '../realtime/pg-pubsub';
import type { ApiKeyUsageRecorder } from './api-key-usage.recorder';
import { KeySnapshot, VerificationCache } from './api-key.cache';
import { ApiKeyStatus, ApiKeyVerificationCode } from './api-key.enums';
import { hashApiKey, looksLikeApiKey } from './api-key.format';
import type { ApiKeyRateLimiter, RateDecision } from './api-key.rate-limiter';
import { grantsAll } from './api-key.scopes';

/** Far longer than any key we issue (about 50 characters); longer input is not worth hashing. */
const MAX_KEY_LENGTH = 256;

export interface Verification {
  code: ApiKeyVerificationCode;
  /** The key presented, when it exists (whatever its state). */
  key: KeySnapshot | null;
  /** The key's budget after this request; null when the key was refused before its limit was consulted. */
  rate: RateDecision | null;
}

const NOT_FOUND: Verification = Object.freeze({ code: ApiKeyVerificationCode.NOT_FOUND, key: null, rate: null });

/**
 * The one check every API key goes through, for GraphQL callers (HTTP and WebSocket) and for
 * verifyApiKey: look the key up by its SHA-256 (cached per process), refuse revoked and expired
 * keys, take one request from its shared rate limit, check the scopes asked for, and count it.
 *
 * A lookup by digest compares no secret bytes in our code, so it leaks nothing through timing
 * about any stored key; unknown, revoked and expired keys cost the same cached lookup.
 */
export class ApiKeyVerifier {
  private unfollow: (() => void) | null = null;
  /** Sees every verification's result (the /metrics counter); set once by the composition root. */
  private observer: (code: ApiKeyVerificationCode) => void = () => undefined;

  constructor(
    private readonly fetch: (hash: string) => Promise<KeySnapshot | null>,
    private readonly limiter: ApiKeyRateLimiter,
    private readonly usage: ApiKeyUsageRecorder,
    readonly cache = new VerificationCache(),
  ) {}

  async verify(presented: string, requiredScopes: readonly string[] = []): Promise<Verification> {
    const verification = await this.decide(presented, requiredScopes);
    this.observer(verification.code);
    return verification;
  }

  observe(observer: (code: ApiKeyVerificationCode) => void): void {
    this.observer = observer;
  }

  private async decide(presented: string, requiredScopes: readonly string[]): Promise<Verification> {
    if (typeof presented !== 'string' || presented.length > MAX_KEY_LENGTH || !looksLikeApiKey(presented)) return NOT_FOUND;
    const hash = hashApiKey(presented);
    const cached = this.cache.peek(hash);
    const key = cached !== undefined ? cached : await this.cache.load(hash, this.fetch);
    if (!key) return NOT_FOUND;

    const now = Date.now();
    if (key.status === ApiKeyStatus.REVOKED) return this.refuse(key, ApiKeyVerificationCode.REVOKED, null);
    if (key.status === ApiKeyStatus.EXPIRED || (key.expiresAt !== null && key.expiresAt <= now)) {
      return this.refuse(key, ApiKeyVerificationCode.EXPIRED, null);
    }
    // Every request of a live key counts against its limit, including one refused for scope:
    // probing scopes is not free.
    const rate = await this.limiter.take(key.id, key.organizationId, { limit: key.limit, windowSeconds: key.windowSeconds });
    if (!rate.allowed) return this.refuse(key, ApiKeyVerificationCode.RATE_LIMITED, rate);
    if (!grantsAll(key.scopes, requiredScopes)) return this.refuse(key, ApiKeyVerificationCode.INSUFFICIENT_SCOPE, rate);
    this.usage.count(key.id, key.organizationId, false);
    return { code: ApiKeyVerificationCode.VALID, key, rate };
  }

  /** Drops a key from this process's cache at once (the writer's own replica, after commit). */
  forget(keyId: string): void {
    this.cache.evictId(keyId);
  }

  /**
   * Evicts keys revoked or rotated on any replica: their transactions NOTIFY on the `api_key`
   * topic, delivered on commit. Only api processes authenticate, and only they run the pubsub.
   */
  follow(pubsub: PgPubSub): void {
    if (this.unfollow) return;
    const notices = pubsub.subscribe('api_key', () => true)[Symbol.asyncIterator]();
    this.unfollow = () => void notices.return?.();
    void (async () => {
      for (;;) {
        const next = await notices.next();
        if (next.done) return;
        this.cache.evictId(next.value.id);
      }
    })();
  }

  stopFollowing(): void {
    this.unfollow?.();
    this.unfollow = null;
  }

  private refuse(key: KeySnapshot, code: ApiKeyVerificationCode, rate: RateDecision | null): Verification {
    this.usage.count(key.id, key.organizationId, true);
    return { code, key, rate };
  }
}
