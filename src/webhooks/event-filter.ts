import { BadUserInputError } from '../errors';

/**
 * ObjectQL (Steedos) style filters on an event's data, as stored on a webhook subscription:
 *
 *   [["amount", ">", 1000], "and", ["stage", "=", "won"]]
 *   [["stage", "=", "won"], ["amount", ">", 1000]]          adjacent conditions mean "and"
 *   ["stage", "in", ["won", "lost"]]                         a single bare condition
 *   [["a", "=", 1], "or", [["b", "=", 2], "and", ["c", "=", 3]]]   nested groups
 *   ["not", ["stage", "=", "lost"]]                          negation
 *   { "field": "stage", "operation": "=", "value": "won" }  Steedos' object form of a condition
 *
 * Operators: = != <> > >= < <= in, not in (notin), contains, startswith, endswith (and their
 * not-forms), between [low, high] (inclusive, null = open end). As in Steedos, "=" with an array
 * means "in", "!=" "not in", and the string operators "any of" (their negations "none of").
 * "and" and "or" are never mixed in one group (DevExtreme, Steedos' model, refuses it too): a
 * precedence would be a guess, so the author nests a group instead. A field named "not", "and"
 * or "or" still works in a bare condition: a word followed by an operator is a field.
 *
 * Comparison rules, decided once here so every subscription behaves the same:
 * - Fields are dot paths into the data (customer.address.city); a numeric segment indexes an
 *   array (lines.0.sku). A missing path is `undefined`: it equals null and fails every other
 *   positive test. Only own properties are read, so `__proto__`-style paths find nothing.
 * - The negative operators are exact negations of the positive ones: a missing field is
 *   "!= 'won'" and "not in [...]" (MongoDB semantics, which Steedos stores to).
 * - A number and a numeric string compare as numbers ("1500" > 1000, 1000 = "1000"); two
 *   numeric strings order numerically but are equal only when identical (ids like "007").
 * - Two ISO 8601 dates (2024-05-01, 2024-05-01T10:00:00+02:00) order as instants; a date-time
 *   without an offset is UTC, never the server's local time.
 * - Other strings order by code unit; booleans and objects never order. "=" is exact and
 *   case-sensitive; contains / startswith / endswith ignore case. "=" and contains on an array
 *   field test its elements (tags contains "vip").
 */

export type FilterOperator =
  '=' | '!=' | '>' | '>=' | '<' | '<=' | 'in' | 'notin' | 'contains' | 'notcontains' | 'startswith' | 'notstartswith' | 'endswith' | 'notendswith' | 'between';

type Scalar = string | number | boolean | null;
type BaseTest = 'eq' | 'gt' | 'gte' | 'lt' | 'lte' | 'contains' | 'startswith' | 'endswith' | 'between';

/** A filter value with its numeric, date and lower-case readings worked out once, at compile time. */
interface Operand {
  raw: Scalar;
  num: number | null;
  time: number | null;
  lower: string | null;
}

/** `values` are OR-ed ("in", "any of"); `negate` marks the not-forms, run as their positive test. */
export interface FilterCondition {
  kind: 'condition';
  path: string[];
  operator: FilterOperator;
  test: BaseTest;
  negate: boolean;
  values: Operand[];
  low: Operand | null;
  high: Operand | null;
}

/** The compiled, validated form; build it with validateEventFilter, use it with matchesEventFilter. */
export type EventFilter = FilterCondition | { kind: 'and' | 'or'; nodes: EventFilter[] } | { kind: 'not'; node: EventFilter };

/** Bounds that keep a hostile filter cheap: it is evaluated for every event of the organization. */
export const FILTER_LIMITS = { depth: 8, conditions: 200, values: 1000, stringLength: 1000, pathSegments: 16, fieldLength: 256 } as const;

