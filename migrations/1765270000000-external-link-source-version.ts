import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Realtime from the event itself (issue 16): external_link.source_version is the provider's time
 * of the state last written for the record, in epoch milliseconds (Stripe event `created`,
 * QuickBooks MetaData.LastUpdatedTime, Graph lastModifiedDateTime); NULL when the read that wrote
 * it gave none (full reads). An event or a read whose version is not newer changes nothing, so an
 * older event arriving late never overwrites a newer sync.
 */
export class ExternalLinkSourceVersion1765270000000 implements MigrationInterface {
  name = 'ExternalLinkSourceVersion1765270000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE external_link ADD COLUMN source_version bigint NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE external_link DROP COLUMN source_version`);
  }
}
