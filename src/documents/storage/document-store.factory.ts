import type { DataSource } from 'typeorm';
import type { Config } from '../../config';
import type { DocumentStore } from './document-store.port';
import { PostgresDocumentStore } from './postgres-document-store';
import { S3DocumentStore } from './s3-document-store';

/** DOCUMENT_STORE picks the store: postgres (default) or s3 with the S3_* settings (config.ts checks them). */
export function createDocumentStore(db: DataSource, config: Config): DocumentStore {
  return config.documents.s3 ? new S3DocumentStore(config.documents.s3) : new PostgresDocumentStore(db);
}
