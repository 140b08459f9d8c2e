import { RateLimitedError, UnauthenticatedError } from '../errors';
import type { KeyAuthenticator } from '../graphql/authenticate';
import type { Principal } from '../graphql/principal';
import { ApiKeyVerificationCode } from './api-key.enums';
import { looksLikeApiKey } from './api-key.format';
import type { ApiKeyVerifier } from './api-key.verifier';

/** API keys as credentials: the verifier's answer (cached lookup by SHA-256, shared rate limit, usage) as a principal. */
export class ApiKeyAuthenticator implements KeyAuthenticator {
  constructor(private readonly keys: ApiKeyVerifier) {}

  recognises(token: string): boolean {
    return looksLikeApiKey(token);
  }

  /**
   * Every request (and every graphql-ws connection) made with a key takes one request from its
   * limit; over it, the request is RATE_LIMITED with retryAfterSeconds (the auth guard reports it
   * on the first protected field, as it does UNAUTHENTICATED).
   */
  async principalFor(key: string): Promise<Principal> {
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
}
