import { createHash, randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { Config } from '../config';
import { ConnectorCatalog } from '../connectors/connector.catalog';
import type { ConnectorDefinition } from '../connectors/connector.definition';
import { AuthType } from '../connectors/connector.enums';
import type { ProviderHttpPool } from '../connectors/http/provider-http-pool';
import { BadUserInputError, NotFoundError } from '../errors';
import { assertPublicTarget } from '../net/target-guard';
import { ConnectionIdentity } from './connection-identity';
import { ConnectionEntity } from './connection.entity';
import { ConnectionStatus } from './connection.enums';
import { ConnectionRepository } from './connection.repository';
import { checkConfig, resolveConnector } from './connection.validation';
import { credentialHint } from './credential-hint';
import type { CredentialsVault } from './credentials-vault';
import type { CompleteOAuthInput, SetOAuthClientInput, StartOAuthInput } from './connection.inputs';
import { OAuthClientStore } from './oauth-client.store';
import { OAuthStateEntity } from './oauth-state.entity';
import { requestToken, TokenSet } from './oauth.tokens';
import { ConsumedOAuthState, consumeOAuthState } from './sql/consume-oauth-state';

/** DESIGN.md: single-use state that expires in 10 minutes. */
export const STATE_TTL_MS = 10 * 60_000;

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');
const randomToken = () => randomBytes(32).toString('base64url');

/** RFC 6749 authorization code flow with PKCE (RFC 7636, S256) for the OAuth2 connectors. */
export class OAuthService {
  constructor(
    private readonly db: DataSource,
    private readonly catalog: ConnectorCatalog,
    private readonly vault: CredentialsVault,
    private readonly clients: OAuthClientStore,
    private readonly pool: ProviderHttpPool,
    private readonly config: Config,
    private readonly connections: ConnectionRepository,
    private readonly identity: ConnectionIdentity,
  ) {}

  async setClient(organizationId: string, input: SetOAuthClientInput): Promise<void> {
    const definition = await this.oauthDefinition(organizationId, input.connectorKey);
    if (!input.clientId.trim()) throw new BadUserInputError('clientId must not be empty', 'clientId');
    if (!input.clientSecret.trim()) throw new BadUserInputError('clientSecret must not be empty', 'clientSecret');
    for (const field of ['authorizationUrl', 'tokenUrl'] as const) {
      if (input[field]) await assertPublicTarget(input[field] as string, this.config.allowPrivateTargets, field);
    }
    await this.clients.save(organizationId, definition.key, input);
  }

  /** With input.connectionId the authorization re-authorises that connection instead of creating one. */
  async start(organizationId: string, input: StartOAuthInput) {
    const definition = await this.oauthDefinition(organizationId, input.connectorKey);
    if (!input.name.trim()) throw new BadUserInputError('name must not be empty', 'name');
    const connectionId = input.connectionId ? (await this.reauthorised(organizationId, input.connectionId, definition.key)).id : null;
    await assertPublicTarget(input.redirectUri, true, 'redirectUri'); // the user's browser goes there, so any http(s) URL
    const config = await checkConfig(input.config, this.config);
    const app = await this.clients.find(organizationId, definition);
    if (!app) throw new BadUserInputError(`No OAuth client for ${definition.key}: call setOAuthClient first`, 'connectorKey');
    const state = randomToken();
    const verifier = randomToken();
    const expiresAt = new Date(Date.now() + STATE_TTL_MS);
    const scopes = input.scopes?.length ? input.scopes : definition.oauth!.defaultScopes;
    await this.db.getRepository(OAuthStateEntity).insert({
      organizationId,
      stateHash: sha256(state),
      connectorKey: definition.key,
      name: input.name.trim(),
      redirectUri: input.redirectUri,
      scopes,
      config,
      codeVerifierEncrypted: this.vault.seal(verifier),
      expiresAt,
      connectionId,
    } as never);
    const url = new URL(app.authorizationUrl);
    const params: Record<string, string> = {
      response_type: 'code',
      client_id: app.clientId,
      redirect_uri: input.redirectUri,
      scope: scopes.join(definition.oauth!.scopeSeparator ?? ' '),
      state,
      code_challenge: createHash('sha256').update(verifier).digest('base64url'),
      code_challenge_method: 'S256',
      ...definition.oauth!.authorizeParams,
    };
    for (const [key, value] of Object.entries(params)) url.searchParams.set(key, value);
    return { authorizationUrl: url.toString(), state, expiresAt };
  }

  /**
   * Consumes the state (once, before expiry, for the caller's organization when one is given:
   * the browser callback has none), exchanges the code and stores the connection: a new one, or
   * the re-authorised one with its new tokens (same id, syncs and links).
   */
  async complete(organizationId: string | null, input: CompleteOAuthInput): Promise<ConnectionEntity> {
    const consumed = await consumeOAuthState(this.db, sha256(input.state), organizationId);
    const pending = consumed[0];
    if (!pending) throw new BadUserInputError('Unknown, expired or already used state', 'state');
    if (!input.code?.trim()) throw new BadUserInputError('code must not be empty', 'code');
    const definition = await this.oauthDefinition(pending.organizationId, pending.connectorKey);
    const app = await this.clients.find(pending.organizationId, definition);
    if (!app) throw new BadUserInputError(`No OAuth client for ${definition.key}`, 'state');
    const http = this.pool.forTokens(definition.provider, definition.rateLimit, definition.poolKey);
    const tokens = await requestToken(http, app, {
      grant_type: 'authorization_code',
      code: input.code,
      redirect_uri: pending.redirectUri,
      code_verifier: this.vault.open<string>(pending.codeVerifierEncrypted),
    });
    const credentials = { accessToken: tokens.accessToken, refreshToken: tokens.refreshToken, tokenType: tokens.tokenType };
    const returned = await checkConfig(input.config, this.config);
    if (pending.connectionId) return this.replaceTokens(pending, pending.connectionId, tokens, credentials, returned);
    const config = returned || pending.config ? { ...(pending.config ?? {}), ...(returned ?? {}) } : null;
    const row = await this.connections.insert({
      organizationId: pending.organizationId,
      connectorKey: definition.key,
      name: pending.name,
      authType: AuthType.OAUTH2,
      status: ConnectionStatus.CONNECTED,
      credentialsEncrypted: this.vault.seal(credentials),
      credentialHint: credentialHint(credentials),
      scopes: tokens.scopes ?? pending.scopes,
      expiresAt: tokens.expiresAt,
      config,
    });
    const providerAccountId = await this.identity.learn(row);
    // Re-read otherwise: the first call may have moved the status (a refused token refresh makes it EXPIRED).
    return providerAccountId ? this.connections.update(row, { providerAccountId }) : ((await this.connections.findOwned(row.organizationId, row.id)) ?? row);
  }

  /** The organization's connection to re-authorise: NOT_FOUND when absent or another's, BAD_USER_INPUT for another connector. */
  private async reauthorised(organizationId: string, connectionId: string, connectorKey: string): Promise<ConnectionEntity> {
    const connection = await this.connections.findOwned(organizationId, connectionId).catch(() => null); // not a uuid: not found either
    if (!connection) throw new NotFoundError('Connection', connectionId);
    if (connection.connectorKey !== connectorKey) {
      throw new BadUserInputError(`Connection ${connectionId} is a ${connection.connectorKey} connection, not ${connectorKey}`, 'connectorKey');
    }
    return connection;
  }

  /**
   * Re-authorisation: the connection keeps its id, name, syncs and links and gets the new tokens,
   * unless they reach another provider account than the one it is connected to (CONFLICT, and
   * the old tokens stay). Config the redirect returned (QuickBooks' realmId) is merged in.
   */
  private async replaceTokens(
    pending: ConsumedOAuthState,
    connectionId: string,
    tokens: TokenSet,
    credentials: Record<string, unknown>,
    returned: Record<string, unknown> | null,
  ): Promise<ConnectionEntity> {
    const current = await this.reauthorised(pending.organizationId, connectionId, pending.connectorKey);
    const merged = { ...(current.config ?? {}), ...(pending.config ?? {}), ...(returned ?? {}) };
    const changes: Partial<ConnectionEntity> = {
      authType: AuthType.OAUTH2,
      status: ConnectionStatus.CONNECTED,
      lastError: null,
      credentialsEncrypted: this.vault.seal(credentials),
      credentialHint: credentialHint(credentials),
      scopes: tokens.scopes ?? pending.scopes,
      expiresAt: tokens.expiresAt,
      config: Object.keys(merged).length ? merged : null,
    };
    const providerAccountId = await this.identity.probe(Object.assign(new ConnectionEntity(), current, changes), credentials);
    ConnectionIdentity.assertSameAccount(current, providerAccountId);
    return this.connections.update(current, providerAccountId ? { ...changes, providerAccountId } : changes);
  }

  /** Which redirect parameters the pending authorization's connector keeps (before it is consumed). */
  async callbackConfigParams(state: string): Promise<string[]> {
    const pending = await this.db.getRepository(OAuthStateEntity).findOne({ where: { stateHash: sha256(state) } });
    if (!pending) return [];
    const definition = await this.catalog.definitionFor(pending.organizationId, pending.connectorKey);
    return definition?.oauth?.callbackConfigParams ?? [];
  }

  private async oauthDefinition(organizationId: string, connectorKey: string): Promise<ConnectorDefinition> {
    const { connector, definition } = await resolveConnector(this.catalog, organizationId, connectorKey);
    if (!definition?.oauth || !connector.authTypes.includes(AuthType.OAUTH2) || definition.oauth.grant === 'client_credentials') {
      throw new BadUserInputError(`${connectorKey} does not use the OAuth2 authorization code flow`, 'connectorKey');
    }
    return definition;
  }
}
