import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Match before create (issue 16): sync_config.match_on lists the CRM fields an inbound sync looks
 * an unlinked external record up by before creating it (NULL: the target object's default, see
 * src/sync/crm/match-on.ts), and sync_run.records_matched counts the records linked that way.
 *
 * The lookup (src/sync/sql/crm-match-candidates.ts) compares each default match field normalised
 * as it does here, one expression index per field, scoped by organization and object and to live
 * records: email (contact, lead, account), website by host (account), invoice_number (invoice).
 */
export class SyncMatchOn1765090000000 implements MigrationInterface {
  name = 'SyncMatchOn1765090000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE sync_config ADD COLUMN match_on text[] NULL;
      ALTER TABLE sync_run ADD COLUMN records_matched integer NOT NULL DEFAULT 0;
      CREATE INDEX crm_record_match_email ON crm_record (organization_id, object, lower(btrim(data->>'email')))
        WHERE deleted_at IS NULL AND data ? 'email';
      CREATE INDEX crm_record_match_website ON crm_record
        (organization_id, object, regexp_replace(lower(btrim(data->>'website')), '^([a-z][a-z0-9+.-]*://)?(www\\.)?([^/:?#]*).*$', '\\3'))
        WHERE deleted_at IS NULL AND data ? 'website';
      CREATE INDEX crm_record_match_invoice_number ON crm_record (organization_id, object, lower(btrim(data->>'invoice_number')))
        WHERE deleted_at IS NULL AND data ? 'invoice_number';
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX crm_record_match_invoice_number;
      DROP INDEX crm_record_match_website;
      DROP INDEX crm_record_match_email;
      ALTER TABLE sync_run DROP COLUMN records_matched;
      ALTER TABLE sync_config DROP COLUMN match_on;
    `);
  }
}
