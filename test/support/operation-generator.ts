import {
  getNamedType,
  GraphQLArgument,
  GraphQLField,
  GraphQLInputType,
  GraphQLNamedType,
  GraphQLOutputType,
  GraphQLSchema,
  isAbstractType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
} from 'graphql';

export type RootName = 'Query' | 'Mutation' | 'Subscription';

export interface GeneratedOperation {
  root: RootName;
  field: string;
  query: string;
  variables: Record<string, unknown>;
}

/** mulberry32: a small seeded PRNG, so a failing fuzz run can be replayed from its seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Values any field may be handed where the schema wants something else. */
const HUGE = 'h'.repeat(100 * 1024);
const WRONG_VALUES: unknown[] = [123, -1, 1.5, 'str', '', true, { a: 1 }, [1, 'two'], null, 2 ** 53, '💥\u0000', HUGE];
const LONE_SURROGATES: unknown[] = ['\ud800', 'a\udfffb', { '\udc00': 1 }, ['ok', { k: '\udbff' }]];
const STRINGS = [
  '',
  'x',
  'stripe',
  'slack',
  'acme_erp',
  'customers',
  'account',
  'contact',
  'name',
  'email',
  'opportunity.*',
  'opportunity.won',
  'https://example.com/hook',
  'http://127.0.0.1:1/x',
  'http://169.254.169.254/latest/meta-data',
  'hourly',
  'every 15m',
  '*/5 * * * *',
  "'; DROP TABLE connection; --",
  '../../../../etc/passwd',
  '\u0000',
  '🙂'.repeat(40),
  '%s%s%n',
  '{{constructor}}',
  '__proto__',
  'a'.repeat(2000),
];
const INTS = [0, 1, -1, 5, 20, 100, 101, 2147483647, -2147483648];
const DATES = ['2024-01-01T00:00:00Z', '1970-01-01T00:00:00.000Z', '9999-12-31T23:59:59Z', 'yesterday', '2024-13-45T99:99:99Z', 0];

export interface IdPools {
  /** Ids of rows the caller's organization owns. */
  own: string[];
  /** Ids of another organization's rows. */
  other: string[];
}

/**
 * Operations built from the schema itself: `minimal` gives a well-typed call of one root field
 * (every required argument, the smallest selection) for scope and tenancy checks; `fuzz` gives
 * random fields, selections, arguments and variables, often wrong on purpose.
 */
export class OperationGenerator {
  constructor(
    private readonly schema: GraphQLSchema,
    private readonly random: () => number = Math.random,
    private readonly ids: IdPools = { own: [], other: [] },
  ) {}

  rootFields(root: RootName): GraphQLField<unknown, unknown>[] {
    const type = root === 'Query' ? this.schema.getQueryType() : root === 'Mutation' ? this.schema.getMutationType() : this.schema.getSubscriptionType();
    return type ? Object.values(type.getFields()) : [];
  }

  /** `field` with every required argument as a variable of the right type, selecting `__typename`. */
  minimal(root: RootName, fieldName: string, overrides: Record<string, unknown> = {}): GeneratedOperation {
    const field = this.rootFields(root).find((f) => f.name === fieldName);
    if (!field) throw new Error(`${root}.${fieldName} is not in the schema`);
    const args = field.args.filter((arg) => arg.name in overrides || (isNonNullType(arg.type) && arg.defaultValue === undefined));
    const variables = Object.fromEntries(args.map((arg) => [arg.name, arg.name in overrides ? overrides[arg.name] : this.minimalValue(arg.type)]));
    const declared = args.map((arg) => `$${arg.name}: ${String(arg.type)}`).join(', ');
    const passed = args.map((arg) => `${arg.name}: $${arg.name}`).join(', ');
    const selection = isLeafType(getNamedType(field.type)) ? '' : ' { __typename }';
    const query = `${root.toLowerCase()}${declared ? `(${declared})` : ''} { ${field.name}${passed ? `(${passed})` : ''}${selection} }`;
    return { root, field: field.name, query, variables };
  }

  minimalValue(type: GraphQLInputType): unknown {
    if (isNonNullType(type)) return this.minimalValue(type.ofType);
    if (isListType(type)) return [this.minimalValue(type.ofType)];
    if (isEnumType(type)) return type.getValues()[0].value;
    if (isInputObjectType(type)) {
      const required = Object.values(type.getFields()).filter((f) => isNonNullType(f.type) && f.defaultValue === undefined);
      return Object.fromEntries(required.map((f) => [f.name, this.minimalValue(f.type)]));
    }
    return minimalScalar(type.name);
  }

