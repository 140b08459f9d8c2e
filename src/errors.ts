/**
 * Typed errors with the contract's codes. Services throw these; src/graphql/format-error.ts maps
 * them once to extensions.code, so no resolver builds error objects by hand.
 */
export abstract class AppError extends Error {
  /** Stable and machine-readable: the contract's code, or for an InternalError a finer one of its own. */
  abstract readonly code: string;
  /** Extra extensions the contract promises with this code (field, retryAfterSeconds). */
  extensions(): Record<string, unknown> {
    return {};
  }
}

export class BadUserInputError extends AppError {
  readonly code = 'BAD_USER_INPUT';
  constructor(
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
  extensions() {
    return this.field ? { field: this.field } : {};
  }
}

export class UnauthenticatedError extends AppError {
  readonly code = 'UNAUTHENTICATED';
  constructor(message = 'Authentication required: send Authorization: Bearer <API key or gateway JWT>') {
    super(message);
  }
}

export class ForbiddenError extends AppError {
  readonly code = 'FORBIDDEN';
  constructor(readonly requiredScopes: string[]) {
    super(`Missing scope: requires ${requiredScopes.join(' or ')}`);
  }
  extensions() {
    return { requiredScopes: this.requiredScopes };
  }
}

export class NotFoundError extends AppError {
  readonly code = 'NOT_FOUND';
  constructor(what: string, id?: string | null) {
    super(id ? `${what} ${id} not found` : `${what} not found`);
  }
}

export class ConflictError extends AppError {
  readonly code = 'CONFLICT';
}

export class RateLimitedError extends AppError {
  readonly code = 'RATE_LIMITED';
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
  extensions() {
    return { retryAfterSeconds: this.retryAfterSeconds };
  }
}

/**
 * The server's own failure, not the caller's: a stored value that does not open, a key or an
 * upstream that does not fit, a job's signal to stop. Code branches on `code` and a sync run's log
 * records it, but clients see INTERNAL_SERVER_ERROR with a generic message (format-error.ts),
 * since the text names keys, hosts and rows; operators get it in the log.
 */
export abstract class InternalError extends AppError {}

/** An error whose code and message are meant for the caller: an AppError that is not an InternalError. */
export function isClientError(error: unknown): error is AppError {
  return error instanceof AppError && !(error instanceof InternalError);
}

/**
 * An upstream (a provider, the CRM gateway) answered successfully but not as its protocol says: no
 * id for a record it created, fewer records than it was given. Not the caller's fault, and not
 * transient either, so a sync run fails with this code instead of retrying.
 */
export class UnexpectedResponseError extends InternalError {
  readonly code = 'UNEXPECTED_RESPONSE';
  constructor(
    readonly upstream: string,
    detail: string,
  ) {
    super(`${upstream} ${detail}`);
    this.name = 'UnexpectedResponseError';
  }
}
