import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { BadUserInputError } from '../src/errors';
import { CRM_OBJECTS, crmFieldNames, crmObject } from '../src/sync/crm/crm-objects';
import { applyMapping, invertRules } from '../src/sync/mapping/apply-mapping';
import { MappingNotInvertibleError, TransformValueError } from '../src/sync/mapping/mapping.errors';
import { applyTransform, invertTransform, validateTransform } from '../src/sync/mapping/transforms';

/** Field mapping as pure functions: each transform on values providers really send. */
const apply = (type: string, params: unknown, value: unknown, record: Record<string, unknown> = {}) => applyTransform({ type, params }, value, record);

describe('transforms', () => {
  it('trims and changes case, leaving non-strings alone', () => {
    expect(apply('NONE', null, ' As Is ')).toBe(' As Is ');
    expect(apply('TRIM', null, '  ada@example.com \n')).toBe('ada@example.com');
    expect(apply('LOWERCASE', null, 'Ada@Example.COM')).toBe('ada@example.com');
    expect(apply('UPPERCASE', undefined, 'usd')).toBe('USD');
    expect(apply('UPPERCASE', null, 42)).toBe(42);
  });

  it('converts between strings, numbers and booleans', () => {
    expect(apply('TO_STRING', null, 12345)).toBe('12345');
    expect(apply('TO_STRING', null, true)).toBe('true');
    expect(apply('TO_STRING', null, { a: 1 })).toBe('{"a":1}');
    expect(apply('TO_NUMBER', null, '42.5')).toBe(42.5);
    expect(apply('TO_NUMBER', null, ' 1,234.50 ')).toBe(1234.5);
    expect(apply('TO_NUMBER', null, 7)).toBe(7);
    expect(apply('TO_BOOLEAN', null, 'yes')).toBe(true);
    expect(apply('TO_BOOLEAN', null, 'FALSE')).toBe(false);
    expect(apply('TO_BOOLEAN', null, 0)).toBe(false);
    expect(apply('TO_BOOLEAN', null, '')).toBeNull();
    expect(() => apply('TO_NUMBER', null, 'abc')).toThrow(TransformValueError);
    expect(() => apply('TO_BOOLEAN', null, 'maybe')).toThrow(TransformValueError);
  });

  it('turns Stripe unix seconds into ISO date-times and dates, and back', () => {
    expect(apply('DATE_FORMAT', { from: 'unix', to: 'iso' }, 1700000000)).toBe('2023-11-14T22:13:20.000Z');
    expect(apply('DATE_FORMAT', { from: 'unix', to: 'date' }, '1700000000')).toBe('2023-11-14');
    expect(apply('DATE_FORMAT', { from: 'unix_ms', to: 'iso' }, 1700000000123)).toBe('2023-11-14T22:13:20.123Z');
    expect(apply('DATE_FORMAT', { from: 'iso', to: 'unix' }, '2023-11-14T23:13:20+01:00')).toBe(1700000000);
    expect(apply('DATE_FORMAT', { from: 'iso', to: 'unix_ms' }, '2023-11-14T22:13:20Z')).toBe(1700000000000);
    expect(apply('DATE_FORMAT', { from: 'date', to: 'iso' }, '2024-02-29')).toBe('2024-02-29T00:00:00.000Z');
    // No zone: read as UTC, whatever the server's local time zone.
    expect(apply('DATE_FORMAT', { from: 'iso', to: 'iso' }, '2024-01-05 10:00:00')).toBe('2024-01-05T10:00:00.000Z');
    expect(() => apply('DATE_FORMAT', { from: 'date', to: 'iso' }, '2024-02-30')).toThrow(TransformValueError);
    expect(() => apply('DATE_FORMAT', { from: 'iso', to: 'date' }, '2024-02-30T10:00:00Z')).toThrow(TransformValueError);
    expect(() => apply('DATE_FORMAT', { from: 'unix', to: 'iso' }, 'yesterday')).toThrow(TransformValueError);
    expect(() => apply('DATE_FORMAT', { from: 'iso', to: 'iso' }, 1700000000)).toThrow(TransformValueError);
  });

  it('converts cents to decimals and back without float residue', () => {
    expect(apply('CENTS_TO_DECIMAL', null, 1999)).toBe(19.99);
    expect(apply('CENTS_TO_DECIMAL', {}, '250000')).toBe(2500);
    expect(apply('CENTS_TO_DECIMAL', { decimals: 0 }, 500)).toBe(500); // JPY has no minor unit
    expect(apply('DECIMAL_TO_CENTS', null, 19.99)).toBe(1999);
    expect(apply('DECIMAL_TO_CENTS', null, '0.29')).toBe(29);
    expect(apply('DECIMAL_TO_CENTS', { decimals: 3 }, 1.234)).toBe(1234);
  });

  it('maps enums, case-insensitively as a fallback, with an optional default', () => {
    const stripeStatus = { map: { paid: 'PAID', open: 'SENT', void: 'CANCELLED', uncollectible: 'OVERDUE' } };
    expect(apply('ENUM_MAP', stripeStatus, 'paid')).toBe('PAID');
    expect(apply('ENUM_MAP', stripeStatus, 'Open')).toBe('SENT');
    expect(apply('ENUM_MAP', stripeStatus, 'draft')).toBe('draft');
    expect(apply('ENUM_MAP', { ...stripeStatus, default: 'DRAFT' }, 'draft')).toBe('DRAFT');
    expect(apply('ENUM_MAP', { map: { '1': true, '0': false } }, 1)).toBe(true);
  });

  it('concatenates first and last name from the record, skipping blanks', () => {
    const record = { name: { first: 'Ada', last: 'Lovelace' }, middle: '' };
    expect(apply('CONCAT', { fields: ['name.first', 'middle', 'name.last'] }, undefined, record)).toBe('Ada Lovelace');
    expect(apply('CONCAT', { fields: ['name.last', 'name.first'], separator: ', ' }, null, record)).toBe('Lovelace, Ada');
    expect(apply('CONCAT', { fields: ['missing', 'also.missing'] }, null, record)).toBeNull();
  });

  it('splits a full name into parts, counting from the end with a negative index', () => {
    expect(apply('SPLIT', { separator: ' ', index: 0 }, 'Ada  King Lovelace')).toBe('Ada');
    expect(apply('SPLIT', { separator: ' ', index: -1 }, 'Ada King Lovelace')).toBe('Lovelace');
    expect(apply('SPLIT', { separator: ',', index: 1 }, 'Lovelace, Ada')).toBe('Ada');
    expect(apply('SPLIT', { separator: ' ', index: 3 }, 'Ada Lovelace')).toBeNull();
  });

  it('normalises phone numbers to E.164', () => {
    expect(apply('PHONE_E164', { defaultCountry: 'US' }, '(415) 555-2671')).toBe('+14155552671');
    expect(apply('PHONE_E164', { defaultCountry: 'gb' }, '020 7946 0958')).toBe('+442079460958');
    expect(apply('PHONE_E164', null, '+49 30 123456')).toBe('+4930123456');
    expect(apply('PHONE_E164', { defaultCountry: 'US' }, 14155552671)).toBe('+14155552671');
    expect(() => apply('PHONE_E164', null, '415 555 2671')).toThrow(TransformValueError); // no country to read it in
    expect(() => apply('PHONE_E164', { defaultCountry: 'US' }, '12')).toThrow(TransformValueError);
  });

  it('reads numbers of calling codes countries share exactly as libphonenumber-js does', () => {
    // The quick path skips the library's country search (phone-e164.ts); where the country could
    // matter (+1 numbers possible in Canada only, a national prefix, an extension) it must still
    // answer what the library answers.
    const library = (text: string, country?: CountryCode) => {
      const parsed = parsePhoneNumberFromString(text, country);
      return parsed && parsed.isPossible() ? parsed.format('E.164') : null;
    };
    const cases: [string, CountryCode?][] = [
      ['+1 555 201 0001'],
      ['+1 212 555 0100'],
      ['+1 310 4694'],
      ['+1 1212 555 0100'],
      ['+1 800 555 0199'],
      ['+1 340 555 0100'],
      ['+44 20 7946 0958'],
      ['+44 (0)20 7946 0958'],
      ['+44 1534 123456'],
      ['+44 7700 900123'],
      ['+7 701 123 4567'],
      ['+7 495 123 4567'],
      ['+61 2 9374 4000'],
      ['+61 8 9162 1234'],
      ['+599 9 123 4567'],
      ['+590 590 12 34 56'],
      ['+262 262 12 34 56'],
      ['+47 22 12 34 56'],
      ['+358 9 123 4567'],
      ['+212 5 22 12 34 56'],
      ['+1 212 555 0100 ext. 12'],
      ['14240875', 'CA'],
      ['4240875', 'CA'],
      ['020 7946 0958', 'JE'],
      ['+49 30 123456'],
      ['+1 2'],
      ['+'],
    ];
    for (const [text, country] of cases) {
      const expected = library(text, country);
      if (expected === null) expect(() => apply('PHONE_E164', country ? { defaultCountry: country } : null, text)).toThrow(TransformValueError);
      else expect(apply('PHONE_E164', country ? { defaultCountry: country } : null, text)).toBe(expected);
    }
    expect(library('+1 310 4694')).toBe('+13104694'); // possible in Canada only: the search decides
  });

  it('fills missing values with DEFAULT, and passes null through everything else', () => {
    expect(apply('DEFAULT', { value: 'Web' }, null)).toBe('Web');
    expect(apply('DEFAULT', { value: 'Web' }, undefined)).toBe('Web');
    expect(apply('DEFAULT', { value: 'Web' }, 'Referral')).toBe('Referral');
    for (const [type, params] of [
      ['TRIM', null],
      ['TO_NUMBER', null],
      ['TO_BOOLEAN', null],
      ['DATE_FORMAT', { from: 'unix', to: 'iso' }],
      ['CENTS_TO_DECIMAL', null],
      ['ENUM_MAP', { map: { a: 'b' }, default: 'x' }],
      ['SPLIT', { separator: ' ', index: 0 }],
      ['PHONE_E164', { defaultCountry: 'US' }],
    ] as const) {
      expect(apply(type, params, null)).toBeNull();
      expect(apply(type, params, undefined)).toBeNull();
    }
  });
});

