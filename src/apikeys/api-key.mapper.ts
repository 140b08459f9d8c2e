import { ApiKeyEntity } from './api-key.entity';
import { ApiKeyStatus, ApiKeyVerificationCode } from './api-key.enums';
import { ApiKey, ApiKeySecretPayload, ApiKeyVerification, RateLimitState } from './api-key.type';
import type { Verification } from './api-key.verifier';

/** An ACTIVE key past its expiresAt reads as EXPIRED without waiting for a job to flip it. */
export function effectiveStatus(row: Pick<ApiKeyEntity, 'status' | 'expiresAt'>, now = Date.now()): ApiKeyStatus {
  if (row.status === ApiKeyStatus.ACTIVE && row.expiresAt && row.expiresAt.getTime() <= now) return ApiKeyStatus.EXPIRED;
  return row.status as ApiKeyStatus;
}

/** keyHash stays behind: only the display prefix leaves the service. */
export function toApiKey(row: ApiKeyEntity): ApiKey {
  return Object.assign(new ApiKey(), {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scopes: row.scopes,
    rateLimit: { limit: row.rateLimit, windowSeconds: row.rateWindowSeconds },
    status: effectiveStatus(row),
    expiresAt: row.expiresAt,
    lastUsedAt: row.lastUsedAt,
    usageCount: Number(row.usageCount),
    createdAt: row.createdAt,
    organizationId: row.organizationId,
  });
}

export function toSecretPayload(row: ApiKeyEntity, key: string): ApiKeySecretPayload {
  return Object.assign(new ApiKeySecretPayload(), { apiKey: toApiKey(row), key });
}

/** Codes for which the key is live and the caller may act on its tenant, scopes and budget. */
const LIVE_CODES = new Set([ApiKeyVerificationCode.VALID, ApiKeyVerificationCode.RATE_LIMITED, ApiKeyVerificationCode.INSUFFICIENT_SCOPE]);

/**
 * verifyApiKey's answer. Holding the key is the proof the gateway needs whatever the key's
 * organization, so a live key of any organization is described (its id, tenant, scopes and
 * budget: what using the key would reveal anyway). A dead key (revoked, expired) is named only
 * to its own organization; to anyone else it is a code and nothing more.
 */
export function toVerification(result: Verification, callerOrganizationId: string): ApiKeyVerification {
  const { key, rate, code } = result;
  const described = !!key && (LIVE_CODES.has(code) || key.organizationId === callerOrganizationId);
  return Object.assign(new ApiKeyVerification(), {
    valid: code === ApiKeyVerificationCode.VALID,
    code,
    keyId: described ? key.id : null,
    organizationId: described ? key.organizationId : null,
    scopes: described ? [...key.scopes] : [],
    rateLimit: rate ? Object.assign(new RateLimitState(), { limit: rate.limit, remaining: rate.remaining, resetAt: rate.resetAt }) : null,
  });
}