  /** One random operation: mostly plausible, often wrong in one place, sometimes far too big. */
  fuzz(): GeneratedOperation {
    const r = this.random();
    const root: RootName = r < 0.55 ? 'Query' : r < 0.93 ? 'Mutation' : 'Subscription';
    const fields = this.rootFields(root);
    const field = this.pick(fields);
    const vars: { name: string; type: string; value: unknown }[] = [];
    const mode = this.random();
    const depthBudget = mode < 0.06 ? 16 : 1 + Math.floor(this.random() * 5);
    const selection = this.selection(field.type, 1, depthBudget, vars);
    const args = this.arguments(field.args, vars);
    let body = `${field.name}${args}${selection}`;
    if (mode >= 0.06 && mode < 0.09) body = Array.from({ length: 20 }, (_, i) => `a${i}: ${body}`).join(' ');
    if (mode >= 0.09 && mode < 0.11) body += ' notAField';
    const declared = vars.map((v) => `$${v.name}: ${v.type}`).join(', ');
    let query = `${root.toLowerCase()}${declared ? `(${declared})` : ''} { ${body} }`;
    if (mode >= 0.11 && mode < 0.13) query = query.slice(0, Math.floor(this.random() * query.length));
    return { root, field: field.name, query, variables: Object.fromEntries(vars.map((v) => [v.name, v.value])) };
  }

  private arguments(args: readonly GraphQLArgument[], vars: { name: string; type: string; value: unknown }[]): string {
    const parts: string[] = [];
    for (const arg of args) {
      const required = isNonNullType(arg.type);
      if (this.random() > (required ? 0.95 : 0.4)) continue;
      const value = this.fuzzValue(arg.type, 0);
      if (this.random() < 0.7) {
        const name = `v${vars.length}`;
        // Now and then the variable is declared with a type the argument does not take.
        const type = this.random() < 0.05 ? this.pick(['Int', 'String!', '[ID!]', 'Boolean', 'JSON']) : String(arg.type);
        vars.push({ name, type, value });
        parts.push(`${arg.name}: $${name}`);
      } else {
        parts.push(`${arg.name}: ${literal(value, getNamedType(arg.type))}`);
      }
    }
    return parts.length ? `(${parts.join(', ')})` : '';
  }

  private selection(type: GraphQLOutputType, depth: number, budget: number, vars: { name: string; type: string; value: unknown }[]): string {
    const named = getNamedType(type);
    if (isLeafType(named)) return '';
    if (isAbstractType(named)) {
      const members = this.schema.getPossibleTypes(named);
      const chosen = this.sample(members, 1 + Math.floor(this.random() * 3));
      return ` { __typename ${chosen.map((m) => `... on ${m.name}${this.selection(m, depth, budget, vars)}`).join(' ')} }`;
    }
    if (!isObjectType(named)) return ' { __typename }';
    const all = Object.values(named.getFields());
    // Past the budget only leaves; a deep run prefers object fields so it really goes deep.
    const candidates =
      depth >= budget ? all.filter((f) => isLeafType(getNamedType(f.type))) : budget > 10 ? all.filter((f) => !isLeafType(getNamedType(f.type))) : all;
    const chosen = this.sample(candidates.length ? candidates : all.filter((f) => isLeafType(getNamedType(f.type))), 1 + Math.floor(this.random() * 3));
    const parts = chosen.map((f) => `${f.name}${this.arguments(f.args, vars)}${this.selection(f.type, depth + 1, budget, vars)}`);
    return ` { ${parts.join(' ') || '__typename'} }`;
  }

  fuzzValue(type: GraphQLInputType, depth: number): unknown {
    if (this.random() < 0.1) return this.pick(WRONG_VALUES);
    if (isNonNullType(type)) return this.random() < 0.03 ? null : this.fuzzValue(type.ofType, depth);
    if (this.random() < 0.05) return null;
    if (isListType(type)) {
      if (this.random() < 0.1) return this.fuzzValue(type.ofType, depth + 1);
      const length = this.random() < 0.02 ? 200 : Math.floor(this.random() * 4);
      return Array.from({ length }, () => this.fuzzValue(type.ofType, depth + 1));
    }
    if (isEnumType(type)) return this.random() < 0.9 ? this.pick(type.getValues()).value : 'NOT_A_VALUE';
    if (isInputObjectType(type)) {
      if (depth > 4) return {};
      const value: Record<string, unknown> = {};
      for (const f of Object.values(type.getFields())) {
        if (this.random() < (isNonNullType(f.type) ? 0.95 : 0.5)) value[f.name] = this.fuzzValue(f.type, depth + 1);
      }
      if (this.random() < 0.05) value.notAnInputField = 'x';
      return value;
    }
    return this.scalar(type.name, depth);
  }

