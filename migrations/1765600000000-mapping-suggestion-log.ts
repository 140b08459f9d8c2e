import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the suggester proposed to an organization, per (source object, target object): the pairs
 * with when each was first suggested, and the source fields' types. A field mapping saved after
 * a suggestion and without it rejects it (negative evidence), and the types say what kind of field
 * a saved rule read (src/intelligence/suggest/learned-evidence.ts).
 */
export class MappingSuggestionLog1765600000000 implements MigrationInterface {
  name = 'MappingSuggestionLog1765600000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE mapping_suggestion_log (
        organization_id text NOT NULL,
        source_object text NOT NULL,
        target_object text NOT NULL,
        source_types jsonb NOT NULL DEFAULT '{}'::jsonb,
        suggested jsonb NOT NULL DEFAULT '{}'::jsonb,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (organization_id, target_object, source_object)
      );
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE mapping_suggestion_log;');
  }
}
