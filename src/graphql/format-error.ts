import { unwrapResolverError } from '@apollo/server/errors';
import { GraphQLError, GraphQLFormattedError } from 'graphql';
import { ArgumentValidationError } from 'type-graphql';
import { AppError, isClientError } from '../errors';

const PASSTHROUGH_CODES = new Set(['BAD_USER_INPUT', 'UNAUTHENTICATED', 'FORBIDDEN', 'PERSISTED_QUERY_NOT_FOUND', 'PERSISTED_QUERY_NOT_SUPPORTED']);
/**
 * Apollo's own codes for a request that is not valid for the schema, or not a valid GraphQL
 * request at all (BAD_REQUEST: no query, a CSRF-able simple request): bad input to the caller,
 * under the contract's code, with Apollo's kept as `reason`.
 */
const INPUT_CODES = new Set(['GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_PARSE_FAILED', 'OPERATION_RESOLUTION_FAILURE', 'BAD_REQUEST']);
/** graphql-js's parse error for a document over `maxTokens` (src/graphql/armor.ts). */
const TOKEN_LIMIT = /^Syntax Error: Document contains more tha[nt] \d+ tokens/;

/**
 * The one place errors become responses: typed AppErrors keep their code and extensions,
 * schema-level input problems become BAD_USER_INPUT, anything else (an InternalError included) is
 * an INTERNAL_SERVER_ERROR with a generic message and no stack, logged with its detail for operators.
 */
export function createErrorFormatter(onUnexpected: (error: unknown) => void) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    // A resolver's error arrives wrapped with a path; one raised before execution (a graphql-ws
    // operation refused in onSubscribe) carries its AppError as originalError without one.
    const unwrapped = unwrapResolverError(error);
    const original = unwrapped instanceof GraphQLError && unwrapped.originalError instanceof AppError ? unwrapped.originalError : unwrapped;
    if (isClientError(original)) {
      return { message: original.message, locations: formatted.locations, path: formatted.path, extensions: { code: original.code, ...original.extensions() } };
    }
    if (original instanceof ArgumentValidationError) {
      const field = original.extensions?.validationErrors?.[0]?.property;
      return {
        message: formatted.message,
        locations: formatted.locations,
        path: formatted.path,
        extensions: { code: 'BAD_USER_INPUT', ...(field ? { field } : {}) },
      };
    }
    const code = formatted.extensions?.code as string | undefined;
    if (code === 'BAD_USER_INPUT' && !formatted.extensions?.field) {
      const field = variableField(formatted.message);
      if (field) return { ...formatted, extensions: { ...formatted.extensions, field } };
    }
    if (code && INPUT_CODES.has(code)) {
      const limit = formatted.extensions?.limit ?? (TOKEN_LIMIT.test(formatted.message) ? 'tokens' : undefined);
      return { message: formatted.message, locations: formatted.locations, extensions: { code: 'BAD_USER_INPUT', reason: code, ...(limit ? { limit } : {}) } };
    }
    if (code && PASSTHROUGH_CODES.has(code)) {
      // `http` is Apollo's status hint; graphql-ws errors arrive here with it still attached.
      const { stacktrace: _dropped, http: _status, ...extensions } = formatted.extensions ?? {};
      return { ...formatted, extensions };
    }
    if (isApolloRequestError(original)) {
      // Apollo's own refusals of a request before it runs (a persisted-query hash that does not
      // match, an unsupported version) carry a 4xx status hint and no code: the client's error.
      return { message: formatted.message, extensions: { code: 'BAD_USER_INPUT', reason: 'BAD_REQUEST' } };
    }
    onUnexpected(original);
    return { message: 'Internal server error', locations: formatted.locations, path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  };
}

/**
 * The input field a variable-coercion error is about, in the same dotted form the services use:
 * `Variable "$input" got invalid value "SAML" at "input.authTypes[0]"` is `authTypes.0`, and a
 * scalar variable (`$first`) is its own name.
 */
export function variableField(message: string): string | null {
  const nested = /^Variable "\$\w+" got invalid value .*? at "([^"]+)"/.exec(message);
  if (nested) {
    const segments = nested[1].replace(/\[(\d+)\]/g, '.$1').split('.');
    // An input object's field path drops the variable; a list's index alone would name nothing.
    const path = (/^\d+$/.test(segments[1] ?? '') ? segments : segments.slice(1)).join('.');
    if (path) return path;
  }
  const variable = /^Variable "\$(\w+)"/.exec(message);
  return variable ? variable[1] : null;
}

/** A GraphQLError Apollo raised itself for a bad request: no cause, no code, an HTTP 4xx hint. */
function isApolloRequestError(error: unknown): boolean {
  if (!(error instanceof GraphQLError) || error.originalError || error.extensions?.code) return false;
  const status = (error.extensions?.http as { status?: number } | undefined)?.status;
  return typeof status === 'number' && status >= 400 && status < 500;
}
