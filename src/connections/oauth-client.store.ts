import { DataSource } from 'typeorm';
import type { ConnectorDefinition } from '../connectors/connector.definition';
import type { CredentialsVault } from './credentials-vault';
import { OAuthClientEntity } from './oauth-client.entity';
import type { OAuthClientCredentials } from './oauth.tokens';

export interface OAuthApp extends OAuthClientCredentials {
  authorizationUrl: string;
}

/** An organization's OAuth app per connector (setOAuthClient), with the provider's URLs as defaults. */
export class OAuthClientStore {
  constructor(
    private readonly db: DataSource,
    private readonly vault: CredentialsVault,
  ) {}

  async save(
    organizationId: string,
    connectorKey: string,
    app: { clientId: string; clientSecret: string; authorizationUrl?: string | null; tokenUrl?: string | null },
  ): Promise<void> {
    await this.db
      .createQueryBuilder()
      .insert()
      .into(OAuthClientEntity)
      .values({
        organizationId,
        connectorKey,
        clientId: app.clientId,
        clientSecretEncrypted: this.vault.seal(app.clientSecret),
        authorizationUrl: app.authorizationUrl ?? null,
        tokenUrl: app.tokenUrl ?? null,
      })
      .orUpdate(['client_id', 'client_secret_encrypted', 'authorization_url', 'token_url', 'updated_at'], ['organization_id', 'connector_key'])
      .execute();
  }

  async find(organizationId: string, definition: ConnectorDefinition): Promise<OAuthApp | null> {
    const row = await this.db.getRepository(OAuthClientEntity).findOne({ where: { organizationId, connectorKey: definition.key } });
    if (!row || !definition.oauth) return null;
    return {
      clientId: row.clientId,
      clientSecret: this.vault.open<string>(row.clientSecretEncrypted),
      authorizationUrl: row.authorizationUrl ?? definition.oauth.authorizationUrl,
      tokenUrl: row.tokenUrl ?? definition.oauth.tokenUrl,
      clientAuth: definition.oauth.clientAuth,
    };
  }
}