const OPERATORS: Record<string, FilterOperator> = {
  '=': '=',
  '==': '=',
  '!=': '!=',
  '<>': '!=',
  '>': '>',
  '>=': '>=',
  '<': '<',
  '<=': '<=',
  in: 'in',
  notin: 'notin',
  'not in': 'notin',
  contains: 'contains',
  notcontains: 'notcontains',
  startswith: 'startswith',
  notstartswith: 'notstartswith',
  endswith: 'endswith',
  notendswith: 'notendswith',
  between: 'between',
};
/** Each negative operator is its positive one negated; `list` says whether the value is one scalar, an array, or either. */
const NEGATES: Partial<Record<FilterOperator, FilterOperator>> = {
  '!=': '=',
  notin: 'in',
  notcontains: 'contains',
  notstartswith: 'startswith',
  notendswith: 'endswith',
};
const ANY = { accepts: () => true, needs: '' };
const TEXT = { accepts: (v: Operand) => typeof v.raw === 'string', needs: 'a string' };
const ORDERED = { accepts: (v: Operand) => typeof v.raw === 'string' || v.num !== null, needs: 'a number, date or string' };
const TESTS: Record<string, { test: BaseTest; list: 'scalar' | 'either' | 'array'; accepts: (v: Operand) => boolean; needs: string }> = {
  '=': { test: 'eq', list: 'either', ...ANY },
  in: { test: 'eq', list: 'array', ...ANY },
  '>': { test: 'gt', list: 'scalar', ...ORDERED },
  '>=': { test: 'gte', list: 'scalar', ...ORDERED },
  '<': { test: 'lt', list: 'scalar', ...ORDERED },
  '<=': { test: 'lte', list: 'scalar', ...ORDERED },
  contains: { test: 'contains', list: 'either', accepts: (v) => v.raw !== null, needs: 'a string, number or boolean' },
  startswith: { test: 'startswith', list: 'either', ...TEXT },
  endswith: { test: 'endswith', list: 'either', ...TEXT },
};

const NUMERIC = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const ISO_DATE = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)(Z|[+-]\d{2}:?\d{2})?)?$/i;