describe('validateTransform', () => {
  const reject = (transform: unknown) => {
    try {
      validateTransform(transform, 'rules.2.transform');
    } catch (error) {
      expect(error).toBeInstanceOf(BadUserInputError);
      return (error as BadUserInputError).field;
    }
    throw new Error(`accepted ${JSON.stringify(transform)}`);
  };

  it.each([
    ['an unknown type', { type: 'REVERSE' }, 'rules.2.transform.type'],
    ['params that are not an object', { type: 'TRIM', params: 'x' }, 'rules.2.transform.params'],
    ['a param a type does not take', { type: 'TRIM', params: { locale: 'tr' } }, 'rules.2.transform.params.locale'],
    ['DATE_FORMAT without from', { type: 'DATE_FORMAT', params: { to: 'iso' } }, 'rules.2.transform.params.from'],
    ['DATE_FORMAT with an unknown unit', { type: 'DATE_FORMAT', params: { from: 'unix', to: 'rfc2822' } }, 'rules.2.transform.params.to'],
    ['DATE_FORMAT without params', { type: 'DATE_FORMAT' }, 'rules.2.transform.params.from'],
    ['decimals that are not an integer', { type: 'CENTS_TO_DECIMAL', params: { decimals: 1.5 } }, 'rules.2.transform.params.decimals'],
    ['ENUM_MAP without a map', { type: 'ENUM_MAP', params: {} }, 'rules.2.transform.params.map'],
    ['ENUM_MAP with an empty map', { type: 'ENUM_MAP', params: { map: {} } }, 'rules.2.transform.params.map'],
    ['ENUM_MAP with a list for a map', { type: 'ENUM_MAP', params: { map: ['a'] } }, 'rules.2.transform.params.map'],
    ['ENUM_MAP with an object value', { type: 'ENUM_MAP', params: { map: { paid: { x: 1 } } } }, 'rules.2.transform.params.map.paid'],
    ['ENUM_MAP with an object default', { type: 'ENUM_MAP', params: { map: { a: 'b' }, default: [] } }, 'rules.2.transform.params.default'],
    ['CONCAT without fields', { type: 'CONCAT', params: { separator: ' ' } }, 'rules.2.transform.params.fields'],
    ['CONCAT with a bad path', { type: 'CONCAT', params: { fields: ['first', 'last..name'] } }, 'rules.2.transform.params.fields.1'],
    ['CONCAT with a numeric separator', { type: 'CONCAT', params: { fields: ['a'], separator: 1 } }, 'rules.2.transform.params.separator'],
    ['SPLIT without a separator', { type: 'SPLIT', params: { index: 0 } }, 'rules.2.transform.params.separator'],
    ['SPLIT with an empty separator', { type: 'SPLIT', params: { separator: '', index: 0 } }, 'rules.2.transform.params.separator'],
    ['SPLIT with a string index', { type: 'SPLIT', params: { separator: ' ', index: '1' } }, 'rules.2.transform.params.index'],
    ['PHONE_E164 with an unknown country', { type: 'PHONE_E164', params: { defaultCountry: 'XX' } }, 'rules.2.transform.params.defaultCountry'],
    ['PHONE_E164 with a numeric country', { type: 'PHONE_E164', params: { defaultCountry: 1 } }, 'rules.2.transform.params.defaultCountry'],
    ['DEFAULT without a value', { type: 'DEFAULT', params: {} }, 'rules.2.transform.params.value'],
  ])('refuses %s', (_label, transform, field) => {
    expect(reject(transform)).toBe(field);
  });

  it('accepts every type with well-formed params', () => {
    for (const transform of [
      { type: 'NONE' },
      { type: 'TO_STRING', params: null },
      { type: 'DATE_FORMAT', params: { from: 'iso', to: 'date' } },
      { type: 'DECIMAL_TO_CENTS', params: { decimals: 0 } },
      { type: 'ENUM_MAP', params: { map: { a: null }, default: null } },
      { type: 'CONCAT', params: { fields: ['a'], separator: '' } },
      { type: 'SPLIT', params: { separator: '@', index: -1 } },
      { type: 'PHONE_E164', params: {} },
      { type: 'DEFAULT', params: { value: 0 } },
    ]) {
      expect(validateTransform(transform, 'transform').type).toBe(transform.type);
    }
  });
});

