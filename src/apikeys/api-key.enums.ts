import { registerEnumType } from 'type-graphql';

export enum ApiKeyStatus {
  ACTIVE = 'ACTIVE',
  REVOKED = 'REVOKED',
  EXPIRED = 'EXPIRED',
}
registerEnumType(ApiKeyStatus, { name: 'ApiKeyStatus' });

export enum ApiKeyVerificationCode {
  VALID = 'VALID',
  NOT_FOUND = 'NOT_FOUND',
  EXPIRED = 'EXPIRED',
  REVOKED = 'REVOKED',
  RATE_LIMITED = 'RATE_LIMITED',
  INSUFFICIENT_SCOPE = 'INSUFFICIENT_SCOPE',
}
registerEnumType(ApiKeyVerificationCode, { name: 'ApiKeyVerificationCode' });

export enum UsageGranularity {
  HOUR = 'HOUR',
  DAY = 'DAY',
}
registerEnumType(UsageGranularity, { name: 'UsageGranularity' });