function toNumber(value: string): number | null {
  if (value.length > 40 || !NUMERIC.test(value)) return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

function toTime(value: string): number | null {
  if (value.length > 40) return null;
  const m = ISO_DATE.exec(value);
  if (!m) return null;
  const iso = m[2] ? `${m[1]}T${m[2]}${m[3] ?? 'Z'}` : m[1];
  const t = Date.parse(iso);
  return Number.isNaN(t) ? null : t;
}

type Budget = { conditions: number; values: number };

function fail(position: string, message: string): never {
  throw new BadUserInputError(`${position}: ${message}`, 'filters');
}

function kindOf(value: unknown): string {
  return value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value === 'string' ? JSON.stringify(value.slice(0, 40)) : typeof value;
}

function operand(value: unknown, position: string, budget: Budget): Operand {
  if (++budget.values > FILTER_LIMITS.values) fail(position, `more than ${FILTER_LIMITS.values} values in the filter`);
  if (typeof value === 'string') {
    if (value.length > FILTER_LIMITS.stringLength) fail(position, `a value is longer than ${FILTER_LIMITS.stringLength} characters`);
    return { raw: value, num: toNumber(value), time: toTime(value), lower: value.toLowerCase() };
  }
  if (typeof value === 'number' && Number.isFinite(value)) return { raw: value, num: value, time: null, lower: null };
  if (typeof value === 'boolean' || value === null) return { raw: value, num: null, time: null, lower: null };
  return fail(position, `a value must be a string, number, boolean or null, not ${kindOf(value)}`);
}

function parsePath(field: unknown, position: string): string[] {
  if (typeof field !== 'string' || field.length === 0) fail(position, `the field must be a non-empty dot path, not ${kindOf(field)}`);
  if (field.length > FILTER_LIMITS.fieldLength) fail(position, `the field is longer than ${FILTER_LIMITS.fieldLength} characters`);
  const path = field.split('.');
  if (path.some((segment) => segment.length === 0)) fail(position, `the field "${field}" has an empty segment`);
  if (path.length > FILTER_LIMITS.pathSegments) fail(position, `the field has more than ${FILTER_LIMITS.pathSegments} segments`);
  return path;
}

function parseCondition(
  field: unknown,
  op: unknown,
  value: unknown,
  at: { field: string; op: string; value: string; self: string },
  budget: Budget,
): FilterCondition {
  if (++budget.conditions > FILTER_LIMITS.conditions) fail(at.self, `more than ${FILTER_LIMITS.conditions} conditions`);
  const path = parsePath(field, at.field);
  const operator = typeof op === 'string' ? OPERATORS[op.trim().toLowerCase().replace(/\s+/g, ' ')] : undefined;
  if (!operator) fail(at.op, `unknown operator ${typeof op === 'string' ? JSON.stringify(op.slice(0, 20)) : kindOf(op)}`);
  if (operator === 'between') {
    if (!Array.isArray(value) || value.length !== 2) fail(at.value, 'between needs [low, high]');
    const [low, high] = value.map((v, i) => (v === null ? null : operand(v, `${at.value}[${i}]`, budget)));
    if (!low && !high) fail(at.value, 'between needs at least one of low and high');
    [low, high].forEach((o, i) => o && o.num === null && o.time === null && fail(`${at.value}[${i}]`, 'between takes numbers or ISO dates'));
    const reversed =
      low && high && (low.num !== null && high.num !== null ? low.num > high.num : low.time !== null && high.time !== null && low.time > high.time);
    if (reversed) fail(at.value, 'between needs low <= high');
    return { kind: 'condition', path, operator, test: 'between', negate: false, values: [], low, high };
  }

  const positive = NEGATES[operator] ?? operator;
  const shape = TESTS[positive];
  if (Array.isArray(value)) {
    if (shape.list === 'scalar') fail(at.value, `${operator} needs a single value, not an array`);
    if (value.length === 0) fail(at.value, `${operator} needs a non-empty array`);
    if (value.length > FILTER_LIMITS.values) fail(at.value, `more than ${FILTER_LIMITS.values} values in the filter`);
  } else if (shape.list === 'array') {
    fail(at.value, `${operator} needs an array of values`);
  }
  const values = (Array.isArray(value) ? value : [value]).map((v, i) => operand(v, Array.isArray(value) ? `${at.value}[${i}]` : at.value, budget));
  const bad = values.findIndex((v) => !shape.accepts(v));
  if (bad >= 0) fail(Array.isArray(value) ? `${at.value}[${bad}]` : at.value, `${operator} needs ${shape.needs}`);
  // One literal shape for every condition keeps the matcher's property reads monomorphic.
  return { kind: 'condition', path, operator, test: shape.test, negate: positive !== operator, values, low: null, high: null };
}

function parseNode(node: unknown, position: string, depth: number, budget: Budget): EventFilter {
  if (depth > FILTER_LIMITS.depth) fail(position, `nested deeper than ${FILTER_LIMITS.depth} levels`);
  if (node !== null && typeof node === 'object' && !Array.isArray(node)) {
    const o = node as Record<string, unknown>;
    const opKey = 'operation' in o ? 'operation' : 'operator';
    return parseCondition(
      o.field,
      o[opKey],
      o.value,
      { field: `${position}.field`, op: `${position}.${opKey}`, value: `${position}.value`, self: position },
      budget,
    );
  }
  if (!Array.isArray(node)) fail(position, `expected a condition [field, operator, value] or a group of conditions, not ${kindOf(node)}`);
  if (node.length === 0) fail(position, 'an empty group');
  if (typeof node[0] === 'string') {
    if (node[0].toLowerCase() === 'not' && typeof node[1] !== 'string') {
      if (node.length !== 2) fail(position, 'not takes one condition or group: ["not", [...]]');
      return { kind: 'not', node: parseNode(node[1], `${position}[1]`, depth + 1, budget) };
    }
    if (/^(and|or)$/i.test(node[0]) && typeof node[1] !== 'string') fail(`${position}[0]`, `"${node[0].toLowerCase()}" needs a condition on each side`);
    if (node.length !== 3) fail(position, `a condition is [field, operator, value], got ${node.length} elements`);
    return parseCondition(node[0], node[1], node[2], { field: `${position}[0]`, op: `${position}[1]`, value: `${position}[2]`, self: position }, budget);
  }
  return parseGroup(node, position, depth, budget);
}

function parseGroup(items: unknown[], position: string, depth: number, budget: Budget): EventFilter {
  if (items.length > 2 * FILTER_LIMITS.conditions) fail(position, `more than ${FILTER_LIMITS.conditions} conditions`);
  const nodes: EventFilter[] = [];
  let connector: 'and' | 'or' | null = null;
  let expectOperand = true;
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    const at = `${position}[${i}]`;
    if (typeof item === 'string') {
      const word = item.toLowerCase();
      if (word !== 'and' && word !== 'or') fail(at, `unknown connector ${JSON.stringify(item.slice(0, 20))}: use "and" or "or" (negate with ["not", [...]])`);
      if (expectOperand) fail(at, `"${word}" needs a condition on each side`);
      if (connector && connector !== word) fail(at, `"and" and "or" cannot be mixed in one group; nest a group to say which comes first`);
      connector = word;
      expectOperand = true;
      continue;
    }
    if (!expectOperand) {
      // Adjacent conditions without a connector mean "and" (Steedos).
      if (connector === 'or') fail(at, `"and" and "or" cannot be mixed in one group; nest a group to say which comes first`);
      connector = 'and';
    }
    nodes.push(parseNode(item, at, depth + 1, budget));
    expectOperand = false;
  }
  if (expectOperand) fail(`${position}[${items.length - 1}]`, 'a connector needs a condition after it');
  return nodes.length === 1 ? nodes[0] : { kind: connector ?? 'and', nodes };
}

