import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One identity per provider account (issue 16): a connection learns the provider account it
 * reaches (Stripe acct_…, Slack team id, QuickBooks realmId, the Google or Microsoft user, ...)
 * when it connects. NULL until learned, and for connectors that cannot tell (custom ones). The
 * index answers "the organization's connections to this account of this connector".
 *
 * oauth_state.connection_id: the connection a pending authorization re-authorises (startOAuth
 * with connectionId); NULL when the authorization creates a new connection.
 */
export class ConnectionProviderAccount1764979200000 implements MigrationInterface {
  name = 'ConnectionProviderAccount1764979200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE connection ADD COLUMN provider_account_id text NULL;
      CREATE INDEX connection_provider_account ON connection (organization_id, connector_key, provider_account_id);
      ALTER TABLE oauth_state ADD COLUMN connection_id uuid NULL;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE oauth_state DROP COLUMN connection_id;
      DROP INDEX connection_provider_account;
      ALTER TABLE connection DROP COLUMN provider_account_id;
    `);
  }
}
