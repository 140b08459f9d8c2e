import { isSupportedCountry, type CountryCode } from 'libphonenumber-js';
import { BadUserInputError } from '../../errors';
import { TransformType } from '../sync.enums';
import { isValidDotPath } from './dot-path';

export const DATE_UNITS = ['unix', 'unix_ms', 'iso', 'date'] as const;
export type DateUnit = (typeof DATE_UNITS)[number];
export type EnumValue = string | number | boolean | null;

/** A transform whose params have been checked: what applyTransform and invertTransform work on. */
export type CheckedTransform =
  | { type: TransformType.NONE | TransformType.TRIM | TransformType.LOWERCASE | TransformType.UPPERCASE }
  | { type: TransformType.TO_STRING | TransformType.TO_NUMBER | TransformType.TO_BOOLEAN }
  | { type: TransformType.DATE_FORMAT; from: DateUnit; to: DateUnit }
  | { type: TransformType.CENTS_TO_DECIMAL | TransformType.DECIMAL_TO_CENTS; decimals: number }
  | { type: TransformType.ENUM_MAP; map: Record<string, EnumValue>; hasDefault: boolean; default: EnumValue }
  | { type: TransformType.CONCAT; fields: string[]; separator: string }
  | { type: TransformType.SPLIT; separator: string; index: number }
  | { type: TransformType.PHONE_E164; defaultCountry: CountryCode | null }
  | { type: TransformType.DEFAULT; value: unknown }
  | { type: TransformType.REFERENCE; object: string; crmObject: string | null };

/** The params each type accepts; any other key is refused so a typo never passes silently. */
const ALLOWED: Record<TransformType, string[]> = {
  NONE: [],
  TRIM: [],
  LOWERCASE: [],
  UPPERCASE: [],
  TO_STRING: [],
  TO_NUMBER: [],
  TO_BOOLEAN: [],
  DATE_FORMAT: ['from', 'to'],
  CENTS_TO_DECIMAL: ['decimals'],
  DECIMAL_TO_CENTS: ['decimals'],
  ENUM_MAP: ['map', 'default'],
  CONCAT: ['fields', 'separator'],
  SPLIT: ['separator', 'index'],
  PHONE_E164: ['defaultCountry'],
  DEFAULT: ['value'],
  // crmObject: which HotCRM object the id names, when the target field's name does not say (account_id does).
  REFERENCE: ['object', 'crmObject'],
};

const MAX_ENUM_ENTRIES = 1000;
const MAX_CONCAT_FIELDS = 20;
const MAX_SEPARATOR_LENGTH = 20;
const MAX_SPLIT_INDEX = 100;
/** Currencies have 0 (JPY), 2 (USD) or 3 (KWD) minor digits; 6 leaves room and stays exact in doubles. */
const MAX_DECIMALS = 6;
const MAX_OBJECT_NAME_LENGTH = 100;

const isPlainObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);
const isEnumValue = (value: unknown): value is EnumValue =>
  value === null || typeof value === 'string' || typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value));

/**
 * Checks a transform (as given to a mutation or as stored) and returns its typed form. Every
 * problem is a BadUserInputError naming the exact field under `prefix`, e.g.
 * `rules.2.transform.params.map`, so a bad mapping is refused when saved, not during a run.
 */
