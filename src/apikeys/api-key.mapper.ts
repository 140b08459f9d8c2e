import { ApiKeyEntity } from './api-key.entity';
import { ApiKeyStatus } from './api-key.enums';
import { ApiKey } from './api-key.type';

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