/**
 * Validates and compiles a subscription's filters. null, undefined and [] mean "no filter"
 * (null returned); anything invalid throws BadUserInputError(…, 'filters') naming the position,
 * e.g. `filters[2][1]: unknown operator "~="`.
 */
export function validateEventFilter(filters: unknown): EventFilter | null {
  if (filters === null || filters === undefined) return null;
  if (Array.isArray(filters) && filters.length === 0) return null;
  if (typeof filters !== 'object') fail('filters', `expected an array of conditions, not ${kindOf(filters)}`);
  return parseNode(filters, 'filters', 0, { conditions: 0, values: 0 });
}

function resolve(data: unknown, path: string[]): unknown {
  let current = data;
  for (const segment of path) {
    if (current === null || typeof current !== 'object') return undefined;
    if (Array.isArray(current)) {
      const index = /^\d+$/.test(segment) ? Number(segment) : -1;
      current = index >= 0 && index < current.length ? current[index] : undefined;
    } else {
      current = Object.prototype.hasOwnProperty.call(current, segment) ? (current as Record<string, unknown>)[segment] : undefined;
    }
  }
  return current;
}

function equals(actual: unknown, v: Operand): boolean {
  if (actual === undefined || actual === null) return v.raw === null;
  if (typeof actual === 'number') return v.num !== null && (typeof v.raw === 'number' || typeof v.raw === 'string') && actual === v.num;
  if (typeof actual === 'string') return typeof v.raw === 'string' ? actual === v.raw : typeof v.raw === 'number' && toNumber(actual) === v.raw;
  return actual === v.raw;
}

/** Sign of actual − v, or null when the two do not order (different kinds, booleans, objects). */
function order(actual: unknown, v: Operand): number | null {
  if (typeof actual === 'number') return v.num === null ? null : actual - v.num;
  if (typeof actual !== 'string') return null;
  if (v.num !== null) {
    const n = toNumber(actual);
    if (n !== null) return n - v.num;
    if (typeof v.raw === 'number') return null;
  }
  if (v.time !== null) {
    const t = toTime(actual);
    if (t !== null) return t - v.time;
  }
  if (typeof v.raw !== 'string') return null;
  return actual < v.raw ? -1 : actual > v.raw ? 1 : 0;
}

function textOf(actual: unknown): string | null {
  return typeof actual === 'string' ? actual.toLowerCase() : typeof actual === 'number' ? String(actual) : null;
}

function test(c: FilterCondition, actual: unknown, v: Operand): boolean {
  switch (c.test) {
    case 'eq':
      return Array.isArray(actual) ? actual.some((a) => equals(a, v)) : equals(actual, v);
    case 'contains': {
      if (Array.isArray(actual)) return actual.some((a) => equals(a, v));
      const text = textOf(actual);
      return text !== null && text.includes(v.lower ?? String(v.raw));
    }
    case 'startswith':
      return typeof actual === 'string' && actual.toLowerCase().startsWith(v.lower!);
    case 'endswith':
      return typeof actual === 'string' && actual.toLowerCase().endsWith(v.lower!);
    default: {
      const d = order(actual, v);
      if (d === null || Number.isNaN(d)) return false;
      return c.test === 'gt' ? d > 0 : c.test === 'gte' ? d >= 0 : c.test === 'lt' ? d < 0 : d <= 0;
    }
  }
}

function holds(c: FilterCondition, data: unknown): boolean {
  const actual = resolve(data, c.path);
  let positive: boolean;
  if (c.test === 'between') {
    const lo = c.low ? order(actual, c.low) : 0;
    const hi = c.high ? order(actual, c.high) : 0;
    positive = lo !== null && hi !== null && lo >= 0 && hi <= 0;
  } else {
    positive = c.values.some((v) => test(c, actual, v));
  }
  return c.negate ? !positive : positive;
}

function evaluate(filter: EventFilter, data: unknown): boolean {
  if (filter.kind === 'condition') return holds(filter, data);
  if (filter.kind === 'not') return !evaluate(filter.node, data);
  return filter.kind === 'and' ? filter.nodes.every((n) => evaluate(n, data)) : filter.nodes.some((n) => evaluate(n, data));
}

/** True when the event's data satisfies the filter (always, for no filter). Never throws on odd data. */
export function matchesEventFilter(filter: EventFilter | null, data: unknown): boolean {
  return filter === null ? true : evaluate(filter, data);
}
