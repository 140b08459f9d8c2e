import type { DataSource } from 'typeorm';
import type { DocumentStore } from './document-store.port';

/**
 * The default store: the bytes in stored_document_content beside the metadata, in the same
 * database (and its backups). A document is at most DOCUMENT_MAX_BYTES (25 MiB by default), which
 * bytea carries comfortably; past a few GB of documents an S3-compatible store is the better home.
 */
export class PostgresDocumentStore implements DocumentStore {
  readonly kind = 'postgres';

  constructor(private readonly db: DataSource) {}

  async put(key: string, { organizationId, bytes }: { organizationId: string; bytes: Buffer; contentType: string }): Promise<void> {
    await this.db.query(
      `INSERT INTO stored_document_content (storage_key, organization_id, content) VALUES ($1, $2, $3)
       ON CONFLICT (storage_key) DO UPDATE SET content = EXCLUDED.content`,
      [key, organizationId, bytes],
    );
  }

  async get(key: string): Promise<Buffer | null> {
    const rows: { content: Buffer }[] = await this.db.query('SELECT content FROM stored_document_content WHERE storage_key = $1', [key]);
    return rows[0]?.content ?? null;
  }

  async delete(key: string): Promise<void> {
    await this.db.query('DELETE FROM stored_document_content WHERE storage_key = $1', [key]);
  }
}
