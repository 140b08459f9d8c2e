import type { Logger } from 'pino';
import { ProviderError } from '../connectors/http/provider-error';
import { AppError, ConflictError } from '../errors';
import type { ConnectionEntity } from './connection.entity';
import type { BindOptions, ConnectorBinding, ConnectorRuntime } from './connector-runtime';

/** How long learning the account may hold up a connect: it is best effort, the connection works without it. */
export const IDENTIFY_DEADLINE_MS = 10_000;

/**
 * New credentials (updateConnection, a re-authorisation) that reach another provider account than
 * the connection's: refused, since the connection's syncs and links would then mix two accounts'
 * records. The stored credentials stay.
 */
export class ProviderAccountConflictError extends ConflictError {
  constructor(
    readonly connection: ConnectionEntity,
    readonly found: string,
  ) {
    super(
      `These credentials reach ${connection.connectorKey} account ${found}, but connection ${connection.id} is connected to ` +
        `${connection.providerAccountId}: its syncs and links belong to that account. Create a new connection for the other account.`,
    );
  }
  extensions() {
    return { connectionId: this.connection.id, providerAccountId: this.connection.providerAccountId, foundProviderAccountId: this.found };
  }
}

/** What a failure may say in the log: its kind and the provider's code, never a credential. */
function describe(error: unknown): Record<string, unknown> {
  if (error instanceof ProviderError) {
    return { error: error.name, status: error.status, providerCode: error.providerCode, message: error.message };
  }
  return { error: error instanceof Error ? error.name : typeof error, code: error instanceof AppError ? error.code : undefined };
}

/**
 * Learns which provider account a connection reaches (the handler's identify: Stripe's acct_…,
 * Slack's team id, QuickBooks' realmId, ...). Best effort: a provider that cannot tell, a
 * connector without identify, a failing or slow call all give null, logged as a warning without
 * secrets; a connection is never refused for it.
 */
export class ConnectionIdentity {
  constructor(
    private readonly runtime: ConnectorRuntime,
    private readonly log: Logger,
  ) {}

  /** The account a stored connection reaches, through its stored credentials. */
  learn(connection: ConnectionEntity): Promise<string | null> {
    return this.identify(connection, (options) => this.runtime.bind(connection, options));
  }

  /** The same through a binding the caller already has (testConnection's). */
  learnWith(connection: ConnectionEntity, binding: ConnectorBinding): Promise<string | null> {
    return this.identify(connection, async () => binding);
  }

  /**
   * The account `credentials` reach before they are stored (new credentials, new OAuth tokens),
   * with `connection` as it would be after the change (its new config).
   */
  probe(connection: ConnectionEntity, credentials: Record<string, unknown>): Promise<string | null> {
    return this.identify(connection, (options) => this.runtime.probe(connection, credentials, options));
  }

  /** CONFLICT when `found` names another account than the one the connection is known to reach. */
  static assertSameAccount(connection: ConnectionEntity, found: string | null): void {
    if (found && connection.providerAccountId && found !== connection.providerAccountId) throw new ProviderAccountConflictError(connection, found);
  }

  private async identify(connection: ConnectionEntity, bind: (options: BindOptions) => Promise<ConnectorBinding>): Promise<string | null> {
    const definition = await this.runtime.definitionOf(connection).catch(() => null);
    if (!definition?.handler?.identify) return null; // custom connectors: no documented identity call
    const deadline = AbortSignal.timeout(IDENTIFY_DEADLINE_MS);
    // The signal cancels the provider calls; the race also bounds what takes no signal (a token request).
    const expired = new Promise<never>((_, reject) =>
      deadline.addEventListener('abort', () => reject(new ProviderError({ provider: connection.connectorKey, status: null, providerCode: 'TIMEOUT' })), {
        once: true,
      }),
    );
    expired.catch(() => undefined);
    try {
      const run = async () => {
        const { handler, call } = await bind({ signal: deadline });
        return handler.identify ? handler.identify(call) : null;
      };
      const found = await Promise.race([run(), expired]);
      return typeof found === 'string' && found.trim() ? found.trim() : null;
    } catch (error) {
      this.log.warn(
        { connectionId: connection.id, connectorKey: connection.connectorKey, ...describe(error) },
        'could not learn the provider account; providerAccountId left as it was',
      );
      return null;
    }
  }
}
