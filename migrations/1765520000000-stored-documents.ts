import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Stored documents (src/documents): signed envelopes' and agreements' PDFs. One per
 * (organization, provider, external id), so the same completion seen by a webhook and a sync
 * (or a webhook delivered twice) stores the file once. The bytes live in a DocumentStore: by
 * default stored_document_content, keyed by the document's storage key.
 */
export class StoredDocuments1765520000000 implements MigrationInterface {
  name = 'StoredDocuments1765520000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE stored_document (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        organization_id text NOT NULL,
        connection_id uuid REFERENCES connection(id) ON DELETE SET NULL,
        provider text NOT NULL,
        external_id text NOT NULL,
        name text NOT NULL,
        content_type text NOT NULL,
        size_bytes integer NOT NULL CHECK (size_bytes >= 0),
        sha256 text NOT NULL,
        storage text NOT NULL,
        storage_key text NOT NULL,
        internal_object text,
        internal_id text,
        created_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT stored_document_identity UNIQUE (organization_id, provider, external_id)
      );
      CREATE INDEX stored_document_org_created ON stored_document (organization_id, created_at, id);
      CREATE INDEX stored_document_org_record ON stored_document (organization_id, internal_object, internal_id);

      CREATE TABLE stored_document_content (
        storage_key text PRIMARY KEY,
        organization_id text NOT NULL,
        content bytea NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP TABLE stored_document_content; DROP TABLE stored_document;');
  }
}
