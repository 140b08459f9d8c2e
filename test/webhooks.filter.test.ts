import { BadUserInputError } from '../src/errors';
import { matchesEventFilter, validateEventFilter } from '../src/webhooks/event-filter';

/** Compiles and runs a filter in one go, as the subscription matcher does. */
function matches(filters: unknown, data: unknown): boolean {
  return matchesEventFilter(validateEventFilter(filters), data);
}

/** The BadUserInputError a filter is refused with (fails the test if it is accepted). */
function refusal(filters: unknown): BadUserInputError {
  try {
    validateEventFilter(filters);
  } catch (error) {
    expect(error).toBeInstanceOf(BadUserInputError);
    expect((error as BadUserInputError).field).toBe('filters');
    return error as BadUserInputError;
  }
  throw new Error(`filter was accepted: ${JSON.stringify(filters)}`);
}

const deal = {
  amount: 1500,
  stage: 'won',
  name: 'Acme Renewal 2025',
  probability: '0.9',
  close_date: '2025-03-31',
  updated_at: '2025-03-31T12:30:00+02:00',
  tags: ['vip', 'renewal'],
  archived: false,
  owner: null,
  customer: { name: 'Acme', address: { city: 'Berlin', zip: '10115' } },
  lines: [{ sku: 'A-1', qty: 2 }],
};

describe('event filters: syntax', () => {
  it.each([null, undefined, []])('treats %p as no filter, which matches everything', (filters) => {
    expect(validateEventFilter(filters)).toBeNull();
    expect(matchesEventFilter(null, deal)).toBe(true);
    expect(matches(filters, {})).toBe(true);
  });

  it('joins conditions with "and", "or", or nothing (adjacent means "and")', () => {
    expect(matches([['amount', '>', 1000], 'and', ['stage', '=', 'won']], deal)).toBe(true);
    expect(matches([['amount', '>', 1000], 'and', ['stage', '=', 'lost']], deal)).toBe(false);
    expect(matches([['amount', '>', 5000], 'or', ['stage', '=', 'won']], deal)).toBe(true);
    expect(matches([['amount', '>', 5000], 'or', ['stage', '=', 'lost']], deal)).toBe(false);
    expect(
      matches(
        [
          ['amount', '>', 1000],
          ['stage', '=', 'won'],
        ],
        deal,
      ),
    ).toBe(true);
    expect(
      matches(
        [
          ['amount', '>', 1000],
          ['stage', '=', 'lost'],
        ],
        deal,
      ),
    ).toBe(false);
    expect(matches([['amount', '>', 1], 'AND', ['stage', '=', 'won'], 'and', ['archived', '=', false]], deal)).toBe(true);
  });

  it('accepts a single bare condition and a single wrapped one', () => {
    expect(matches(['stage', '=', 'won'], deal)).toBe(true);
    expect(matches([['stage', '=', 'won']], deal)).toBe(true);
    expect(matches(['stage', '=', 'lost'], deal)).toBe(false);
  });

  it('nests groups and negates with ["not", ...]', () => {
    const filter = [['stage', '=', 'lost'], 'or', [['amount', '>=', 1500], 'and', ['customer.address.city', '=', 'Berlin']]];
    expect(matches(filter, deal)).toBe(true);
    expect(matches(filter, { ...deal, amount: 10 })).toBe(false);
    expect(matches(['not', ['stage', '=', 'lost']], deal)).toBe(true);
    expect(matches(['not', [['stage', '=', 'won'], 'and', ['amount', '>', 1]]], deal)).toBe(false);
  });

  it('reads a bare condition on a field named "not", "and" or "or" as a condition', () => {
    expect(matches(['not', '=', 1], { not: 1 })).toBe(true);
    expect(matches([['and', '=', 1], 'and', ['or', '=', 2]], { and: 1, or: 2 })).toBe(true);
  });

  it("accepts Steedos' object form of a condition", () => {
    expect(
      matches(
        [
          { field: 'stage', operation: '=', value: 'won' },
          { field: 'amount', operation: '<', value: 2000 },
        ],
        deal,
      ),
    ).toBe(true);
    expect(matches({ field: 'stage', operation: '=', value: 'lost' }, deal)).toBe(false);
  });
});

