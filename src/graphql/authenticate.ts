import { createSecretKey, type KeyObject } from 'node:crypto';
import { createRemoteJWKSet, jwtVerify, JWTPayload, JWTVerifyGetKey } from 'jose';
import { LRUCache } from 'lru-cache';
import type { Config } from '../config';
import { ApiKeyVerificationCode } from '../apikeys/api-key.enums';
import { looksLikeApiKey } from '../apikeys/api-key.format';
import type { ApiKeyVerifier } from '../apikeys/api-key.verifier';
import { RateLimitedError, UnauthenticatedError } from '../errors';
import type { Principal } from './principal';

/**
 * Turns an Authorization header into a Principal: an API key (hcrm_ prefix, checked by the
 * ApiKeyVerifier: cached lookup by SHA-256, shared rate limit, usage) or a gateway JWT (HS256
 * with GATEWAY_JWT_SECRET, or a key from GATEWAY_JWKS_URL) carrying `org`, `sub` and `scope`. Returns null when no credentials were sent at all.
 */
/** How long a verified token is trusted without verifying it again, at most (and never past its exp). */
const VERIFIED_TOKEN_TTL_MS = 60_000;

export class Authenticator {
  private readonly jwks?: JWTVerifyGetKey;
  /** A KeyObject made once: given raw bytes, jose builds one on every verification. */
  private readonly hmacSecret?: KeyObject;
  /**
   * Gateway tokens already verified, by their exact text (signature included), until they expire
   * or for a minute: the router sends the same token with request after request, and verifying
   * it (HMAC, claims) was the costliest step of an authenticated request after GraphQL itself.
   */
  private readonly verified = new LRUCache<string, Principal>({ max: 10_000 });

  constructor(
    config: Config,
    private readonly keys: ApiKeyVerifier,
  ) {
    if (config.gatewayJwtSecret) this.hmacSecret = createSecretKey(Buffer.from(config.gatewayJwtSecret, 'utf8'));
    if (config.gatewayJwksUrl) this.jwks = createRemoteJWKSet(new URL(config.gatewayJwksUrl));
  }

  async authenticate(header: string | undefined | null): Promise<Principal | null> {
    if (!header) return null;
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) throw new UnauthenticatedError('Malformed Authorization header: expected "Bearer <token>"');
    const token = match[1];
    return looksLikeApiKey(token) ? this.fromApiKey(token) : this.fromJwt(token);
  }

  /**
   * Every request (and every graphql-ws connection) made with a key takes one request from its
   * limit; over it, the request is RATE_LIMITED with retryAfterSeconds (the auth guard reports it
   * on the first protected field, as it does UNAUTHENTICATED).
   */
  private async fromApiKey(key: string): Promise<Principal> {
    const { code, key: row, rate } = await this.keys.verify(key);
    if (code === ApiKeyVerificationCode.RATE_LIMITED && rate) {
      throw new RateLimitedError(
        `API key rate limit of ${rate.limit} requests per ${row!.windowSeconds} s reached; retry in ${rate.retryAfterSeconds} s`,
        rate.retryAfterSeconds,
      );
    }
    if (code !== ApiKeyVerificationCode.VALID || !row) {
      // One message for unknown, revoked and expired keys: the caller learns nothing about which.
      throw new UnauthenticatedError('Invalid API key');
    }
    return { organizationId: row.organizationId, subject: `api_key:${row.id}`, scopes: [...row.scopes], kind: 'api_key', apiKeyId: row.id };
  }

  private async fromJwt(token: string): Promise<Principal> {
    const known = this.verified.get(token);
    if (known) return known;
    let payload: JWTPayload;
    try {
      if (this.hmacSecret) payload = (await jwtVerify(token, this.hmacSecret, { algorithms: ['HS256'] })).payload;
      else if (this.jwks) payload = (await jwtVerify(token, this.jwks)).payload;
      else throw new UnauthenticatedError('Invalid token'); // no JWT verification configured: no token is valid
    } catch {
      throw new UnauthenticatedError('Invalid token');
    }
    const org = payload.org;
    if (typeof org !== 'string' || !org) throw new UnauthenticatedError('Token has no org claim');
    const scope = payload.scope ?? payload.scopes;
    const scopes = Array.isArray(scope) ? scope.map(String) : typeof scope === 'string' ? scope.split(/\s+/).filter(Boolean) : [];
    const principal: Principal = { organizationId: org, subject: String(payload.sub ?? 'gateway'), scopes, kind: 'jwt' };
    const ttl = Math.min(VERIFIED_TOKEN_TTL_MS, typeof payload.exp === 'number' ? payload.exp * 1000 - Date.now() : VERIFIED_TOKEN_TTL_MS);
    if (ttl > 0) this.verified.set(token, principal, { ttl });
    return principal;
  }
}
