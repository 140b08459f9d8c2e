import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Deletion detection on full reads: the external ids each page of a run read, committed with the
 * page. At the end of a complete read, links of the object whose ids no page saw are marked
 * DELETED. One narrow row per page (an array of ids) rather than a stamp on every link, so an
 * unchanged re-sync still writes nothing per record; and since the rows commit with their pages,
 * a run resumed after a crash still counts the pages read before it.
 */
export class SyncRunSeen1764633600000 implements MigrationInterface {
  name = 'SyncRunSeen1764633600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE sync_run_seen (
        id bigserial PRIMARY KEY,
        organization_id text NOT NULL,
        sync_run_id uuid NOT NULL REFERENCES sync_run(id) ON DELETE CASCADE,
        external_ids text[] NOT NULL
      );
      CREATE INDEX sync_run_seen_run ON sync_run_seen (sync_run_id);
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE sync_run_seen');
  }
}