describe('invertTransform', () => {
  it('swaps unit conversions, inverts enum maps and sends normalised values back unchanged', () => {
    expect(invertTransform({ type: 'CENTS_TO_DECIMAL' })).toEqual({ type: 'DECIMAL_TO_CENTS', params: { decimals: 2 } });
    expect(invertTransform({ type: 'DECIMAL_TO_CENTS', params: { decimals: 0 } })).toEqual({ type: 'CENTS_TO_DECIMAL', params: { decimals: 0 } });
    expect(invertTransform({ type: 'DATE_FORMAT', params: { from: 'unix', to: 'iso' } })).toEqual({ type: 'DATE_FORMAT', params: { from: 'iso', to: 'unix' } });
    expect(invertTransform({ type: 'ENUM_MAP', params: { map: { paid: 'PAID', open: 'SENT' } } })).toEqual({
      type: 'ENUM_MAP',
      params: { map: { PAID: 'paid', SENT: 'open' } },
    });
    expect(invertTransform({ type: 'TRIM' })).toEqual({ type: 'TRIM' });
    for (const type of ['NONE', 'LOWERCASE', 'UPPERCASE', 'TO_STRING', 'TO_NUMBER', 'TO_BOOLEAN', 'PHONE_E164']) {
      expect(invertTransform({ type })).toEqual({ type: 'NONE' });
    }
    expect(invertTransform({ type: 'DEFAULT', params: { value: 'x' } })).toEqual({ type: 'NONE' });
  });

  it('has none for CONCAT, SPLIT and enum maps that merge values', () => {
    expect(invertTransform({ type: 'CONCAT', params: { fields: ['a', 'b'] } })).toBeNull();
    expect(invertTransform({ type: 'SPLIT', params: { separator: ' ', index: 0 } })).toBeNull();
    expect(invertTransform({ type: 'ENUM_MAP', params: { map: { void: 'CLOSED', uncollectible: 'CLOSED' } } })).toBeNull();
    expect(invertTransform({ type: 'ENUM_MAP', params: { map: { draft: null } } })).toBeNull();
  });

  it('round-trips a value through a transform and its inverse', () => {
    const date = { type: 'DATE_FORMAT', params: { from: 'unix', to: 'iso' } };
    expect(applyTransform(invertTransform(date)!, applyTransform(date, 1700000000, {}), {})).toBe(1700000000);
    const money = { type: 'CENTS_TO_DECIMAL' };
    expect(applyTransform(invertTransform(money)!, applyTransform(money, 4599, {}), {})).toBe(4599);
  });
});