describe('event filters: operators', () => {
  it.each([
    [['stage', '=', 'won'], true],
    [['stage', '=', 'Won'], false],
    [['stage', '!=', 'lost'], true],
    [['stage', '<>', 'won'], false],
    [['amount', '>', 1500], false],
    [['amount', '>=', 1500], true],
    [['amount', '<', 1500], false],
    [['amount', '<=', 1500], true],
    [['stage', 'in', ['won', 'lost']], true],
    [['stage', 'not in', ['won', 'lost']], false],
    [['stage', 'notin', ['open']], true],
    [['stage', '=', ['open', 'won']], true],
    [['stage', '!=', ['open', 'won']], false],
    [['name', 'contains', 'RENEWAL'], true],
    [['name', 'notcontains', 'renewal'], false],
    [['name', 'contains', ['nope', 'acme']], true],
    [['name', 'notcontains', ['nope', 'acme']], false],
    [['name', 'startswith', 'acme'], true],
    [['name', 'notstartswith', 'acme'], false],
    [['name', 'endswith', '2025'], true],
    [['name', 'notendswith', '2024'], true],
    [['amount', 'between', [1000, 2000]], true],
    [['amount', 'between', [1500, 1500]], true],
    [['amount', 'between', [1501, null]], false],
    [['amount', 'between', [null, 1500]], true],
    [['archived', '=', false], true],
    [['owner', '=', null], true],
    [['owner', '!=', null], false],
  ])('%j on the sample deal is %p', (filter, expected) => {
    expect(matches(filter, deal)).toBe(expected);
  });

  it('tests the elements of an array field with = and contains', () => {
    expect(matches(['tags', '=', 'vip'], deal)).toBe(true);
    expect(matches(['tags', 'contains', 'renewal'], deal)).toBe(true);
    expect(matches(['tags', 'in', ['x', 'vip']], deal)).toBe(true);
    expect(matches(['tags', 'notcontains', 'vip'], deal)).toBe(false);
    expect(matches(['tags', 'contains', 'vi'], deal)).toBe(false);
  });
});

describe('event filters: paths and types', () => {
  it('follows dot paths into nested objects and array indexes', () => {
    expect(matches(['customer.address.city', '=', 'Berlin'], deal)).toBe(true);
    expect(matches(['customer.address.zip', 'startswith', '10'], deal)).toBe(true);
    expect(matches(['lines.0.sku', '=', 'A-1'], deal)).toBe(true);
    expect(matches(['lines.1.sku', '=', 'A-1'], deal)).toBe(false);
  });

  it('never throws on missing paths: missing equals null, fails positive tests, passes negative ones', () => {
    for (const data of [deal, {}, null, undefined, 42, 'text', [1, 2]]) {
      expect(matches(['customer.address.country.code', '=', 'DE'], data)).toBe(false);
      expect(matches(['customer.address.country.code', '>', 1], data)).toBe(false);
      expect(matches(['customer.address.country.code', 'between', [1, 2]], data)).toBe(false);
      expect(matches(['customer.address.country.code', 'contains', 'x'], data)).toBe(false);
      expect(matches(['customer.address.country.code', '=', null], data)).toBe(true);
      expect(matches(['customer.address.country.code', '!=', 'DE'], data)).toBe(true);
      expect(matches(['customer.address.country.code', 'not in', ['DE']], data)).toBe(true);
    }
    expect(matches(['name.length', '>', 0], deal)).toBe(false);
  });

  it('reads only own properties', () => {
    expect(matches(['constructor', '!=', null], {})).toBe(false);
    expect(matches(['__proto__', '!=', null], {})).toBe(false);
    expect(matches(['customer.toString', '!=', null], deal)).toBe(false);
  });

  it('compares numbers with numeric strings as numbers', () => {
    expect(matches(['probability', '>', 0.5], deal)).toBe(true);
    expect(matches(['probability', '=', 0.9], deal)).toBe(true);
    expect(matches(['amount', '=', '1500'], deal)).toBe(true);
    expect(matches(['amount', '>', '999'], deal)).toBe(true);
    expect(matches([['amount', 'between', ['1000', '2000']]], deal)).toBe(true);
    expect(matches(['total', '>', '9'], { total: '10' })).toBe(true); // numerically, not "10" < "9"
    expect(matches(['code', '=', '7'], { code: '007' })).toBe(false); // equal strings only when identical
    expect(matches(['stage', '>', 5], deal)).toBe(false); // a non-numeric string does not order against a number
  });

  it('compares ISO dates as instants, a date-time without offset being UTC', () => {
    expect(matches(['close_date', '>=', '2025-03-01'], deal)).toBe(true);
    expect(matches(['close_date', 'between', ['2025-01-01', '2025-03-31']], deal)).toBe(true);
    expect(matches(['close_date', 'between', ['2025-04-01', null]], deal)).toBe(false);
    // 12:30+02:00 is 10:30Z: after 10:00 UTC, before 11:00 UTC
    expect(matches(['updated_at', '>', '2025-03-31T10:00:00Z'], deal)).toBe(true);
    expect(matches(['updated_at', '<', '2025-03-31T11:00:00'], deal)).toBe(true);
    expect(matches(['updated_at', '>', '2025-03-31T11:00:00.000Z'], deal)).toBe(false);
  });

  it('orders other strings by code unit and never orders booleans or objects', () => {
    expect(matches(['stage', '>', 'lost'], deal)).toBe(true);
    expect(matches(['stage', '<', 'x'], deal)).toBe(true);
    expect(matches(['archived', '<', 'x'], deal)).toBe(false);
    expect(matches(['customer', '>', 'a'], deal)).toBe(false);
    expect(matches(['tags', '>', 'a'], deal)).toBe(false);
  });
});

