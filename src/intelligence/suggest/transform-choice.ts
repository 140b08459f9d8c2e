import { FieldType } from '../../connectors/connector.enums';
import { TransformType } from '../../sync/sync.enums';
import type { ValueKind } from './sample-kinds';

export interface SuggestedTransform {
  type: TransformType;
  params?: Record<string, unknown>;
}

export interface TypeFit {
  /** 0..1: how well values of this kind land in the target type (after the transform). */
  factor: number;
  transform: SuggestedTransform | null;
  reason: string;
}

/** At most this many picklist values go into an ENUM_MAP scaffold (the validator allows 1,000). */
const MAX_ENUM_ENTRIES = 50;

const fit = (factor: number, reason: string, transform: SuggestedTransform | null = null): TypeFit => ({ factor, transform, reason });
const dateTo = (target: FieldType) => (target === FieldType.DATE ? 'date' : 'iso');

/**
 * How a source kind fits a target type, and the transform (with the params validate-rules.ts
 * accepts, so a suggestion can be saved as it is) that bridges a mismatch.
 */
export function typeFit(
  kind: ValueKind,
  target: FieldType | null,
  distinct: string[],
  context: { phoneCountry: string | null; targetWords: string[] },
): TypeFit {
  if (!target) return fit(0.9, 'target type not given');
  switch (target) {
    case FieldType.EMAIL:
      if (kind === 'email') return fit(1, 'values are email addresses');
      return kind === 'text' || kind === 'unknown' ? fit(0.8, 'text into an email field') : fit(0.15, `${kind} values into an email field`);
    case FieldType.PHONE: {
      const transform = { type: TransformType.PHONE_E164, params: context.phoneCountry ? { defaultCountry: context.phoneCountry } : {} };
      if (kind === 'phone') return fit(1, 'values are phone numbers; normalised to E.164', transform);
      if (kind === 'text' || kind === 'unknown' || kind === 'numeric_text') return fit(0.85, 'text into a phone field; normalised to E.164', transform);
      return fit(0.15, `${kind} values into a phone field`);
    }
    case FieldType.URL:
      if (kind === 'url') return fit(1, 'values are URLs');
      return kind === 'text' || kind === 'unknown' ? fit(0.85, 'text into a URL field') : fit(0.15, `${kind} values into a URL field`);
    case FieldType.DATE:
    case FieldType.DATETIME:
      switch (kind) {
        case 'unix':
          return fit(1, 'Unix timestamps (seconds)', { type: TransformType.DATE_FORMAT, params: { from: 'unix', to: dateTo(target) } });
        case 'unix_ms':
          return fit(1, 'Unix timestamps (milliseconds)', { type: TransformType.DATE_FORMAT, params: { from: 'unix_ms', to: dateTo(target) } });
        case 'datetime':
          return target === FieldType.DATE
            ? fit(1, 'ISO 8601 date-times, cut to the date', { type: TransformType.DATE_FORMAT, params: { from: 'iso', to: 'date' } })
            : fit(1, 'ISO 8601 date-times');
        case 'date':
          return target === FieldType.DATE
            ? fit(1, 'ISO 8601 dates')
            : fit(1, 'ISO 8601 dates, as midnight UTC', { type: TransformType.DATE_FORMAT, params: { from: 'date', to: 'iso' } });
        case 'foreign_datetime':
          // DATE_FORMAT reads ISO 8601 and Unix times only: the pair is right, the values need converting first.
          return fit(0.9, 'date-times in RFC 2822 or /Date(ms)/ form, which DATE_FORMAT does not read: convert them to ISO 8601');
        case 'unknown':
          return fit(0.7, 'type unknown into a date field');
        case 'integer':
          return fit(0.4, 'integers into a date field');
        default:
          return fit(0.1, `${kind} values into a date field`);
      }
    case FieldType.CURRENCY:
    case FieldType.NUMBER:
    case FieldType.INTEGER:
      switch (kind) {
        case 'cents':
          return target === FieldType.INTEGER
            ? fit(0.7, 'integer amounts')
            : fit(1, 'integer amounts in minor units (cents)', { type: TransformType.CENTS_TO_DECIMAL, params: { decimals: 2 } });
        case 'decimal':
          return fit(target === FieldType.INTEGER ? 0.8 : 1, 'numbers');
        case 'integer':
          return fit(1, 'integers');
        case 'numeric_text':
          return fit(0.95, 'numbers written as text', { type: TransformType.TO_NUMBER });
        case 'money_text':
          // The right pair, but TO_NUMBER would fail on the sign: no transform that cannot work.
          return fit(0.85, 'amounts written with a currency sign or code, which TO_NUMBER does not read: strip it first');
        case 'unknown':
          return fit(0.7, 'type unknown into a number field');
        case 'text':
          return fit(0.35, 'text into a number field', { type: TransformType.TO_NUMBER });
        default:
          return fit(0.1, `${kind} values into a number field`);
      }
    case FieldType.BOOLEAN:
      if (kind === 'boolean') return fit(1, 'booleans');
      return kind === 'text' || kind === 'integer' || kind === 'unknown'
        ? fit(0.5, 'values read as booleans', { type: TransformType.TO_BOOLEAN })
        : fit(0.1, `${kind} values into a boolean field`);
    case FieldType.ENUM: {
      if (!['enum', 'text', 'integer', 'numeric_text', 'boolean', 'unknown', 'country_code', 'currency_code'].includes(kind))
        return fit(0.15, `${kind} values into a picklist`);
      const values = distinct.slice(0, MAX_ENUM_ENTRIES);
      // The provider's picklist values, each mapped to itself: a scaffold the user edits to HotCRM's values.
      const transform = values.length ? { type: TransformType.ENUM_MAP, params: { map: Object.fromEntries(values.map((v) => [v, v])) } } : null;
      return fit(
        kind === 'enum' ? 1 : 0.9,
        values.length ? 'picklist: map each provider value to a HotCRM value' : 'picklist values unknown: add an ENUM_MAP',
        transform,
      );
    }
    case FieldType.OBJECT:
    case FieldType.ARRAY:
      return kind === 'object' || kind === 'array' || kind === 'unknown' ? fit(1, 'structured values') : fit(0.3, `${kind} values into a structured field`);
    default:
      return stringFit(kind, distinct, context.targetWords);
  }
}

