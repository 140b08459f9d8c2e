import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The per-record cost of inbound syncs (bench:sync):
 *
 * - source_hash: a hash of the raw external record and the mapping that read it, written by
 *   inbound runs. A record whose raw form and mapping are unchanged is skipped before it is
 *   mapped (mapping, PHONE_E164 above all, was most of an unchanged re-sync's CPU). Any other
 *   write of a link (outbound, bidirectional, a resolved conflict) clears it.
 * - Contact.enrichment's email index covered every link with an `email` in lastSyncedData: each
 *   Stripe customer or QuickBooks customer synced paid for an expression index (lower() over
 *   jsonb) that only person records (LinkedIn, Gmail, Outlook) are ever looked up by. Now partial
 *   on those providers; linksByEmail names them literally so the planner can use it.
 */
export class ExternalLinkSyncPath1764640800000 implements MigrationInterface {
  name = 'ExternalLinkSyncPath1764640800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE external_link ADD COLUMN source_hash text;
      DROP INDEX external_link_email;
      CREATE INDEX external_link_email ON external_link (organization_id, lower(last_synced_data->>'email'))
        WHERE provider IN ('linkedin', 'gmail', 'outlook') AND last_synced_data ? 'email';
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX external_link_email;
      CREATE INDEX external_link_email ON external_link (organization_id, lower(last_synced_data->>'email'))
        WHERE last_synced_data ? 'email';
      ALTER TABLE external_link DROP COLUMN source_hash;
    `);
  }
}
