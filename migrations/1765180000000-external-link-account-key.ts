import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One identity per provider account (issue 16, DESIGN.md "Sync identity"): an external record is
 * identified by (organization, provider, provider account, object, external id), no longer by
 * the connection that read it, so every connection to the same account reads the same links.
 * The CRM object is part of the key too: one Stripe customer may be both an account and a
 * contact in HotCRM, through two configs, and their links must not overwrite each other.
 *
 * external_link.account_key holds the connection's provider_account_id, or `connection:<id>`
 * while the connection has not learned it (src/sync/link-scope.ts). Existing links take their
 * connection's key. Two connections to one account may both have linked the same external
 * record before: the oldest link becomes the account's, the others keep their connection's own
 * key (still listed in externalLinks, read by no sync), so no row is lost.
 */
export class ExternalLinkAccountKey1765180000000 implements MigrationInterface {
  name = 'ExternalLinkAccountKey1765180000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE external_link ADD COLUMN account_key text;
      WITH keyed AS (
        SELECT l.id, coalesce(c.provider_account_id, 'connection:' || l.connection_id) AS account_key,
               row_number() OVER (PARTITION BY l.organization_id, l.provider, coalesce(c.provider_account_id, 'connection:' || l.connection_id),
                                               l.external_object, l.external_id, l.internal_object
                                  ORDER BY l.created_at, l.id) AS nth
          FROM external_link l JOIN connection c ON c.id = l.connection_id
      )
      UPDATE external_link l SET account_key = CASE WHEN k.nth = 1 THEN k.account_key ELSE 'connection:' || l.connection_id END
        FROM keyed k WHERE k.id = l.id;
      ALTER TABLE external_link ALTER COLUMN account_key SET NOT NULL;
      ALTER TABLE external_link DROP CONSTRAINT external_link_record_unique;
      ALTER TABLE external_link ADD CONSTRAINT external_link_record_unique
        UNIQUE (organization_id, provider, account_key, external_object, external_id, internal_object);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    // Links two connections share go back to the connection that last wrote them.
    await q.query(`
      ALTER TABLE external_link DROP CONSTRAINT external_link_record_unique;
      ALTER TABLE external_link ADD CONSTRAINT external_link_record_unique UNIQUE (connection_id, external_object, external_id);
      ALTER TABLE external_link DROP COLUMN account_key;
    `);
  }
}
