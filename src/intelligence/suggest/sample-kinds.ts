import { FieldType } from '../../connectors/connector.enums';

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
  let kind: ValueKind = declared ? (DECLARED[declared] ?? 'unknown') : 'unknown';
  let fromSamples = false;
  const top = [...counts.entries()].sort((a, b) => b[1] - a[1])[0];
  if (top && top[1] * 2 >= seen) {
    // A declared ENUM keeps its kind for text samples: picklist values are words.
    if (!(kind === 'enum' && (top[0] === 'text' || top[0] === 'integer' || top[0] === 'numeric_text'))) {
      kind = top[0];
      fromSamples = true;
    }
  }
  if (kind === 'integer' && declared === FieldType.INTEGER && words.some((word) => MONEY_WORDS.has(word))) kind = 'cents';
  if (kind === 'text' && declared === FieldType.ENUM) kind = 'enum';
  return { kind, fromSamples, distinct: [...distinct] };
}

export const MONEY_WORDS = new Set(['amount', 'total', 'balance', 'price', 'paid', 'due', 'subtotal', 'revenue', 'value', 'cost', 'fee']);
