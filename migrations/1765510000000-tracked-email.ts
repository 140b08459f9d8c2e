import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Open tracking (src/tracking): one row per email sent with `track: true`. The pixel's token is
 * kept only as its SHA-256 (token_hash, unique: the pixel request carries nothing else, so the
 * hash is the lookup); message_id is the provider's id of the sent message, null until the send
 * answered. opened_at is the first fetch, open_count every fetch (image proxies and privacy
 * prefetching make these approximate, README "Open tracking").
 */
export class TrackedEmail1765510000000 implements MigrationInterface {
  name = 'TrackedEmail1765510000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE tracked_email (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id text NOT NULL,
        connection_id uuid NOT NULL REFERENCES connection(id) ON DELETE CASCADE,
        provider text NOT NULL,
        message_id text,
        token_hash bytea NOT NULL,
        recipients text[] NOT NULL,
        subject text NOT NULL,
        sent_at timestamptz,
        opened_at timestamptz,
        open_count integer NOT NULL DEFAULT 0,
        last_opened_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT tracked_email_token_unique UNIQUE (token_hash)
      );
      -- openedAtOfMessages: the opens of a page of synced messages
      CREATE INDEX tracked_email_message ON tracked_email (organization_id, connection_id, message_id) WHERE message_id IS NOT NULL;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE tracked_email;`);
  }
}