describe('applyMapping', () => {
  const stripeCustomer = {
    id: 'cus_123',
    name: 'Ada Lovelace',
    email: ' Ada@Example.com ',
    phone: '(415) 555-2671',
    created: 1700000000,
    address: { city: 'London', country: 'GB', line1: null },
    metadata: {},
  };

  it('reads and writes dot paths, transforms, and falls back to defaults', () => {
    const target = applyMapping(
      [
        { sourceField: 'name', targetField: 'first_name', transform: { type: 'SPLIT', params: { separator: ' ', index: 0 } } },
        { sourceField: 'name', targetField: 'last_name', transform: { type: 'SPLIT', params: { separator: ' ', index: -1 } } },
        { sourceField: 'email', targetField: 'email', transform: { type: 'LOWERCASE' } },
        { sourceField: 'phone', targetField: 'phone', transform: { type: 'PHONE_E164', params: { defaultCountry: 'US' } } },
        { sourceField: 'created', targetField: 'meta.created_at', transform: { type: 'DATE_FORMAT', params: { from: 'unix', to: 'iso' } } },
        { sourceField: 'address.city', targetField: 'mailing_city' },
        { sourceField: 'address.line1', targetField: 'mailing_street', defaultValue: 'unknown' },
        { sourceField: 'metadata.source', targetField: 'lead_source', transform: { type: 'DEFAULT', params: { value: 'Stripe' } } },
        { sourceField: 'metadata.title', targetField: 'title' },
      ],
      stripeCustomer,
    );
    expect(target).toEqual({
      first_name: 'Ada',
      last_name: 'Lovelace',
      email: ' ada@example.com ',
      phone: '+14155552671',
      meta: { created_at: '2023-11-14T22:13:20.000Z' },
      mailing_city: 'London',
      mailing_street: 'unknown',
      lead_source: 'Stripe',
    });
    // An absent source field leaves the target out (partial payloads must not erase data); null is written.
    expect('title' in target).toBe(false);
    expect(applyMapping([{ sourceField: 'address.line1', targetField: 'street' }], stripeCustomer)).toEqual({ street: null });
  });

  it('names the rule when a value cannot be converted', () => {
    expect(() => applyMapping([{ sourceField: 'name', targetField: 'amount', transform: { type: 'TO_NUMBER' } }], stripeCustomer)).toThrow(
      /name → amount: TO_NUMBER/,
    );
  });

  it('inverts rules for outbound writes, or names the rule that cannot be inverted', () => {
    const rules = [
      { sourceField: 'amount_due', targetField: 'balance_due', transform: { type: 'CENTS_TO_DECIMAL' } },
      { sourceField: 'status', targetField: 'status', transform: { type: 'ENUM_MAP', params: { map: { paid: 'PAID' } } }, defaultValue: 'DRAFT' },
      { sourceField: 'customer_email', targetField: 'email', transform: { type: 'TRIM' } },
      { sourceField: 'number', targetField: 'invoice_number', transform: { type: 'TO_STRING' } },
      { sourceField: 'currency', targetField: 'currency_code' },
    ];
    const outbound = invertRules(rules);
    expect(outbound).toEqual([
      { sourceField: 'balance_due', targetField: 'amount_due', transform: { type: 'DECIMAL_TO_CENTS', params: { decimals: 2 } } },
      { sourceField: 'status', targetField: 'status', transform: { type: 'ENUM_MAP', params: { map: { PAID: 'paid' } } } },
      { sourceField: 'email', targetField: 'customer_email', transform: { type: 'TRIM' } },
      { sourceField: 'invoice_number', targetField: 'number', transform: null },
      { sourceField: 'currency_code', targetField: 'currency', transform: null },
    ]);
    expect(applyMapping(outbound, { balance_due: 12.5, status: 'PAID', email: 'a@b.c', invoice_number: 'INV-1', currency_code: 'usd' })).toEqual({
      amount_due: 1250,
      status: 'paid',
      customer_email: 'a@b.c',
      number: 'INV-1',
      currency: 'usd',
    });
    const withConcat = [...rules, { sourceField: 'x', targetField: 'name', transform: { type: 'CONCAT', params: { fields: ['a', 'b'] } } }];
    expect(() => invertRules(withConcat)).toThrow(MappingNotInvertibleError);
    try {
      invertRules(withConcat);
    } catch (error) {
      expect((error as MappingNotInvertibleError).field).toBe('rules.5.transform');
    }
  });
});

