import type { CountryCode } from 'libphonenumber-js';
import { TransformType } from '../sync.enums';
import { formatDate, parseDate } from './date-format';
import { readPath } from './dot-path';
import { TransformValueError } from './mapping.errors';
import { parseE164 } from './phone-e164';
import { checkTransform, type CheckedTransform, type EnumValue } from './transform-params';

/** A transform as the contract and the stored rules carry it. */
export interface TransformSpec {
  type: string;
  params?: unknown;
}

/**
 * Checks a transform's type and params; throws BadUserInputError naming the field under
 * `fieldPrefix` (e.g. `rules.2.transform.params.map`). Called when a mapping is saved.
 */
export function validateTransform(transform: unknown, fieldPrefix: string): CheckedTransform {
  return checkTransform(transform, fieldPrefix);
}

// A run applies the same stored transform to every record: check its params once per object.
const checked = new WeakMap<object, CheckedTransform>();
function typed(transform: TransformSpec): CheckedTransform {
  let hit = checked.get(transform);
  if (!hit) {
    hit = checkTransform(transform, 'transform');
    checked.set(transform, hit);
  }
  return hit;
}

/**
 * Converts `value` as `transform` says; `sourceRecord` is the whole source record, which CONCAT
 * reads its fields from. Null or undefined in gives null out, except for DEFAULT (which exists to
 * fill it) and CONCAT (which ignores `value`). A value that cannot be converted throws
 * TransformValueError (code MAPPING_TYPE_MISMATCH).
 */
export function applyTransform(transform: TransformSpec, value: unknown, sourceRecord: Record<string, unknown> = {}): unknown {
  const t = typed(transform);
  if (t.type === TransformType.DEFAULT) return value === null || value === undefined ? t.value : value;
  if (t.type === TransformType.CONCAT) return concat(t.fields, t.separator, sourceRecord);
  if (value === null || value === undefined) return null;
  switch (t.type) {
    case TransformType.NONE:
      return value;
    case TransformType.TRIM:
      return typeof value === 'string' ? value.trim() : value;
    case TransformType.LOWERCASE:
      return typeof value === 'string' ? value.toLowerCase() : value;
    case TransformType.UPPERCASE:
      return typeof value === 'string' ? value.toUpperCase() : value;
    case TransformType.TO_STRING:
      return toText(value);
    case TransformType.TO_NUMBER:
      return toNumber(value, t.type);
    case TransformType.TO_BOOLEAN:
      return toBoolean(value);
    case TransformType.DATE_FORMAT:
      return formatDate(parseDate(value, t.from), t.to);
    case TransformType.CENTS_TO_DECIMAL:
      // Round to whole minor units first, then divide: 1999 → 19.99 without float residue.
      return Number((Math.round(toNumber(value, t.type)) / 10 ** t.decimals).toFixed(t.decimals));
    case TransformType.DECIMAL_TO_CENTS:
      return Math.round(toNumber(value, t.type) * 10 ** t.decimals);
    case TransformType.ENUM_MAP:
      return enumMap(t.map, t.hasDefault, t.default, value);
    case TransformType.SPLIT: {
      const parts = toText(value)
        .split(t.separator)
        .map((part) => part.trim())
        .filter((part) => part !== '');
      const part = t.index < 0 ? parts[parts.length + t.index] : parts[t.index];
      return part ?? null;
    }
    case TransformType.PHONE_E164:
      return toE164(value, t.defaultCountry ?? undefined);
    case TransformType.REFERENCE:
      // The id only (Stripe expands `customer` into the object with expand[]); the engine translates
      // it through the links, a page at a time (src/sync/engine/references.ts).
      return referenceId(value);
  }
}

/**
 * The transform for the opposite direction (CRM → provider), or null when there is none.
 * Unit conversions swap (CENTS_TO_DECIMAL ↔ DECIMAL_TO_CENTS, DATE_FORMAT from ↔ to), ENUM_MAP
 * inverts when its values are distinct; normalisations and type coercions send the CRM's value
 * back as it is (NONE), since the original spelling or type cannot be recovered and the provider
 * accepts the normalised one; CONCAT and SPLIT lose information and have none.
 */
