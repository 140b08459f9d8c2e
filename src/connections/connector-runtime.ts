import { DataSource } from 'typeorm';
import type { ConnectorDefinition } from '../connectors/connector.definition';
import { AuthType } from '../connectors/connector.enums';
import { CallRequest, ConnectorCall, ConnectorHandler, defaultAuthorize } from '../connectors/connector.handler';
import { ProviderError } from '../connectors/http/provider-error';
import type { ProviderHttpPool } from '../connectors/http/provider-http-pool';
import { BadUserInputError } from '../errors';
import { ConnectionEntity } from './connection.entity';
import type { CredentialsVault } from './credentials-vault';
import { ConnectionExpiredError } from './oauth.errors';
import { touchConnectionLastUsed } from './sql/touch-connection-last-used';
import { Credentials, TokenRefresher } from './token-refresher';

/** lastUsedAt is written at most this often per connection: it is a hint, not an audit log. */
const LAST_USED_WRITE_INTERVAL_MS = 60_000;

/**
 * A path under the base URL, or an absolute URL the provider handed out (next links, delta
 * links) on the base URL's own origin: credentials are never sent to another host, whatever a
 * cursor says.
 */
function resolveUrl(baseUrl: string, origin: string, path: string): string {
  if (!/^https?:\/\//i.test(path)) return `${baseUrl}${path.startsWith('/') ? '' : '/'}${path}`;
  if (new URL(path).origin !== origin)
    throw new BadUserInputError(`Refusing to send credentials to ${new URL(path).origin}: not the connection's API`, 'cursor');
  return path;
}

export interface ConnectorBinding {
  definition: ConnectorDefinition;
  handler: ConnectorHandler;
  call: ConnectorCall;
}

export interface BindOptions {
  /** Cancels the binding's calls and their pending retries (a deadline for a best-effort call). */
  signal?: AbortSignal;
}

/**
 * Binds a stored connection to its connector: decrypted credentials, the base URL (config.baseUrl
 * overrides the provider's for sandboxes), and a request function that authenticates every call,
 * refreshes OAuth2 tokens before expiry, and retries once with a new token after a 401.
 */
export class ConnectorRuntime {
  private readonly lastUsedWrites = new Map<string, number>();

  constructor(
    private readonly db: DataSource,
    private readonly vault: CredentialsVault,
    private readonly pool: ProviderHttpPool,
    private readonly tokens: TokenRefresher,
    private readonly resolveDefinition: (connection: ConnectionEntity) => Promise<ConnectorDefinition | null>,
  ) {}

  definitionOf(connection: ConnectionEntity): Promise<ConnectorDefinition | null> {
    return this.resolveDefinition(connection);
  }

  async bind(connection: ConnectionEntity, options: BindOptions = {}): Promise<ConnectorBinding> {
    const { definition, handler } = await this.handlerOf(connection);
    const authType = connection.authType as AuthType;
    if (!connection.credentialsEncrypted && authType !== AuthType.NONE) {
      throw new ConnectionExpiredError(connection.id, 'the connection has no credentials (disconnected or never authorized)');
    }
    const credentials: Credentials = authType === AuthType.OAUTH2 ? await this.tokens.fresh(connection, definition) : this.open(connection);
    return this.binding(connection, definition, handler, credentials, { ...options, stored: true });
  }

  /**
   * Binds `connection` (its config as it would be after a change) with credentials that are not
   * stored yet: new credentials or tokens checked before they replace the stored ones. Nothing is
   * written: no token refresh (a 401 is a failure), no lastUsedAt. A client-credentials connector
   * gets a token for these credentials first.
   */
  async probe(connection: ConnectionEntity, credentials: Credentials, options: BindOptions = {}): Promise<ConnectorBinding> {
    const { definition, handler } = await this.handlerOf(connection);
    let creds = credentials;
    if (connection.authType === AuthType.OAUTH2 && definition.oauth?.grant === 'client_credentials') {
      creds = { ...credentials, accessToken: (await this.tokens.clientCredentialsToken(connection, definition, credentials)).accessToken };
    }
    return this.binding(connection, definition, handler, creds, { ...options, stored: false });
  }

  private async handlerOf(connection: ConnectionEntity): Promise<{ definition: ConnectorDefinition; handler: ConnectorHandler }> {
    const definition = await this.resolveDefinition(connection);
    if (!definition?.handler) throw new BadUserInputError(`Connector ${connection.connectorKey} cannot make calls`, 'connectorKey');
    return { definition, handler: definition.handler };
  }

  private binding(
    connection: ConnectionEntity,
    definition: ConnectorDefinition,
    handler: ConnectorHandler,
    initial: Credentials,
    options: BindOptions & { stored: boolean },
  ): ConnectorBinding {
    const authType = connection.authType as AuthType;
    let credentials = initial;
    const baseUrl = String(handler.baseUrl?.(initial, connection.config ?? {}) ?? connection.config?.baseUrl ?? definition.baseUrl).replace(/\/+$/, '');
    const http = this.pool.for(definition.provider, definition.rateLimit, handler, definition.poolKey);
    const authorize = (creds: Credentials) => (handler.authorize ?? defaultAuthorize)(authType, creds);

    const origin = new URL(baseUrl).origin;
    const send = async (req: CallRequest, creds: Credentials) => {
      const response = await http.request({
        method: req.method,
        url: resolveUrl(baseUrl, origin, req.path),
        idempotent: req.idempotent,
        query: req.query,
        json: req.json,
        form: req.form,
        multipart: req.multipart,
        binary: req.binary,
        text: req.text,
        cost: req.cost,
        headers: { accept: 'application/json', ...authorize(creds), ...req.headers },
        signal: options.signal,
      });
      handler.checkResponse?.(response);
      return response;
    };

    const call: ConnectorCall = {
      connectionId: connection.id,
      organizationId: connection.organizationId,
      authType,
      config: connection.config ?? {},
      get credentials() {
        return credentials;
      },
      baseUrl,
      request: async <T>(req: CallRequest) => {
        if (options.stored) this.touch(connection);
        try {
          return (await send(req, credentials)) as { status: number; headers: Headers; body: T };
        } catch (error) {
          if (!options.stored || authType !== AuthType.OAUTH2 || !(error instanceof ProviderError) || error.status !== 401) throw error;
          credentials = await this.tokens.fresh(connection, definition, String(credentials.accessToken));
          return (await send(req, credentials)) as { status: number; headers: Headers; body: T };
        }
      },
    };
    return { definition, handler, call };
  }

  private open(connection: ConnectionEntity): Credentials {
    return connection.credentialsEncrypted ? this.vault.open<Credentials>(connection.credentialsEncrypted) : {};
  }

  private touch(connection: ConnectionEntity): void {
    const now = Date.now();
    if (now - (this.lastUsedWrites.get(connection.id) ?? 0) < LAST_USED_WRITE_INTERVAL_MS) return;
    this.lastUsedWrites.set(connection.id, now);
    void touchConnectionLastUsed(this.db, connection.id).catch(() => undefined);
  }
}
