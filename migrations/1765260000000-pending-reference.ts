import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * References waiting for their target (issue 16, DESIGN.md "Sync identity": a reference is
 * filled in as soon as its target is linked). A record synced with a REFERENCE field whose
 * external id has no link yet (a Stripe invoice whose customer is synced later) is written
 * without the field and leaves a row here; when a link to the target appears on the same
 * provider account, the field is written and the row goes (src/sync/engine/references.ts).
 * One row per (CRM record, field): the latest unresolved value is the one waited for.
 * Rows go with the config that wrote them.
 */
export class PendingReference1765260000000 implements MigrationInterface {
  name = 'PendingReference1765260000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE pending_reference (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id text NOT NULL,
        sync_config_id uuid NOT NULL REFERENCES sync_config(id) ON DELETE CASCADE,
        provider text NOT NULL,
        account_key text NOT NULL,
        crm_object text NOT NULL,
        crm_record_id text NOT NULL,
        field text NOT NULL,
        target_external_object text NOT NULL,
        target_external_id text NOT NULL,
        target_crm_object text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT pending_reference_field_unique UNIQUE (organization_id, crm_object, crm_record_id, field)
      );
      CREATE INDEX pending_reference_target ON pending_reference
        (organization_id, provider, account_key, target_external_object, target_external_id);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE pending_reference`);
  }
}