export function invertTransform(transform: TransformSpec): TransformSpec | null {
  const t = typed(transform);
  switch (t.type) {
    case TransformType.TRIM:
      return { type: TransformType.TRIM };
    case TransformType.DATE_FORMAT:
      return { type: TransformType.DATE_FORMAT, params: { from: t.to, to: t.from } };
    case TransformType.CENTS_TO_DECIMAL:
      return { type: TransformType.DECIMAL_TO_CENTS, params: { decimals: t.decimals } };
    case TransformType.DECIMAL_TO_CENTS:
      return { type: TransformType.CENTS_TO_DECIMAL, params: { decimals: t.decimals } };
    case TransformType.ENUM_MAP:
      return invertEnumMap(t.map);
    case TransformType.CONCAT:
    case TransformType.SPLIT:
      return null;
    case TransformType.REFERENCE:
      // Symmetric: the engine translates HotCRM's id back to the provider's before the inverse applies.
      return { type: TransformType.REFERENCE, params: { object: t.object, crmObject: t.crmObject } };
    default:
      return { type: TransformType.NONE };
  }
}

function referenceId(value: unknown): string | null {
  const id = value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as { id?: unknown }).id : value;
  if (id === null || id === undefined) return null;
  const text = toText(id).trim();
  return text === '' ? null : text;
}

function toText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

function toNumber(value: unknown, type: string): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  // "1,234.50" from spreadsheets and form posts: thousands separators are dropped, nothing else.
  const n = typeof value === 'string' && value.trim() !== '' ? Number(value.trim().replace(/,(?=\d{3}\b)/g, '')) : NaN;
  if (!Number.isFinite(n)) throw new TransformValueError(type, `expected a number, got ${JSON.stringify(value)}`);
  return n;
}

const TRUE_WORDS = new Set(['true', 't', 'yes', 'y', '1', 'on']);
const FALSE_WORDS = new Set(['false', 'f', 'no', 'n', '0', 'off']);

function toBoolean(value: unknown): boolean | null {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return value !== 0;
  if (typeof value === 'string') {
    const word = value.trim().toLowerCase();
    if (word === '') return null;
    if (TRUE_WORDS.has(word)) return true;
    if (FALSE_WORDS.has(word)) return false;
  }
  throw new TransformValueError(TransformType.TO_BOOLEAN, `expected a boolean, got ${JSON.stringify(value)}`);
}

/** Exact key first, then a case-insensitive one (providers disagree on 'Active' and 'active'); unmapped values pass unless a default is set. */
function enumMap(map: Record<string, EnumValue>, hasDefault: boolean, fallback: EnumValue, value: unknown): unknown {
  const key = toText(value);
  if (Object.prototype.hasOwnProperty.call(map, key)) return map[key];
  const lower = key.toLowerCase();
  const loose = Object.keys(map).find((candidate) => candidate.toLowerCase() === lower);
  if (loose !== undefined) return map[loose];
  return hasDefault ? fallback : value;
}

function invertEnumMap(map: Record<string, EnumValue>): TransformSpec | null {
  const inverse: Record<string, string> = {};
  for (const [key, value] of Object.entries(map)) {
    if (value === null) return null;
    const back = String(value);
    // Two source values onto one target value: the way back is ambiguous.
    if (Object.prototype.hasOwnProperty.call(inverse, back)) return null;
    inverse[back] = key;
  }
  return { type: TransformType.ENUM_MAP, params: { map: inverse } };
}

function concat(fields: string[], separator: string, record: Record<string, unknown>): string | null {
  const parts = fields
    .map((path) => readPath(record, path))
    .filter((part) => part !== null && part !== undefined)
    .map((part) => toText(part).trim())
    .filter((part) => part !== '');
  return parts.length ? parts.join(separator) : null;
}

/**
 * Parsing a number is still the largest share of mapping a record (phone-e164.ts); a re-sync sees
 * the same numbers again, so results (E.164 or null for "not a number") are kept, up to a bound.
 */
const E164_CACHE_SIZE = 200_000; // ~20 MB at most

const e164Cache = new Map<string, string | null>();

function toE164(value: unknown, defaultCountry?: CountryCode): string | null {
  const text = toText(value).trim();
  if (text === '') return null;
  const key = `${defaultCountry ?? ''}|${text}`;
  let formatted = e164Cache.get(key);
  if (formatted === undefined) {
    formatted = parseE164(text, defaultCountry);
    // Cleared when full: evicting one by one from a Map's head degrades to a scan per insert.
    if (e164Cache.size >= E164_CACHE_SIZE) e164Cache.clear();
    e164Cache.set(key, formatted);
  }
  if (formatted === null) {
    throw new TransformValueError(TransformType.PHONE_E164, `not a phone number${defaultCountry ? ` for ${defaultCountry}` : ''}: ${JSON.stringify(value)}`);
  }
  return formatted;
}
