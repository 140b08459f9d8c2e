import { createSecretKey, type KeyObject } from 'node:crypto';
import { createRemoteJWKSet, jwtVerify, JWTPayload, JWTVerifyGetKey } from 'jose';
import { LRUCache } from 'lru-cache';
import type { Config } from '../config';
import { UnauthenticatedError } from '../errors';
import type { Principal } from './principal';

/**
 * The API-key half of authentication, implemented by the API keys capability (src/apikeys/
 * api-key.authenticator.ts): the kit only knows that some bearer tokens are keys.
 */
export interface KeyAuthenticator {
  /** Whether the token has the shape of an API key (rather than a gateway JWT). */
  recognises(token: string): boolean;
  /** The key's principal, or UNAUTHENTICATED / RATE_LIMITED. */
  principalFor(key: string): Promise<Principal>;
}

/**
 * Turns an Authorization header into a Principal: an API key (hcrm_ prefix, checked by the
 * KeyAuthenticator: cached lookup by SHA-256, shared rate limit, usage) or a gateway JWT (HS256
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
    private readonly keys: KeyAuthenticator,
  ) {
    if (config.gatewayJwtSecret) this.hmacSecret = createSecretKey(Buffer.from(config.gatewayJwtSecret, 'utf8'));
    if (config.gatewayJwksUrl) this.jwks = createRemoteJWKSet(new URL(config.gatewayJwksUrl));
  }

  async authenticate(header: string | undefined | null): Promise<Principal | null> {
    if (!header) return null;
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) throw new UnauthenticatedError('Malformed Authorization header: expected "Bearer <token>"');
    const token = match[1];
    return this.keys.recognises(token) ? this.keys.principalFor(token) : this.fromJwt(token);
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
