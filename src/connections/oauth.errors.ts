import { AppError } from '../errors';

/**
 * The provider refused the refresh token (or the connection was never authorized): the
 * connection is EXPIRED until someone authorizes it again. CONFLICT because the request is fine
 * but the connection's state does not allow it.
 */
export class ConnectionExpiredError extends AppError {
  readonly code = 'CONFLICT';
  constructor(
    readonly connectionId: string,
    detail: string,
  ) {
    super(`Connection ${connectionId} needs to be authorized again: ${detail}`);
  }
  extensions() {
    return { connectionId: this.connectionId, connectionStatus: 'EXPIRED' };
  }
}
