import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The built-in CRM record store (src/sync/crm/built-in-crm-store.ts): HotCRM's records for
 * deployments without the owning clouds behind a gateway. One table for every object, the
 * fields in `data` under their snake_case names, because the sync only ever reads and writes
 * whole records by id or by change order; the object's fields are checked by the store.
 *
 * No trigger keeps last_modified_date: the store sets it on every write, so a write that goes
 * around the store (a fix-up in psql) is not reported as a change, by design.
 */
export class CrmRecord1764374400000 implements MigrationInterface {
  name = 'CrmRecord1764374400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE crm_record (
        organization_id text NOT NULL,
        object text NOT NULL,
        id uuid NOT NULL DEFAULT gen_random_uuid(),
        data jsonb NOT NULL,
        created_date timestamptz NOT NULL DEFAULT now(),
        last_modified_date timestamptz NOT NULL DEFAULT now(),
        -- Deleted records stay (soft delete) so a later outbound sync can still learn of them.
        deleted_at timestamptz NULL,
        PRIMARY KEY (organization_id, object, id)
      );

      -- Serves changedSince: keyset pages on (last_modified_date, id) within one org's object.
      CREATE INDEX crm_record_changed_idx ON crm_record (organization_id, object, last_modified_date, id);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE crm_record;`);
  }
}