describe('event filters: invalid input names the position', () => {
  it.each([
    [[['amount', '>', 1000], 'and', ['stage', '~=', 'won']], 'filters[2][1]: unknown operator "~="'],
    [['stage', 'like', 'w%'], 'filters[1]: unknown operator "like"'],
    [[['amount', 'between', 5]], 'filters[0][2]: between needs [low, high]'],
    [['amount', 'between', [1, 2, 3]], 'filters[2]: between needs [low, high]'],
    [['amount', 'between', [null, null]], 'filters[2]: between needs at least one of low and high'],
    [['amount', 'between', [10, 1]], 'filters[2]: between needs low <= high'],
    [['amount', 'between', ['soon', 1]], 'filters[2][0]: between takes numbers or ISO dates'],
    [['stage', 'in', 'won'], 'filters[2]: in needs an array of values'],
    [['stage', 'in', []], 'filters[2]: in needs a non-empty array'],
    [['amount', '>', [1, 2]], 'filters[2]: > needs a single value, not an array'],
    [['amount', '>', true], 'filters[2]: > needs a number, date or string'],
    [['name', 'startswith', 5], 'filters[2]: startswith needs a string'],
    [['stage', '=', { a: 1 }], 'filters[2]: a value must be a string, number, boolean or null, not object'],
    [['', '=', 1], 'filters[0]: the field must be a non-empty dot path'],
    [['a..b', '=', 1], 'filters[0]: the field "a..b" has an empty segment'],
    [[['a', '=', 1], 'and'], 'filters[1]: a connector needs a condition after it'],
    [['and', ['a', '=', 1]], 'filters[0]: "and" needs a condition on each side'],
    [['stage', '=', 'won', 'extra'], 'filters: a condition is [field, operator, value], got 4 elements'],
    [[['a', '=', 1], 'and', 'or', ['b', '=', 1]], 'filters[2]: "or" needs a condition on each side'],
    [[['a', '=', 1], 'xor', ['b', '=', 1]], 'filters[1]: unknown connector "xor"'],
    [[['a', '=', 1], 'or', ['b', '=', 1], 'and', ['c', '=', 1]], 'filters[3]: "and" and "or" cannot be mixed in one group'],
    [[['a', '=', 1], ['b', '=', 1], 'or', ['c', '=', 1]], 'filters[2]: "and" and "or" cannot be mixed in one group'],
    [[['a', '=', 1], []], 'filters[1]: an empty group'],
    [[['a', '=', 1], 42], 'filters[1]: expected a condition [field, operator, value] or a group of conditions, not number'],
    [['not', ['a', '=', 1], ['b', '=', 2]], 'filters: not takes one condition or group'],
    [
      [
        ['a', '=', 1],
        [['b', '=', 2], 'or', ['c', '~', 3]],
      ],
      'filters[1][2][1]: unknown operator "~"',
    ],
    [{ field: 'a', operation: '===', value: 1 }, 'filters.operation: unknown operator "==="'],
    ['stage = won', 'filters: expected an array of conditions'],
    [42, 'filters: expected an array of conditions'],
  ])('%j is refused with %p', (filters, message) => {
    expect(refusal(filters).message).toContain(message);
  });

  it('bounds depth, conditions and values so a hostile filter stays cheap', () => {
    let deep: unknown = ['a', '=', 1];
    for (let i = 0; i < 8; i++) deep = [deep, 'and', ['b', '=', 2]];
    expect(matches(deep, { a: 1, b: 2 })).toBe(true);
    deep = [deep, 'and', ['b', '=', 2]];
    expect(refusal(deep).message).toBe(`filters${'[0]'.repeat(9)}: nested deeper than 8 levels`);

    const wide = Array.from({ length: 201 }, (_, i) => ['n', '=', i]);
    expect(refusal(wide).message).toBe('filters[200]: more than 200 conditions');
    expect(validateEventFilter(wide.slice(0, 200))).not.toBeNull();

    const huge = Array.from({ length: 1_000_000 }, () => ['n', '=', 1]);
    expect(refusal(huge).message).toBe('filters: more than 200 conditions');
    expect(refusal(['n', 'in', Array.from({ length: 1001 }, (_, i) => i)]).message).toBe('filters[2]: more than 1000 values in the filter');
    expect(refusal(['n', '=', 'x'.repeat(1001)]).message).toBe('filters[2]: a value is longer than 1000 characters');
  });

  it('refuses with a BAD_USER_INPUT error that carries the field', () => {
    const error = refusal([['a', '?', 1]]);
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.extensions()).toEqual({ field: 'filters' });
  });
});
