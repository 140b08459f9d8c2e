import { BadUserInputError } from '../errors';
import { assertPublicTarget } from '../net/target-guard';
import { validateEventFilter } from './event-filter';
import { WebhookStatus } from './webhook.enums';

export const MAX_RETRIES_RANGE = { min: 0, max: 10, default: 5 } as const;
const MAX_NAME = 200;
const MAX_EVENT_TYPES = 100;
const MAX_URL = 2048;
/** An event type or pattern: dotted segments of letters, digits, _ and -, optionally ending in .*, or * alone. */
const EVENT_TYPE = /^(\*|[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*(\.\*)?)$/;
const PUBLISHED_TYPE = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)+$/;

export function checkName(name: string): string {
  const trimmed = name.trim();
  if (!trimmed) throw new BadUserInputError('name must not be empty', 'name');
  if (trimmed.length > MAX_NAME) throw new BadUserInputError(`name is longer than ${MAX_NAME} characters`, 'name');
  return trimmed;
}

export function checkEventTypes(eventTypes: string[]): string[] {
  if (!eventTypes.length) throw new BadUserInputError('eventTypes must name at least one event type or pattern', 'eventTypes');
  if (eventTypes.length > MAX_EVENT_TYPES) throw new BadUserInputError(`eventTypes takes at most ${MAX_EVENT_TYPES} entries`, 'eventTypes');
  eventTypes.forEach((type, i) => {
    if (!EVENT_TYPE.test(type)) {
      throw new BadUserInputError(
        `eventTypes[${i}] "${type.slice(0, 100)}" is not an event type (opportunity.won) or pattern (opportunity.*, *)`,
        'eventTypes',
      );
    }
  });
  return [...new Set(eventTypes)];
}

export function checkMaxRetries(maxRetries: number): number {
  if (!Number.isInteger(maxRetries) || maxRetries < MAX_RETRIES_RANGE.min || maxRetries > MAX_RETRIES_RANGE.max) {
    throw new BadUserInputError(`maxRetries must be between ${MAX_RETRIES_RANGE.min} and ${MAX_RETRIES_RANGE.max}`, 'maxRetries');
  }
  return maxRetries;
}

/** Syntax, scheme and (unless ALLOW_PRIVATE_TARGETS) the resolved addresses; the sender checks again at connect time. */
export async function checkTargetUrl(url: string, allowPrivate: boolean): Promise<string> {
  if (url.length > MAX_URL) throw new BadUserInputError(`targetUrl is longer than ${MAX_URL} characters`, 'targetUrl');
  await assertPublicTarget(url, allowPrivate, 'targetUrl');
  return url;
}

/** Stored as given (JSON); refused here, with the position, when it does not parse. */
export function checkFilters(filters: unknown): unknown {
  const compiled = validateEventFilter(filters);
  return compiled === null ? null : filters;
}

/** Users set ACTIVE or INACTIVE (and ACTIVE re-enables a DISABLED one); FAILED and DISABLED are the worker's to set. */
export function checkStatus(status: WebhookStatus): WebhookStatus {
  if (status !== WebhookStatus.ACTIVE && status !== WebhookStatus.INACTIVE) {
    throw new BadUserInputError(`status can be set to ACTIVE or INACTIVE; ${status} is set by delivery failures`, 'status');
  }
  return status;
}

export function checkPublishedType(type: string): string {
  if (!PUBLISHED_TYPE.test(type) || type.length > 200) {
    throw new BadUserInputError(`type "${type.slice(0, 100)}" must be dotted segments such as opportunity.won`, 'type');
  }
  return type;
}

export function checkGracePeriod(seconds: number | null | undefined, fallback: number): number {
  if (seconds === null || seconds === undefined) return fallback;
  if (!Number.isInteger(seconds) || seconds < 0 || seconds > 30 * 24 * 3600) {
    throw new BadUserInputError('gracePeriodSeconds must be between 0 and 2592000 (30 days)', 'gracePeriodSeconds');
  }
  return seconds;
}
