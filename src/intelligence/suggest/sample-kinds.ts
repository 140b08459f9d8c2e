import { isSupportedCountry } from 'libphonenumber-js';
import { FieldType } from '../../connectors/connector.enums';
import { formatKind } from './derived-vocabulary';

/** What a source field's values are, from its declared type and its sample values. */
export type ValueKind =
  | 'text'
  | 'email'
  | 'phone'
  | 'url'
  | 'date'
  | 'datetime'
  | 'unix'
  | 'unix_ms'
  | 'integer'
  | 'cents'
  | 'decimal'
  | 'numeric_text'
  /** Opaque record ids: UUIDs, prefixed ids (cus_NffrFeUfNV2Hib, gid://shopify/Order/1), mixed letter-digit keys. */
  | 'id'
  /** ISO 3166-1 alpha-2 country codes (US, DE). */
  | 'country_code'
  /** ISO 4217 currency codes, either case (USD, usd). */
  | 'currency_code'
  /** Amounts with a currency sign or code ($1,234.50, 12.50 EUR), which TO_NUMBER does not read. */
  | 'money_text'
  /** Date-times in a format DATE_FORMAT does not read: RFC 2822 (Twilio), /Date(ms)/ (Xero, .NET). */
  | 'foreign_datetime'
  | 'boolean'
  | 'enum'
  | 'object'
  | 'array'
  | 'unknown';

const EMAIL = /^[^\s@<>]+@[^\s@<>]+\.[A-Za-z]{2,}$/;
const EMBEDDED_EMAIL = /<[^\s@<>]+@[^\s@<>]+\.[A-Za-z]{2,}>$/;
const PHONE = /^\+?[\d\s().-]{7,20}$/;
const URL = /^(https?:\/\/|www\.)\S+$/i;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATETIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/;
const NUMERIC = /^-?\d+(\.\d+)?$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** cus_NffrFeUfNV2Hib, inv:0-ChCHu2mZ…, gid://shopify/Order/450789469: a type prefix, then the key. */
const PREFIXED_ID = /^([a-z]{2,10}_|[a-z]{2,10}:[0-9a-z]-|gid:\/\/)[A-Za-z0-9_/-]{6,}$/;
/** 5ba682d23d7cf92bef87bfd4, 001D000000JRSGlIAP: one token of 12+ letters and digits, both present. */
const OPAQUE_KEY = /^(?=[^\s]*\d)(?=[^\s]*[A-Za-z])[A-Za-z0-9_-]{12,64}$/;
const RFC_2822 = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{1,2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}(:\d{2})? [+-]\d{4}$/;
const DOTNET_DATE = /^\/Date\(-?\d+([+-]\d{4})?\)\/$/;
const CURRENCIES = new Set(Intl.supportedValuesOf('currency'));
/** 1,234.50: TO_NUMBER drops the thousands separators. */
const GROUPED_NUMBER = /^-?\d{1,3}(,\d{3})+(\.\d+)?$/;
const MONEY_TEXT = /^([$€£¥]\s?-?\d[\d,]*(\.\d+)?|-?\d[\d,]*(\.\d+)?\s?([$€£¥]|[A-Z]{3}))$/;
/** How many samples are read, and how much of each: enough to tell a format, bounded for huge input. */
const MAX_SAMPLES = 20;
const MAX_SAMPLE_LENGTH = 200;

/** Words that make a large integer a timestamp rather than an amount (`created`, `paid_at`, `due_date`). */
const TIME_WORDS = new Set([
  'date',
  'time',
  'at',
  'created',
  'create',
  'updated',
  'update',
  'modified',
  'on',
  'timestamp',
  'since',
  'until',
  'start',
  'end',
  'expire',
  'due',
  'paid',
  'seen',
  'birth',
  'period',
  'signup',
]);