  private scalar(name: string, depth: number): unknown {
    switch (name) {
      case 'ID':
        return this.id();
      case 'String':
        return this.random() < 0.03 ? HUGE : this.random() < 0.15 ? this.id() : this.pick(STRINGS);
      case 'Int':
        return this.pick(INTS);
      case 'Float':
        return this.pick([0, 1.5, -3, 1e300, 100]);
      case 'Boolean':
        return this.random() < 0.5;
      case 'DateTime':
        return this.pick(DATES);
      case '_Any':
        return {
          __typename: this.pick(this.entityTypes()),
          id: this.id(),
          ...(this.random() < 0.3 ? { email: this.pick(['a@b.c', 'x']) } : {}),
          ...(this.random() < 0.2 ? { key: this.pick(STRINGS) } : {}),
        };
      default:
        return this.json(depth);
    }
  }

  private json(depth: number): unknown {
    const r = this.random();
    if (r < 0.02) return HUGE;
    if (r < 0.04) return nestedJson(200);
    // Past the JSON scalar's 64 levels; far past the body's 96 (the unauthenticated freeze).
    if (r < 0.05) return nestedJson(this.random() < 0.5 ? 70 : 3_000);
    // Lone UTF-16 surrogates, which jsonb cannot store, as a value and as a key.
    if (r < 0.06) return this.pick(LONE_SURROGATES);
    if (depth > 3 || r < 0.4) return this.pick([0, 'x', true, null, 1e21, '']);
    if (r < 0.7)
      return Object.fromEntries(
        Array.from({ length: 1 + Math.floor(this.random() * 4) }, () => [this.pick(STRINGS).slice(0, 20) || 'k', this.json(depth + 1)]),
      );
    return Array.from({ length: Math.floor(this.random() * 4) }, () => this.json(depth + 1));
  }

  private id(): string {
    const r = this.random();
    if (r < 0.35 && this.ids.own.length) return this.pick(this.ids.own);
    if (r < 0.65 && this.ids.other.length) return this.pick(this.ids.other);
    if (r < 0.8) return randomUuid(this.random);
    return this.pick(['', 'not-a-uuid', '00000000-0000-0000-0000-000000000000', "1' OR '1'='1", 'acc-1', '-1', 'a'.repeat(300), HUGE]);
  }

  private entityTypes(): string[] {
    const entity = this.schema.getType('_Entity');
    return entity && isAbstractType(entity) ? this.schema.getPossibleTypes(entity).map((t) => t.name) : ['Account'];
  }

  private pick<T>(list: readonly T[]): T {
    return list[Math.floor(this.random() * list.length)];
  }

  private sample<T>(list: readonly T[], n: number): T[] {
    const copy = [...list];
    const out: T[] = [];
    while (copy.length && out.length < n) out.push(copy.splice(Math.floor(this.random() * copy.length), 1)[0]);
    return out;
  }
}

function minimalScalar(name: string): unknown {
  switch (name) {
    case 'ID':
      return '00000000-0000-4000-8000-000000000000';
    case 'Int':
    case 'Float':
      return 1;
    case 'Boolean':
      return true;
    case 'DateTime':
      return new Date(0).toISOString();
    case 'JSON':
      return {};
    case '_Any':
      return { __typename: 'Account', id: 'acc-1' };
    default:
      return 'x';
  }
}

function randomUuid(random: () => number): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(random() * 16).toString(16)).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function nestedJson(levels: number): unknown {
  let value: unknown = 'bottom';
  for (let i = 0; i < levels; i++) value = { n: value };
  return value;
}

/**
 * A value written inline in the document (enum values bare, object keys as names). Past 300
 * levels it stops: the document's token limit refuses far less, and the walk would overflow.
 */
function literal(value: unknown, type: GraphQLNamedType, depth = 0): string {
  if (value === null || value === undefined || depth > 300) return 'null';
  if (typeof value === 'string') return isEnumType(type) && /^[A-Za-z_]\w*$/.test(value) ? value : JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map((v) => literal(v, type, depth + 1)).join(', ')}]`;
  const entries = Object.entries(value as Record<string, unknown>).filter(([k]) => /^[A-Za-z_]\w*$/.test(k));
  const fieldType = (k: string) => (isInputObjectType(type) && type.getFields()[k] ? getNamedType(type.getFields()[k].type) : type);
  return `{${entries.map(([k, v]) => `${k}: ${literal(v, isScalarType(type) ? type : fieldType(k), depth + 1)}`).join(', ')}}`;
}
