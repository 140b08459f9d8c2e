/**
 * Typed errors with the contract's codes. Services throw these; src/graphql/format-error.ts maps
 * them once to extensions.code, so no resolver builds error objects by hand.
 */
export abstract class AppError extends Error {
  abstract readonly code: string;
  /** Extra extensions the contract promises with this code (field, retryAfterSeconds). */
  extensions(): Record<string, unknown> {
    return {};
  }
}

export class BadUserInputError extends AppError {
  readonly code = 'BAD_USER_INPUT';
  constructor(message: string, readonly field?: string) {
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
  constructor(message: string, readonly retryAfterSeconds: number) {
    super(message);
  }
  extensions() {
    return { retryAfterSeconds: this.retryAfterSeconds };
  }
}