function kindOf(value: unknown, timeLike: boolean): ValueKind | null {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value === 'boolean') return 'boolean';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'object') return 'object';
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) return 'decimal';
    if (timeLike && value >= 1e8 && value < 1e10) return 'unix';
    if (timeLike && value >= 1e11 && value < 1e14) return 'unix_ms';
    return 'integer';
  }
  const text = String(value).trim().slice(0, MAX_SAMPLE_LENGTH);
  if (EMAIL.test(text) || EMBEDDED_EMAIL.test(text)) return 'email';
  if (URL.test(text)) return 'url';
  if (DATE.test(text)) return 'date';
  if (DATETIME.test(text)) return 'datetime';
  if (RFC_2822.test(text) || DOTNET_DATE.test(text)) return 'foreign_datetime';
  if (GROUPED_NUMBER.test(text)) return 'numeric_text';
  if (MONEY_TEXT.test(text)) return 'money_text';
  if (/^[A-Z]{2}$/.test(text) && isSupportedCountry(text)) return 'country_code';
  if (/^([A-Z]{3}|[a-z]{3})$/.test(text) && CURRENCIES.has(text.toUpperCase())) return 'currency_code';
  if (UUID.test(text) || PREFIXED_ID.test(text) || OPAQUE_KEY.test(text)) return 'id';
  if (NUMERIC.test(text)) {
    if (timeLike && /^\d{12,13}$/.test(text)) return 'unix_ms';
    if (timeLike && /^\d{9,10}$/.test(text)) return 'unix';
    if (PHONE.test(text) && text.replace(/\D/g, '').length >= 10 && !text.includes('.')) return 'phone';
    return 'numeric_text';
  }
  if (PHONE.test(text) && text.replace(/\D/g, '').length >= 7) return 'phone';
  return 'text';
}

const DECLARED: Record<FieldType, ValueKind> = {
  STRING: 'text',
  NUMBER: 'decimal',
  INTEGER: 'integer',
  BOOLEAN: 'boolean',
  DATE: 'date',
  DATETIME: 'datetime',
  EMAIL: 'email',
  PHONE: 'phone',
  URL: 'url',
  CURRENCY: 'decimal',
  ENUM: 'enum',
  OBJECT: 'object',
  ARRAY: 'array',
};

export interface ValueProfile {
  kind: ValueKind;
  /** True when the kind comes from sample values rather than the declared type alone. */
  fromSamples: boolean;
  /** Distinct sample values as text (for ENUM_MAP scaffolds), at most MAX_SAMPLES. */
  distinct: string[];
}

/**
 * The kind most samples agree on (at least half), else the declared type's. Integers declared
 * INTEGER under a money name are minor units (Stripe, Chargebee: "in cents"); large integers
 * under a time name are Unix timestamps.
 */
export function profileValues(declared: FieldType | null | undefined, samples: readonly unknown[] | null | undefined, words: string[]): ValueProfile {
  const timeLike = words.some((word) => TIME_WORDS.has(word));
  const taken = (samples ?? []).slice(0, MAX_SAMPLES);
  const counts = new Map<ValueKind, number>();
  const distinct = new Set<string>();
  let seen = 0;
  for (const sample of taken) {
    const kind = kindOf(sample, timeLike);
    if (!kind) continue;
    seen++;
    counts.set(kind, (counts.get(kind) ?? 0) + 1);
    if (typeof sample !== 'object') distinct.add(String(sample).slice(0, MAX_SAMPLE_LENGTH));
  }
  // With neither type nor samples, the format providers' specs give such names (`…timestamp` → date-time).
  let kind: ValueKind = declared ? (DECLARED[declared] ?? 'unknown') : (formatKind(words[words.length - 1]) ?? 'unknown');
  // JSON strings carry dates, amounts and codes alike: without a sample, a STRING says nothing more.
  if (kind === 'text' && seen === 0) kind = formatKind(words[words.length - 1]) ?? 'unknown';
  let fromSamples = false;
  const top = [...counts.entries()].sort((a, b) => b[1] - a[1])[0];
  if (top && top[1] * 2 >= seen) {
    // A declared ENUM keeps its kind for text samples: picklist values are words.
    if (!(kind === 'enum' && ['text', 'integer', 'numeric_text', 'country_code', 'currency_code'].includes(top[0]))) {
      kind = top[0];
      fromSamples = true;
    }
  }
  if (kind === 'integer' && declared === FieldType.INTEGER && words.some((word) => MONEY_WORDS.has(word))) kind = 'cents';
  if (kind === 'text' && declared === FieldType.ENUM) kind = 'enum';
  return { kind, fromSamples, distinct: [...distinct] };
}

export const MONEY_WORDS = new Set(['amount', 'total', 'balance', 'price', 'paid', 'due', 'subtotal', 'revenue', 'value', 'cost', 'fee']);
