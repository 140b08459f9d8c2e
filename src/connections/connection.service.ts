import type { Logger } from 'pino';
import type { Config } from '../config';
import { ConnectorCatalog } from '../connectors/connector.catalog';
import { AuthType } from '../connectors/connector.enums';
import { defaultAuthorize } from '../connectors/connector.handler';
import type { Page, PageArgs } from '../db/paginate';
import { BadUserInputError, NotFoundError } from '../errors';
import { ConnectionIdentity } from './connection-identity';
import { ConnectionEntity } from './connection.entity';
import { ConnectionStatus } from './connection.enums';
import { ConnectionRepository } from './connection.repository';
import { checkConfig, checkCredentials, chooseAuthType, isPlainObject, resolveConnector } from './connection.validation';
import type { ConnectorRuntime } from './connector-runtime';
import { credentialHint } from './credential-hint';
import type { CredentialsVault } from './credentials-vault';
import type { CreateConnectionInput, UpdateConnectionInput } from './connection.inputs';

export interface ConnectionTest {
  ok: boolean;
  status: ConnectionStatus;
  latencyMs: number;
  message: string;
}

/**
 * Connections' rules: what may be stored, how a test moves the status, what disconnect clears,
 * and which provider account a connection reaches (learned when it connects; new credentials for
 * another account are refused).
 */
export class ConnectionService {
  /** Shared with the OAuth flow, which connects too. */
  readonly identity: ConnectionIdentity;

  constructor(
    private readonly catalog: ConnectorCatalog,
    private readonly vault: CredentialsVault,
    private readonly runtime: ConnectorRuntime,
    private readonly config: Config,
    private readonly log: Logger,
    private readonly repo: ConnectionRepository,
  ) {
    this.identity = new ConnectionIdentity(runtime, log);
  }

  list(organizationId: string, args: PageArgs, filter: { connectorKey?: string | null; status?: ConnectionStatus | null }): Promise<Page<ConnectionEntity>> {
    return this.repo.page(organizationId, args, filter);
  }

  /** The connection, or null when absent or another organization's (a change notice's row). */
  find(organizationId: string, id: string): Promise<ConnectionEntity | null> {
    return this.repo.findOwned(organizationId, id);
  }

  async get(organizationId: string, id: string): Promise<ConnectionEntity> {
    const row = await this.repo.findOwned(organizationId, id).catch(() => null);
    if (!row) throw new NotFoundError('Connection', id);
    return row;
  }

  async create(organizationId: string, input: CreateConnectionInput): Promise<ConnectionEntity> {
    if (!input.name?.trim()) throw new BadUserInputError('name must not be empty', 'name');
    const { connector, definition } = await resolveConnector(this.catalog, organizationId, input.connectorKey);
    const authType = chooseAuthType(connector.authTypes, input.authType);
    const config = await checkConfig(input.config, this.config, definition);
    let credentials = checkCredentials(definition, authType, input.credentials);
    let status = ConnectionStatus.CONNECTED;
    let expiresAt: Date | null = null;
    if (authType === AuthType.OAUTH2) {
      // Tokens come from startOAuth/completeOAuth; here only imported tokens or, for client-
      // credentials connectors, the client id and secret the first token is requested with.
      const imported = typeof credentials.accessToken === 'string';
      const clientCredentials = definition?.oauth?.grant === 'client_credentials' && typeof credentials.clientId === 'string';
      if (!imported && !clientCredentials) {
        throw new BadUserInputError('OAUTH2 connections are made with startOAuth, or created with credentials.accessToken', 'credentials.accessToken');
      }
      if (imported && credentials.expiresAt !== undefined) {
        const at = new Date(String(credentials.expiresAt));
        if (Number.isNaN(at.getTime())) throw new BadUserInputError('credentials.expiresAt must be a date', 'credentials.expiresAt');
        expiresAt = at;
        const { expiresAt: _dropped, ...rest } = credentials;
        credentials = rest;
      }
      if (!imported) expiresAt = new Date(0); // no token yet: the first call requests one
    }
    if (authType === AuthType.NONE) status = ConnectionStatus.CONNECTED;
    const row = await this.repo.insert({
      organizationId,
      connectorKey: connector.key,
      customConnectorId: connector.builtIn ? null : connector.id,
      name: input.name.trim(),
      authType,
      status,
      credentialsEncrypted: authType === AuthType.NONE ? null : this.vault.seal(credentials),
      credentialHint: credentialHint(credentials),
      scopes: [],
      expiresAt,
      config,
    });
    const providerAccountId = await this.identity.learn(row);
    // Re-read otherwise: the first call may have moved the status (a refused token refresh makes it EXPIRED).
    return providerAccountId ? this.repo.update(row, { providerAccountId }) : ((await this.repo.findOwned(organizationId, row.id)) ?? row);
  }