export function checkTransform(transform: unknown, prefix: string): CheckedTransform {
  if (!isPlainObject(transform)) throw new BadUserInputError('transform must be an object with a type', prefix);
  const type = transform.type;
  if (typeof type !== 'string' || !Object.prototype.hasOwnProperty.call(ALLOWED, type)) {
    throw new BadUserInputError(`transform type must be one of ${Object.keys(ALLOWED).join(', ')}`, `${prefix}.type`);
  }
  const raw = transform.params ?? {};
  if (!isPlainObject(raw)) throw new BadUserInputError('params must be an object', `${prefix}.params`);
  const at = (key: string) => `${prefix}.params.${key}`;
  for (const key of Object.keys(raw)) {
    if (!ALLOWED[type as TransformType].includes(key)) {
      const allowed = ALLOWED[type as TransformType];
      throw new BadUserInputError(`${type} takes ${allowed.length ? `only ${allowed.join(', ')}` : 'no params'}; unknown param ${key}`, at(key));
    }
  }
  const oneOf = <T extends string>(key: string, values: readonly T[]): T => {
    const value = raw[key];
    if (typeof value !== 'string' || !values.includes(value as T)) throw new BadUserInputError(`${type} needs ${key}: one of ${values.join(', ')}`, at(key));
    return value as T;
  };
  const text = (key: string, fallback: string | null, maxLength: number): string => {
    const value = raw[key] ?? fallback;
    if (typeof value !== 'string' || value.length === 0 || value.length > maxLength) {
      throw new BadUserInputError(`${type} needs ${key}: a string of 1 to ${maxLength} characters`, at(key));
    }
    return value;
  };
  const integer = (key: string, fallback: number | null, min: number, max: number): number => {
    const value = raw[key] ?? fallback;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      throw new BadUserInputError(`${type} needs ${key}: an integer from ${min} to ${max}`, at(key));
    }
    return value;
  };

  switch (type as TransformType) {
    case TransformType.DATE_FORMAT:
      return { type: TransformType.DATE_FORMAT, from: oneOf('from', DATE_UNITS), to: oneOf('to', DATE_UNITS) };
    case TransformType.CENTS_TO_DECIMAL:
    case TransformType.DECIMAL_TO_CENTS:
      return { type: type as TransformType.CENTS_TO_DECIMAL, decimals: integer('decimals', 2, 0, MAX_DECIMALS) };
    case TransformType.ENUM_MAP:
      return checkEnumMap(raw, at);
    case TransformType.CONCAT: {
      const fields = raw.fields;
      if (!Array.isArray(fields) || fields.length === 0 || fields.length > MAX_CONCAT_FIELDS) {
        throw new BadUserInputError(`CONCAT needs fields: a list of 1 to ${MAX_CONCAT_FIELDS} dot paths`, at('fields'));
      }
      fields.forEach((path, i) => {
        if (!isValidDotPath(path)) throw new BadUserInputError('each CONCAT field must be a dot path such as name.first', at(`fields.${i}`));
      });
      // An empty separator is allowed here (joining codes), unlike SPLIT's.
      const separator = raw.separator ?? ' ';
      if (typeof separator !== 'string' || separator.length > MAX_SEPARATOR_LENGTH) {
        throw new BadUserInputError(`CONCAT separator must be a string of at most ${MAX_SEPARATOR_LENGTH} characters`, at('separator'));
      }
      return { type: TransformType.CONCAT, fields: fields as string[], separator };
    }
    case TransformType.SPLIT:
      return {
        type: TransformType.SPLIT,
        separator: text('separator', null, MAX_SEPARATOR_LENGTH),
        index: integer('index', null, -MAX_SPLIT_INDEX, MAX_SPLIT_INDEX),
      };
    case TransformType.PHONE_E164: {
      if (raw.defaultCountry === undefined || raw.defaultCountry === null) return { type: TransformType.PHONE_E164, defaultCountry: null };
      const country = typeof raw.defaultCountry === 'string' ? raw.defaultCountry.toUpperCase() : '';
      if (!isSupportedCountry(country)) throw new BadUserInputError('defaultCountry must be an ISO 3166-1 alpha-2 code such as US or GB', at('defaultCountry'));
      return { type: TransformType.PHONE_E164, defaultCountry: country as CountryCode };
    }
    case TransformType.DEFAULT:
      if (raw.value === undefined || raw.value === null)
        throw new BadUserInputError('DEFAULT needs value: the value used when the source has none', at('value'));
      return { type: TransformType.DEFAULT, value: raw.value };
    case TransformType.REFERENCE: {
      const crmObject = raw.crmObject === undefined || raw.crmObject === null ? null : text('crmObject', null, MAX_OBJECT_NAME_LENGTH);
      return { type: TransformType.REFERENCE, object: text('object', null, MAX_OBJECT_NAME_LENGTH), crmObject };
    }
    default:
      return { type: type as TransformType.NONE };
  }
}

function checkEnumMap(raw: Record<string, unknown>, at: (key: string) => string): CheckedTransform {
  const map = raw.map;
  if (!isPlainObject(map) || Object.keys(map).length === 0 || Object.keys(map).length > MAX_ENUM_ENTRIES) {
    throw new BadUserInputError(`ENUM_MAP needs map: an object of 1 to ${MAX_ENUM_ENTRIES} source value → target value entries`, at('map'));
  }
  for (const [key, value] of Object.entries(map)) {
    if (!isEnumValue(value)) throw new BadUserInputError('ENUM_MAP values must be strings, numbers, booleans or null', at(`map.${key}`));
  }
  const hasDefault = Object.prototype.hasOwnProperty.call(raw, 'default');
  if (hasDefault && !isEnumValue(raw.default)) {
    throw new BadUserInputError('ENUM_MAP default must be a string, number, boolean or null', at('default'));
  }
  return { type: TransformType.ENUM_MAP, map: map as Record<string, EnumValue>, hasDefault, default: hasDefault ? (raw.default as EnumValue) : null };
}
