import { BadUserInputError } from '../errors';
import type { CreateApiKeyInput } from './api-key.inputs';
import { parseScopes } from './api-key.scopes';

export const DEFAULT_RATE_LIMIT = { limit: 1000, windowSeconds: 60 } as const;
/** Beyond a million requests or a day, a limit protects nothing and a sub-window grows coarse. */
export const MAX_RATE_LIMIT = 1_000_000;
export const MAX_RATE_WINDOW_SECONDS = 86_400;
/** A rotation's old key works for a day unless told otherwise: time to roll the new one out. */
export const DEFAULT_GRACE_SECONDS = 86_400;
export const MAX_GRACE_SECONDS = 30 * 86_400;
const MAX_NAME_LENGTH = 200;

export interface ValidApiKeyInput {
  name: string;
  scopes: string[];
  rateLimit: number;
  rateWindowSeconds: number;
  expiresAt: Date | null;
}

/** Every rule of createApiKey in one place; each failure names the input field at fault. */
export function validateCreateApiKey(input: CreateApiKeyInput, now = Date.now()): ValidApiKeyInput {
  const name = typeof input.name === 'string' ? input.name.trim() : '';
  if (!name) throw new BadUserInputError('name must not be empty', 'name');
  if (name.length > MAX_NAME_LENGTH) throw new BadUserInputError(`name is at most ${MAX_NAME_LENGTH} characters`, 'name');
  const scopes = parseScopes(input.scopes);
  const limit = input.rateLimit?.limit ?? DEFAULT_RATE_LIMIT.limit;
  const windowSeconds = input.rateLimit?.windowSeconds ?? DEFAULT_RATE_LIMIT.windowSeconds;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_RATE_LIMIT) {
    throw new BadUserInputError(`rateLimit.limit must be from 1 to ${MAX_RATE_LIMIT}`, 'rateLimit.limit');
  }
  if (!Number.isInteger(windowSeconds) || windowSeconds < 1 || windowSeconds > MAX_RATE_WINDOW_SECONDS) {
    throw new BadUserInputError(`rateLimit.windowSeconds must be from 1 to ${MAX_RATE_WINDOW_SECONDS}`, 'rateLimit.windowSeconds');
  }
  const expiresAt = input.expiresAt ?? null;
  if (expiresAt && !(expiresAt.getTime() > now)) throw new BadUserInputError('expiresAt must be in the future', 'expiresAt');
  return { name, scopes, rateLimit: limit, rateWindowSeconds: windowSeconds, expiresAt };
}

export function validateGracePeriod(seconds: number | null | undefined): number {
  const grace = seconds ?? DEFAULT_GRACE_SECONDS;
  if (!Number.isInteger(grace) || grace < 0 || grace > MAX_GRACE_SECONDS) {
    throw new BadUserInputError(`gracePeriodSeconds must be from 0 to ${MAX_GRACE_SECONDS}`, 'gracePeriodSeconds');
  }
  return grace;
}