  async update(organizationId: string, id: string, input: UpdateConnectionInput): Promise<ConnectionEntity> {
    const current = await this.get(organizationId, id);
    const changes: Partial<ConnectionEntity> = {};
    if (input.name !== undefined && input.name !== null) {
      if (!input.name.trim()) throw new BadUserInputError('name must not be empty', 'name');
      changes.name = input.name.trim();
    }
    if (input.config !== undefined) {
      const { definition } = await resolveConnector(this.catalog, organizationId, current.connectorKey);
      changes.config = await checkConfig(input.config, this.config, definition);
    }
    const stored = () => (current.credentialsEncrypted ? this.vault.open<Record<string, unknown>>(current.credentialsEncrypted) : {});
    // Another config (realmId, accountId, baseUrl) or other credentials may reach another account.
    let reachesAnew = changes.config !== undefined && (!!current.credentialsEncrypted || current.authType === AuthType.NONE);
    let credentials: Record<string, unknown> | null = null;
    if (input.credentials !== undefined && input.credentials !== null) {
      if (!isPlainObject(input.credentials)) throw new BadUserInputError('credentials must be an object', 'credentials');
      const { definition } = await resolveConnector(this.catalog, organizationId, current.connectorKey);
      const previous = stored();
      // Partial updates merge (add a webhookSecret without re-sending the API key); the result
      // must still satisfy the auth type.
      let merged = checkCredentials(definition, current.authType as AuthType, { ...previous, ...input.credentials });
      const authorize = (creds: Record<string, unknown>) =>
        JSON.stringify((definition?.handler?.authorize ?? defaultAuthorize)(current.authType as AuthType, creds));
      const newClient = merged.clientId !== previous.clientId || merged.clientSecret !== previous.clientSecret;
      if (newClient && definition?.oauth?.grant === 'client_credentials') {
        // The old client's token would keep reaching the old app's account: the next call requests one for the new client.
        const { accessToken: _old, ...rest } = merged;
        merged = rest;
        changes.expiresAt = new Date(0);
      }
      reachesAnew ||= newClient || authorize(merged) !== authorize(previous);
      credentials = merged;
      changes.credentialsEncrypted = this.vault.seal(merged);
      changes.credentialHint = credentialHint(merged);
      if (current.status === ConnectionStatus.DISCONNECTED || current.status === ConnectionStatus.ERROR || current.status === ConnectionStatus.EXPIRED) {
        changes.status = ConnectionStatus.CONNECTED;
        changes.lastError = null;
      }
    }
    if (reachesAnew) {
      // What the connection would reach after the change, before anything is stored.
      const providerAccountId = await this.identity.probe(Object.assign(new ConnectionEntity(), current, changes), credentials ?? stored());
      ConnectionIdentity.assertSameAccount(current, providerAccountId);
      if (providerAccountId) changes.providerAccountId = providerAccountId;
    }
    return Object.keys(changes).length ? this.repo.update(current, changes) : current;
  }

  /** A cheap authenticated call; the outcome becomes the connection's status. */
  async test(organizationId: string, id: string): Promise<ConnectionTest> {
    const current = await this.get(organizationId, id);
    const started = performance.now();
    try {
      const binding = await this.runtime.bind(current);
      await binding.handler.test(binding.call);
      const latencyMs = Math.round(performance.now() - started);
      // A connection made before identities were learned (or whose first try failed) learns it now.
      const providerAccountId = current.providerAccountId ? null : await this.identity.learnWith(current, binding);
      const fresh = await this.get(organizationId, id);
      await this.repo.update(fresh, {
        status: ConnectionStatus.CONNECTED,
        lastError: null,
        lastUsedAt: new Date(),
        ...(providerAccountId && !fresh.providerAccountId ? { providerAccountId } : {}),
      });
      return { ok: true, status: ConnectionStatus.CONNECTED, latencyMs, message: 'Connected' };
    } catch (error) {
      const latencyMs = Math.round(performance.now() - started);
      const message = (error as Error).message;
      const fresh = await this.get(organizationId, id);
      const status = fresh.status === ConnectionStatus.EXPIRED ? ConnectionStatus.EXPIRED : ConnectionStatus.ERROR;
      await this.repo.update(fresh, { status, lastError: message });
      this.log.info({ connectionId: id, status }, 'connection test failed');
      return { ok: false, status, latencyMs, message };
    }
  }

  /** Forgets the credentials; the row, its syncs and links stay until deleteConnection. */
  async disconnect(organizationId: string, id: string): Promise<ConnectionEntity> {
    const current = await this.get(organizationId, id);
    return this.repo.update(current, { status: ConnectionStatus.DISCONNECTED, credentialsEncrypted: null, expiresAt: null });
  }

  async delete(organizationId: string, id: string): Promise<boolean> {
    await this.get(organizationId, id);
    return this.repo.delete(organizationId, id);
  }
}