function stringFit(kind: ValueKind, distinct: string[], targetWords: string[]): TypeFit {
  switch (kind) {
    case 'text':
    case 'enum':
    case 'unknown':
      // ISO 4217 codes in upper case: Stripe and Shopify send `usd`.
      if (targetWords.includes('currency') && distinct.length && distinct.every((v) => /^[a-z]{3}$/.test(v))) {
        return fit(1, 'lower-case currency codes, upper-cased', { type: TransformType.UPPERCASE });
      }
      return fit(1, 'text');
    case 'email':
      return fit(0.5, 'email addresses into a text field');
    case 'phone':
    case 'url':
      return fit(0.75, `${kind === 'url' ? 'URLs' : 'phone numbers'} into a text field`);
    case 'integer':
    case 'decimal':
    case 'cents':
      return fit(0.85, 'numbers written as text', { type: TransformType.TO_STRING });
    case 'numeric_text':
      return fit(0.95, 'text');
    case 'id':
      // A record's key fills a key or a number (case_number, envelope_id, account_id), not a person's title.
      return targetWords.some((w) => w === 'id' || w === 'number') ? fit(1, 'values are record ids') : fit(0.6, 'record ids into a text field');
    case 'country_code':
      return targetWords.includes('country') ? fit(1, 'ISO 3166 country codes') : fit(0.6, 'country codes into a text field');
    case 'currency_code':
      if (!targetWords.includes('currency')) return fit(0.6, 'currency codes into a text field');
      return distinct.some((v) => /^[a-z]{3}$/.test(v))
        ? fit(1, 'ISO 4217 currency codes in lower case, upper-cased', { type: TransformType.UPPERCASE })
        : fit(1, 'ISO 4217 currency codes');
    case 'foreign_datetime':
      return fit(0.4, 'dates into a text field');
    case 'money_text':
      return fit(0.85, 'amounts written as text');
    case 'boolean':
      return fit(0.4, 'booleans written as text', { type: TransformType.TO_STRING });
    case 'date':
    case 'datetime':
    case 'unix':
    case 'unix_ms':
      return fit(0.4, 'dates into a text field');
    default:
      return fit(0.1, `${kind} values into a text field`);
  }
}
