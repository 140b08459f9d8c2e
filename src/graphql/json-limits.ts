import { GraphQLError } from 'graphql';

/**
 * Nesting allowed in a JSON value a client sends (a `JSON` scalar's value): deep enough for any
 * real document, shallow enough that nothing downstream (TypeORM's merge, jsonb, our own walks)
 * meets a stack or a quadratic cost.
 */
export const MAX_JSON_VALUE_DEPTH = 64;

/**
 * Nesting allowed in a whole request body or message: the JSON value's limit plus room for the
 * envelope (`variables`, an input object, a list of rules) around it.
 */
export const MAX_BODY_DEPTH = MAX_JSON_VALUE_DEPTH + 32;

const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Whether JSON text nests deeper than `max`, read once, left to right, before anything parses
 * or walks it (so before authentication): one pass over the characters, constant memory. Brackets
 * inside strings do not count; text that is not JSON is answered by the parser afterwards.
 */
export function jsonTextNestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) {
      inString = true;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > max) return true;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
    }
  }
  return false;
}

/** The same question of a value already parsed (graphql-ws messages, GraphQL literals): iterative, linear. */
export function valueNestsDeeperThan(value: unknown, max: number): boolean {
  const stack: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }];
  while (stack.length) {
    const item = stack.pop()!;
    if (!item.value || typeof item.value !== 'object') continue;
    const depth = item.depth + 1;
    if (depth > max) return true;
    for (const child of Array.isArray(item.value) ? item.value : Object.values(item.value)) {
      if (child && typeof child === 'object') stack.push({ value: child, depth });
    }
  }
  return false;
}

export const BODY_TOO_DEEP_MESSAGE = `Request nests JSON deeper than ${MAX_BODY_DEPTH} levels`;

/** The answer to a body or message that nests too deep, the same on every transport. */
export function bodyTooDeepError(): GraphQLError {
  return new GraphQLError(BODY_TOO_DEEP_MESSAGE, {
    extensions: { code: 'BAD_USER_INPUT', reason: 'JSON_TOO_DEEP', limit: 'jsonDepth', http: { status: 400 } },
  });
}

/**
 * A lone UTF-16 surrogate: text no UTF-8 store can hold as it is (Postgres jsonb refuses the
 * "\ud800" JSON.stringify writes for it). String.prototype.isWellFormed is Node 20's (ES2024;
 * the project's lib is ES2022, hence the cast).
 */
export function hasLoneSurrogate(text: string): boolean {
  return !(text as unknown as { isWellFormed(): boolean }).isWellFormed();
}
