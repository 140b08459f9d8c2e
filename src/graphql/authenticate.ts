import { createRemoteJWKSet, jwtVerify, JWTPayload, JWTVerifyGetKey } from 'jose';
import type { Config } from '../config';
import { hashApiKey, looksLikeApiKey } from '../apikeys/api-key.format';
import { ApiKeyRepository } from '../apikeys/api-key.repository';
import { UnauthenticatedError } from '../errors';
import type { Principal } from './principal';

/**
 * Turns an Authorization header into a Principal: an API key (hcrm_ prefix, looked up by its
 * SHA-256) or a gateway JWT (HS256 with GATEWAY_JWT_SECRET, or a key from GATEWAY_JWKS_URL)
 * carrying `org`, `sub` and `scope`. Returns null when no credentials were sent at all.
 */
export class Authenticator {
  private readonly jwks?: JWTVerifyGetKey;
  private readonly hmacSecret?: Uint8Array;

  constructor(config: Config, private readonly keys: ApiKeyRepository) {
    if (config.gatewayJwtSecret) this.hmacSecret = new TextEncoder().encode(config.gatewayJwtSecret);
    if (config.gatewayJwksUrl) this.jwks = createRemoteJWKSet(new URL(config.gatewayJwksUrl));
  }

  async authenticate(header: string | undefined | null): Promise<Principal | null> {
    if (!header) return null;
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match) throw new UnauthenticatedError('Malformed Authorization header: expected "Bearer <token>"');
    const token = match[1];
    return looksLikeApiKey(token) ? this.fromApiKey(token) : this.fromJwt(token);
  }

  private async fromApiKey(key: string): Promise<Principal> {
    const row = await this.keys.findByHash(hashApiKey(key));
    const now = Date.now();
    if (!row || row.status === 'REVOKED' || (row.expiresAt && row.expiresAt.getTime() <= now)) {
      // One message for unknown, revoked and expired keys: the caller learns nothing about which.
      throw new UnauthenticatedError('Invalid API key');
    }
    return { organizationId: row.organizationId, subject: `api_key:${row.id}`, scopes: row.scopes, kind: 'api_key', apiKeyId: row.id };
  }

  private async fromJwt(token: string): Promise<Principal> {
    let payload: JWTPayload;
    try {
      if (this.hmacSecret) payload = (await jwtVerify(token, this.hmacSecret, { algorithms: ['HS256'] })).payload;
      else if (this.jwks) payload = (await jwtVerify(token, this.jwks)).payload;
      else throw new Error('no JWT verification configured');
    } catch {
      throw new UnauthenticatedError('Invalid token');
    }
    const org = payload.org;
    if (typeof org !== 'string' || !org) throw new UnauthenticatedError('Token has no org claim');
    const scope = payload.scope ?? payload.scopes;
    const scopes = Array.isArray(scope) ? scope.map(String) : typeof scope === 'string' ? scope.split(/\s+/).filter(Boolean) : [];
    return { organizationId: org, subject: String(payload.sub ?? 'gateway'), scopes, kind: 'jwt' };
  }
}
