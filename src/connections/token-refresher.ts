import { DataSource } from 'typeorm';
import type { Logger } from 'pino';
import type { ConnectorDefinition } from '../connectors/connector.definition';
import { ProviderError } from '../connectors/http/provider-error';
import type { ProviderHttpPool } from '../connectors/http/provider-http-pool';
import { ConnectionEntity } from './connection.entity';
import { ConnectionStatus } from './connection.enums';
import { ConnectionRepository } from './connection.repository';
import type { CredentialsVault } from './credentials-vault';
import { OAuthClientStore } from './oauth-client.store';
import { ConnectionExpiredError } from './oauth.errors';
import { needsRefresh, requestToken, TokenSet } from './oauth.tokens';

export type Credentials = Record<string, unknown>;

/**
 * Keeps OAuth2 access tokens fresh: before expiry (within 5 minutes) and after a 401. One refresh
 * at a time per connection across every replica: the refresh runs under a row lock, and whoever
 * gets the lock second finds the new token already there and uses it.
 */
export class TokenRefresher {
  constructor(
    private readonly db: DataSource,
    private readonly vault: CredentialsVault,
    private readonly clients: OAuthClientStore,
    private readonly pool: ProviderHttpPool,
    private readonly log: Logger,
    private readonly connections: ConnectionRepository,
  ) {}

  /** Fresh credentials for `connection`; `rejectedToken` forces a refresh unless already replaced. */
  async fresh(connection: ConnectionEntity, definition: ConnectorDefinition, rejectedToken?: string): Promise<Credentials> {
    const current = this.open(connection);
    if (!rejectedToken && !needsRefresh(connection.expiresAt)) return current;
    const outcome = await this.db.transaction(async (manager): Promise<{ credentials: Credentials } | { refused: string }> => {
      const locked = await manager.findOne(ConnectionEntity, { where: { id: connection.id }, lock: { mode: 'pessimistic_write' } });
      if (!locked) throw new ConnectionExpiredError(connection.id, 'the connection no longer exists');
      const credentials = this.open(locked);
      const replaced = rejectedToken ? credentials.accessToken !== rejectedToken : !needsRefresh(locked.expiresAt);
      if (replaced) return { credentials };
      let tokens: TokenSet;
      try {
        tokens = await this.requestNew(locked, definition, credentials);
      } catch (error) {
        if (error instanceof ProviderError && [400, 401, 403].includes(error.status ?? 0)) return { refused: error.message };
        // No refresh token or no OAuth app: as final as a refused refresh.
        if (error instanceof ConnectionExpiredError) return { refused: error.message };
        throw error;
      }
      const next = { ...credentials, accessToken: tokens.accessToken, refreshToken: tokens.refreshToken ?? credentials.refreshToken ?? null };
      await this.connections.update(
        locked,
        { credentialsEncrypted: this.vault.seal(next), expiresAt: tokens.expiresAt, status: ConnectionStatus.CONNECTED, lastError: null },
        manager,
      );
      this.log.info({ connectionId: locked.id }, 'access token refreshed');
      return { credentials: next };
    });
    if ('credentials' in outcome) return outcome.credentials;
    // Recorded in its own transaction: the refresh transaction ends with the lock, and an error
    // thrown inside it would roll the status back.
    const latest = await this.db.manager.findOne(ConnectionEntity, { where: { id: connection.id } });
    if (latest) {
      await this.connections.update(latest, { status: ConnectionStatus.EXPIRED, lastError: `Token refresh refused: ${outcome.refused}` });
    }
    this.log.warn({ connectionId: connection.id }, 'refresh token refused; connection EXPIRED');
    throw new ConnectionExpiredError(connection.id, outcome.refused);
  }

  /**
   * A client-credentials token for credentials that are not stored yet (new ones being checked);
   * nothing is written. Only for client-credentials connectors: for the others a token request
   * would spend the stored refresh token.
   */
  clientCredentialsToken(connection: ConnectionEntity, definition: ConnectorDefinition, credentials: Credentials): Promise<TokenSet> {
    // An invariant of the one caller (ConnectorRuntime.probe checks the grant), not a request's fault.
    if (definition.oauth?.grant !== 'client_credentials') throw new Error(`${definition.key} does not use the client-credentials grant`);
    return this.requestNew(connection, definition, credentials);
  }

  private async requestNew(connection: ConnectionEntity, definition: ConnectorDefinition, credentials: Credentials): Promise<TokenSet> {
    const http = this.pool.forTokens(definition.provider, definition.rateLimit, definition.poolKey);
    if (definition.oauth?.grant === 'client_credentials') {
      const client = await this.clientFor(connection, definition, credentials);
      return requestToken(http, client, { grant_type: 'client_credentials' });
    }
    if (typeof credentials.refreshToken !== 'string' || !credentials.refreshToken) {
      throw new ConnectionExpiredError(connection.id, 'no refresh token was issued');
    }
    const client = await this.clientFor(connection, definition, credentials);
    // The refresh path comes from the provider, the host from the configured token URL, so a
    // sandbox, another shard or a test server keeps working.
    const refreshUrl = definition.oauth?.refreshUrl ? new URL(new URL(definition.oauth.refreshUrl).pathname, client.tokenUrl).toString() : client.tokenUrl;
    return requestToken(http, { ...client, tokenUrl: refreshUrl }, { grant_type: 'refresh_token', refresh_token: credentials.refreshToken });
  }

  /** The connection's own client id/secret (client-credentials connectors) or the org's OAuth app. */
  private async clientFor(connection: ConnectionEntity, definition: ConnectorDefinition, credentials: Credentials) {
    const tokenUrl = (connection.config?.tokenUrl as string | undefined) ?? undefined;
    if (typeof credentials.clientId === 'string' && typeof credentials.clientSecret === 'string') {
      return {
        clientId: credentials.clientId,
        clientSecret: credentials.clientSecret,
        tokenUrl: tokenUrl ?? this.tokenUrlOf(connection, definition),
        clientAuth: definition.oauth?.clientAuth,
      };
    }
    const app = await this.clients.find(connection.organizationId, definition);
    if (!app) throw new ConnectionExpiredError(connection.id, 'no OAuth client is configured for this connector (setOAuthClient)');
    return app;
  }

  /** Client-credentials token URLs live beside the API (PayPal: <baseUrl>/v1/oauth2/token). */
  private tokenUrlOf(connection: ConnectionEntity, definition: ConnectorDefinition): string {
    const base = (connection.config?.baseUrl as string | undefined) ?? definition.baseUrl;
    const official = new URL(definition.oauth!.tokenUrl);
    return new URL(official.pathname, base.endsWith('/') ? base : `${base}/`).toString();
  }

  private open(connection: ConnectionEntity): Credentials {
    return connection.credentialsEncrypted ? this.vault.open<Credentials>(connection.credentialsEncrypted) : {};
  }
}
