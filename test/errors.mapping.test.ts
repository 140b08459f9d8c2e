import { GraphQLError } from 'graphql';
import { UnsupportedObjectError } from '../src/connectors/connector.handler';
import { RateBudgetClosedError } from '../src/connectors/http/rate-budget';
import { DecryptionError, EncryptionKeyError, UnknownEncryptionKeyError } from '../src/connections/encryption';
import { AppError, BadUserInputError, ConflictError, InternalError, isClientError, UnexpectedResponseError } from '../src/errors';
import { createErrorFormatter } from '../src/graphql/format-error';
import { BlockedTargetError } from '../src/net/target-guard';
import { SyncObjectUnavailableError } from '../src/sync/engine/sync-plan';
import { RunNotOwnedError } from '../src/sync/engine/sync-run.recorder';

/** What a client sees for `error` thrown by a resolver at `path`, and what operators were told. */
function format(error: Error) {
  const unexpected: unknown[] = [];
  const formatter = createErrorFormatter((e) => unexpected.push(e));
  const wrapped = new GraphQLError(error.message, { path: ['field'], originalError: error });
  return { response: formatter({ message: error.message, path: ['field'] }, wrapped), unexpected };
}

describe('the AppError family, mapped once', () => {
  const internal: [string, InternalError, string][] = [
    ['BlockedTargetError', new BlockedTargetError('rebind.example', '127.0.0.1'), 'BLOCKED_TARGET'],
    ['DecryptionError', new DecryptionError('sealed value failed authentication under key "k1"'), 'DECRYPTION_FAILED'],
    ['UnknownEncryptionKeyError', new UnknownEncryptionKeyError('k0'), 'ENCRYPTION_KEY_UNKNOWN'],
    ['EncryptionKeyError', new EncryptionKeyError('encryption key "k1" must be 32 bytes'), 'ENCRYPTION_KEY_INVALID'],
    ['RunNotOwnedError', new RunNotOwnedError('run-1'), 'RUN_NOT_OWNED'],
    ['UnexpectedResponseError', new UnexpectedResponseError('crm-gateway', 'created 1 account records for 2 inputs'), 'UNEXPECTED_RESPONSE'],
    ['UnsupportedObjectError', new UnsupportedObjectError('Stripe', 'charges are read-only here'), 'UNSUPPORTED_OBJECT'],
    ['RateBudgetClosedError', new RateBudgetClosedError(), 'RATE_BUDGET_CLOSED'],
  ];

  it.each(internal)('%s keeps its own code for callers in code, and reaches clients as a generic INTERNAL_SERVER_ERROR', (_name, error, code) => {
    expect(error).toBeInstanceOf(AppError);
    expect(error.code).toBe(code);
    expect(isClientError(error)).toBe(false);
    const { response, unexpected } = format(error);
    expect(response).toEqual({ message: 'Internal server error', path: ['field'], extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    expect(unexpected).toEqual([error]);
  });

  it('keeps the fields other code reads', () => {
    expect(new BlockedTargetError('rebind.example', '10.0.0.1')).toMatchObject({ hostname: 'rebind.example', address: '10.0.0.1', name: 'BlockedTargetError' });
    expect(new UnknownEncryptionKeyError('k0').keyId).toBe('k0');
    expect(new RunNotOwnedError('run-1').runId).toBe('run-1');
  });

  it("passes a client error's contract code and message through", () => {
    const stale = new SyncObjectUnavailableError('stripe', 'charges', 'charges is read-only: a OUTBOUND sync cannot write it');
    expect(stale).toBeInstanceOf(ConflictError);
    expect(isClientError(stale)).toBe(true);
    expect(format(stale).response).toEqual({
      message: 'stripe charges is read-only: a OUTBOUND sync cannot write it',
      path: ['field'],
      extensions: { code: 'CONFLICT' },
    });
    expect(format(new BadUserInputError('name is required', 'name')).response.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'name' });
  });
});
