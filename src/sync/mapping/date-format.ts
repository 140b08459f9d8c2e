import { TransformValueError } from './mapping.errors';
import type { DateUnit } from './transform-params';

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
/** ISO 8601 as providers send it: a date, optionally a time with seconds, fraction and zone. */
const ISO_DATETIME = /^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

const fail = (message: string): never => {
  throw new TransformValueError('DATE_FORMAT', message);
};

function epoch(value: unknown, unit: 'unix' | 'unix_ms'): number {
  // Providers send timestamps as numbers (Stripe) or numeric strings (some CSV-ish APIs).
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isFinite(n)) return fail(`expected a ${unit} timestamp, got ${JSON.stringify(value)}`);
  return unit === 'unix' ? n * 1000 : n;
}

/** A calendar date at UTC midnight; refuses dates that do not exist (2024-02-30). */
function calendarDate(value: string): number | null {
  const match = DATE_ONLY.exec(value);
  if (!match) return null;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const ms = Date.UTC(year, month - 1, day);
  const back = new Date(ms);
  return back.getUTCFullYear() === year && back.getUTCMonth() === month - 1 && back.getUTCDate() === day ? ms : null;
}

/** Milliseconds since the epoch of `value`, read as `from` says. */
export function parseDate(value: unknown, from: DateUnit): number {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? fail('invalid Date') : value.getTime();
  if (from === 'unix' || from === 'unix_ms') return epoch(value, from);
  if (typeof value !== 'string') return fail(`expected an ${from === 'date' ? 'YYYY-MM-DD date' : 'ISO 8601'} string, got ${JSON.stringify(value)}`);
  const text = value.trim();
  const dateOnly = calendarDate(text);
  if (dateOnly !== null) return dateOnly;
  // A 'date' source that sends a full timestamp is still a date: take it as ISO.
  const match = ISO_DATETIME.exec(text);
  if (!match) return fail(`expected ${from === 'date' ? 'YYYY-MM-DD' : 'an ISO 8601 date-time'}, got ${JSON.stringify(value)}`);
  if (calendarDate(text.slice(0, 10)) === null) return fail(`no such date: ${JSON.stringify(value)}`);
  // Without a zone, Date.parse would use this server's local time: read it as UTC instead.
  const ms = Date.parse(`${text.replace(' ', 'T')}${match[4] ? '' : 'Z'}`);
  return Number.isNaN(ms) ? fail(`not a valid date: ${JSON.stringify(value)}`) : ms;
}

/** `ms` written as `to` says; dates and timestamps are in UTC. */
export function formatDate(ms: number, to: DateUnit): string | number {
  const date = new Date(ms);
  if (Number.isNaN(date.getTime())) return fail('date out of range');
  switch (to) {
    case 'unix':
      return Math.floor(ms / 1000);
    case 'unix_ms':
      return ms;
    case 'date':
      return date.toISOString().slice(0, 10);
    default:
      return date.toISOString();
  }
}
