import { parseExpression } from 'cron-parser';
import { BadUserInputError } from '../../errors';

/**
 * A SyncConfig's `frequency` string, parsed once so the scheduler, nextSyncAt and validation
 * agree on what it means. All times are UTC: a config's schedule must not move with the
 * server's time zone or a daylight-saving change.
 */
export type Schedule =
  | { kind: 'manual' }
  /** Runs on inbound provider or CRM events; the interval is the safety poll that catches missed ones. */
  | { kind: 'realtime'; intervalMinutes: number }
  | { kind: 'hourly' }
  | { kind: 'daily' }
  | { kind: 'weekly' }
  | { kind: 'interval'; intervalMinutes: number }
  | { kind: 'cron'; expression: string };

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;
const DAY_MS = 24 * HOUR_MS;

/** Realtime configs still poll this often, so a lost webhook delays a change by at most this much. */
export const REALTIME_SAFETY_POLL_MINUTES = 1;
/** `every N m`: one minute up to a day; longer intervals read better in hours. */
export const MAX_INTERVAL_MINUTES = 1440;
/** `every N h`: up to a week; beyond that a cron expression says what is meant. */
export const MAX_INTERVAL_HOURS = 168;

const EVERY = /^every\s+(\d+)\s*(m|h)$/i;
const CRON_FIELDS = 5;

const HINT = "manual, realtime, hourly, daily, weekly, 'every N m', 'every N h' or a 5-field cron expression";

/** Parses a frequency; anything else is BAD_USER_INPUT naming `field`. */
export function parseFrequency(frequency: string, field = 'frequency'): Schedule {
  const text = typeof frequency === 'string' ? frequency.trim() : '';
  if (!text) throw new BadUserInputError(`${field} must be ${HINT}`, field);
  const word = text.toLowerCase();
  switch (word) {
    case 'manual':
    case 'hourly':
    case 'daily':
    case 'weekly':
      return { kind: word };
    case 'realtime':
      return { kind: 'realtime', intervalMinutes: REALTIME_SAFETY_POLL_MINUTES };
  }
  const every = EVERY.exec(text);
  if (every) return parseEvery(Number(every[1]), every[2].toLowerCase() as 'm' | 'h', field);
  if (/^every\b/i.test(text)) throw new BadUserInputError(`${field}: 'every' takes minutes or hours, e.g. 'every 15m' or 'every 2h'`, field);
  return parseCron(text, field);
}

function parseEvery(n: number, unit: 'm' | 'h', field: string): Schedule {
  const max = unit === 'm' ? MAX_INTERVAL_MINUTES : MAX_INTERVAL_HOURS;
  if (!Number.isSafeInteger(n) || n < 1 || n > max) {
    throw new BadUserInputError(`${field}: 'every N ${unit}' needs N from 1 to ${max}`, field);
  }
  return { kind: 'interval', intervalMinutes: unit === 'm' ? n : n * 60 };
}

function parseCron(text: string, field: string): Schedule {
  const parts = text.split(/\s+/);
  // cron-parser also takes a seconds field and @daily-style macros; pg-boss schedules and the
  // contract speak plain 5-field cron, so anything else is refused here rather than half-run.
  if (parts.length !== CRON_FIELDS) {
    throw new BadUserInputError(`${field} must be ${HINT}; a cron expression has exactly 5 fields (minute hour day month weekday)`, field);
  }
  const expression = parts.join(' ');
  try {
    parseExpression(expression, { tz: 'UTC' }).next();
  } catch (error) {
    throw new BadUserInputError(`${field}: invalid cron expression '${expression}': ${(error as Error).message}`, field);
  }
  return { kind: 'cron', expression };
}

/**
 * When a schedule next fires strictly after `from` (UTC); null for manual configs, which run
 * only when triggered.
 */
export function nextRunAt(schedule: Schedule, from: Date): Date | null {
  const t = from.getTime();
  switch (schedule.kind) {
    case 'manual':
      return null;
    case 'realtime':
    case 'interval':
      return new Date(t + schedule.intervalMinutes * MINUTE_MS);
    case 'hourly':
      return new Date(Math.floor(t / HOUR_MS) * HOUR_MS + HOUR_MS);
    case 'daily':
      return new Date(Math.floor(t / DAY_MS) * DAY_MS + DAY_MS);
    case 'weekly':
      return nextMonday(from);
    case 'cron':
      return parseExpression(schedule.expression, { currentDate: from, tz: 'UTC' }).next().toDate();
  }
}

/** Monday 00:00 UTC strictly after `from` (ISO weeks start on Monday). */
function nextMonday(from: Date): Date {
  const midnight = Math.floor(from.getTime() / DAY_MS) * DAY_MS;
  const daysSinceMonday = (new Date(midnight).getUTCDay() + 6) % 7;
  return new Date(midnight + (7 - daysSinceMonday) * DAY_MS);
}
