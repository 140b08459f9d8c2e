/**
 * What a CRM field's name says it holds, and whether a value is a valid one. HotCRM's objects use
 * snake_case names (DESIGN.md §4): email, phone, mobile_phone, fax, birthdate, close_date, ...
 */
export type FieldKind = 'email' | 'phone' | 'date' | 'other';

const EMAIL_FIELD = /(^|_)e?mail(_address)?$/i;
const PHONE_FIELD = /(^|_)(phone|mobile|fax|telephone)(_phone|_number)?$/i;
const DATE_FIELD = /(^|_)(date|birthdate|dob)$/i;

export function fieldKind(name: string): FieldKind {
  if (EMAIL_FIELD.test(name)) return 'email';
  if (PHONE_FIELD.test(name)) return 'phone';
  if (DATE_FIELD.test(name)) return 'date';
  return 'other';
}

/** Local part, @, a domain with a dot and a TLD of two letters or more; no spaces, no double dots. */
const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)*\.[a-z]{2,}$/i;

export function isValidEmail(value: string): boolean {
  const text = value.trim();
  return text.length <= 254 && EMAIL.test(text) && !text.includes('..');
}

const PHONE_CHARS = /^\+?[\d\s().\-/]+$/;
const EXTENSION = /\s*(?:x|ext\.?|extension)\s*\d{1,6}$/i;

/** E.164 allows at most 15 digits; fewer than 7 is no reachable number anywhere. */
export function isValidPhone(value: string): boolean {
  const text = value.trim().replace(EXTENSION, '');
  if (!PHONE_CHARS.test(text)) return false;
  const digits = text.replace(/\D/g, '').length;
  return digits >= 7 && digits <= 15;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;
const EARLIEST_YEAR = 1900;
const LATEST_YEAR = 2100;

/**
 * Why a date value is not one the CRM can store, or null when it is fine: the store keeps ISO 8601
 * dates, so a Unix timestamp, a US-style date or 31 February is an error, and so is a year outside
 * 1900–2100 (a seconds/milliseconds mix-up lands in 1970 or 50,000 AD). A birthdate cannot be in
 * the future.
 */
export function dateProblem(field: string, value: unknown, now = new Date()): string | null {
  if (typeof value === 'number') return 'a number, not an ISO 8601 date (a Unix timestamp?)';
  if (typeof value !== 'string') return 'not a date string';
  const match = ISO_DATE.exec(value.trim());
  if (!match) return 'not an ISO 8601 date (YYYY-MM-DD)';
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const calendar = new Date(Date.UTC(year, month - 1, day));
  if (calendar.getUTCMonth() !== month - 1 || calendar.getUTCDate() !== day) return 'no such calendar day';
  if (year < EARLIEST_YEAR || year > LATEST_YEAR) return `year ${year} is implausible`;
  if (/birth|dob/i.test(field) && calendar.getTime() > now.getTime()) return 'a birthdate in the future';
  return null;
}

/** Null, undefined, and strings of whitespace only are all "no value". */
export function isBlank(value: unknown): boolean {
  return value === null || value === undefined || (typeof value === 'string' && value.trim() === '');
}

const LEGAL_SUFFIX = /\b(inc|llc|ltd|gmbh|corp|co|sa|ag|plc|bv)\b\.?/g;

/** A name as a person would compare it: case, punctuation, spacing and legal suffixes ignored. */
export function normalizeName(value: string): string {
  return value
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\p{L}\p{N}\s]/gu, ' ')
    .replace(LEGAL_SUFFIX, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}
