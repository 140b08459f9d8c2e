import { GraphQLError, GraphQLScalarType, ValueNode } from 'graphql';
import { DateTimeResolver, JSONResolver } from 'graphql-scalars';
import { hasLoneSurrogate, MAX_JSON_VALUE_DEPTH } from './json-limits';

// The contract names its scalars DateTime and JSON; graphql-scalars ships both under exactly those
// names (DateTime serialises a Date as an ISO-8601 string).
export const DateTimeScalar = DateTimeResolver;

/**
 * What jsonb and the code after it cannot take, refused while the value is coerced (so as
 * BAD_USER_INPUT naming the variable and field, never a Postgres 22P02 or a stack overflow):
 * nesting deeper than MAX_JSON_VALUE_DEPTH, and strings or keys with a lone UTF-16 surrogate
 * (JSON.stringify writes it as "\ud800", which jsonb rejects).
 */
function checkJsonValue<T>(value: T): T {
  // One iterative walk for both: each value is visited once, whatever the nesting.
  const stack: Array<{ item: unknown; depth: number }> = [{ item: value, depth: 0 }];
  while (stack.length) {
    const { item, depth } = stack.pop()!;
    if (typeof item === 'string') {
      if (hasLoneSurrogate(item)) throw loneSurrogate();
    } else if (item && typeof item === 'object') {
      if (depth >= MAX_JSON_VALUE_DEPTH) {
        throw new GraphQLError(`JSON value nests deeper than ${MAX_JSON_VALUE_DEPTH} levels`, { extensions: { code: 'BAD_USER_INPUT', limit: 'jsonDepth' } });
      }
      for (const [key, child] of Object.entries(item)) {
        if (hasLoneSurrogate(key)) throw loneSurrogate();
        stack.push({ item: child, depth: depth + 1 });
      }
    }
  }
  return value;
}

function loneSurrogate(): GraphQLError {
  return new GraphQLError('JSON text may not contain a lone UTF-16 surrogate (\\ud800-\\udfff)', { extensions: { code: 'BAD_USER_INPUT' } });
}

export const JSONScalar = new GraphQLScalarType({
  ...JSONResolver.toConfig(),
  parseValue: (value: unknown) => checkJsonValue(JSONResolver.parseValue(value)),
  parseLiteral: (ast: ValueNode, variables?: Record<string, unknown> | null) => checkJsonValue(JSONResolver.parseLiteral(ast, variables)),
});
