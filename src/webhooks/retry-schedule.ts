import { RetryPolicy } from './webhook.enums';

/**
 * DESIGN.md's retry schedules: the delay before each retry of a failed delivery attempt.
 * EXPONENTIAL front-loads quick retries (a receiver that blipped is back within seconds) then
 * backs off to 10 h so a long outage costs the receiver a few requests a day, not a storm.
 */
const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** Delays before retries 1..7; every later retry waits as long as the last one. */
export const EXPONENTIAL_DELAYS_MS: readonly number[] = [5 * SECOND, 5 * MINUTE, 30 * MINUTE, 2 * HOUR, 5 * HOUR, 10 * HOUR, 10 * HOUR];
export const LINEAR_STEP_MS = 60 * SECOND;
export const FIXED_DELAY_MS = 60 * SECOND;
/** ±10 %: spreads retries of many deliveries that failed together (one receiver outage) apart. */
export const JITTER = 0.1;
/** A receiver may ask for a pause with Retry-After, but not park a delivery for days. */
export const MAX_RETRY_AFTER_MS = 24 * HOUR;

export interface RetryDelayOptions {
  /** Multiplies every delay; tests shrink the schedule with it (WEBHOOK_RETRY_SCALE), order and ratios hold. */
  scale?: number;
  /** A uniform [0, 1) source for the jitter; `() => 0.5` gives the schedule's exact delays. */
  random?: () => number;
}

/** The schedule's delay before a retry, without jitter or scale; null when the policy never retries. */
export function baseRetryDelayMs(policy: RetryPolicy, retryNumber: number): number | null {
  if (!Number.isInteger(retryNumber) || retryNumber < 1) throw new RangeError(`retryNumber must be an integer >= 1, got ${retryNumber}`);
  switch (policy) {
    case RetryPolicy.NONE:
      return null;
    case RetryPolicy.FIXED:
      return FIXED_DELAY_MS;
    case RetryPolicy.LINEAR:
      return retryNumber * LINEAR_STEP_MS;
    case RetryPolicy.EXPONENTIAL:
      return EXPONENTIAL_DELAYS_MS[Math.min(retryNumber, EXPONENTIAL_DELAYS_MS.length) - 1];
    default:
      throw new RangeError(`unknown retry policy ${String(policy)}`);
  }
}

/**
 * Milliseconds to wait before retry number `retryNumber` (1 = the first retry, i.e. the second
 * attempt), jittered ±10 % and scaled; null for NONE. Whether retries remain (maxRetries) is the
 * caller's decision.
 */
export function retryDelayMs(policy: RetryPolicy, retryNumber: number, options: RetryDelayOptions = {}): number | null {
  const base = baseRetryDelayMs(policy, retryNumber);
  if (base === null) return null;
  const scale = options.scale ?? 1;
  if (!Number.isFinite(scale) || scale <= 0) throw new RangeError(`scale must be a positive number, got ${scale}`);
  const random = options.random ?? Math.random;
  const jitter = 1 + (random() * 2 - 1) * JITTER;
  return Math.max(0, Math.round(base * scale * jitter));
}

const DELTA_SECONDS = /^\d+$/;

/**
 * A Retry-After header (RFC 9110 §10.2.3) as milliseconds from `now`: delta-seconds or an
 * HTTP-date (a date in the past means "now", 0). Capped at 24 h; null when absent or unparseable,
 * so the caller falls back to its own schedule.
 */
export function retryAfterMs(headerValue: string | null | undefined, now: number = Date.now()): number | null {
  if (headerValue === null || headerValue === undefined) return null;
  const value = headerValue.trim();
  if (value === '') return null;
  if (DELTA_SECONDS.test(value)) {
    // Long digit strings overflow to huge numbers, which the cap handles.
    return Math.min(Number(value) * 1000, MAX_RETRY_AFTER_MS);
  }
  // Only the three HTTP-date forms (IMF-fixdate, RFC 850, asctime), all starting with a day
  // name: Date.parse alone would also take "1.5" or "-3" as dates. asctime has no zone but is
  // GMT, and Date.parse would read it as local time.
  if (!/^[A-Za-z]{3,9},? /.test(value)) return null;
  const at = Date.parse(/\b(GMT|UTC)\b|[+-]\d{4}$/i.test(value) ? value : `${value} GMT`);
  if (Number.isNaN(at)) return null;
  return Math.min(Math.max(0, at - now), MAX_RETRY_AFTER_MS);
}
