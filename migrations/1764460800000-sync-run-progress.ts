import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What a run needs to resume after its worker died: where the page loop stands (committed with
 * each page), the incremental checkpoint it started from, and a heartbeat that tells a live run
 * from an orphaned one.
 */
export class SyncRunProgress1764460800000 implements MigrationInterface {
  name = 'SyncRunProgress1764460800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE sync_run
        ADD COLUMN page_cursor text,
        ADD COLUMN since_checkpoint jsonb,
        ADD COLUMN next_checkpoint jsonb,
        ADD COLUMN heartbeat_at timestamptz,
        ADD COLUMN attempts integer NOT NULL DEFAULT 0;
      -- orphan detection: RUNNING runs by heartbeat
      CREATE INDEX sync_run_running_heartbeat ON sync_run (heartbeat_at) WHERE status = 'RUNNING';
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP INDEX sync_run_running_heartbeat;
      ALTER TABLE sync_run DROP COLUMN page_cursor, DROP COLUMN since_checkpoint, DROP COLUMN next_checkpoint,
        DROP COLUMN heartbeat_at, DROP COLUMN attempts;
    `);
  }
}