describe('CRM objects', () => {
  it('lists the built-in objects with their system fields and expanded addresses', () => {
    expect(Object.keys(CRM_OBJECTS).sort()).toEqual([
      'account',
      'activity',
      'campaign',
      'campaign_member',
      'case',
      'contact',
      'contract',
      'employee',
      'invoice',
      'lead',
      'opportunity',
      'subscription',
    ]);
    for (const name of Object.keys(CRM_OBJECTS)) {
      expect(crmFieldNames(name)).toEqual(expect.arrayContaining(['id', 'created_date', 'last_modified_date']));
    }
    expect(crmFieldNames('account')).toEqual(expect.arrayContaining(['billing_postal_code', 'shipping_street', 'shipping_country', 'annual_revenue']));
    expect(crmFieldNames('contact')).toEqual(expect.arrayContaining(['mailing_city', 'birthdate', 'lead_source']));
    expect(crmObject('invoice')?.fields.find((f) => f.name === 'total_amount')?.type).toBe('CURRENCY');
    expect(crmObject('toString')).toBeNull();
    expect(crmFieldNames('lead')).toEqual(expect.arrayContaining(['company', 'rating', 'converted_contact_id']));
    expect(crmObject('campaign_member')?.fields.find((f) => f.name === 'contact_id')?.references).toBe('contact');
    expect(crmObject('contract')?.gateway).toBeUndefined();
    expect(crmFieldNames('task')).toEqual([]);
  });
});
