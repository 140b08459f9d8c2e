/**
 * Where stored documents' bytes live: Postgres by default (postgres-document-store.ts), or an
 * S3-compatible bucket (s3-document-store.ts) with DOCUMENT_STORE=s3. Keys are chosen by the
 * documents service, derived from the document's identity, so a put repeated after a crash
 * overwrites the same object instead of leaving a second one.
 */
export interface DocumentStore {
  /** The name recorded in stored_document.storage, so a row says which store holds its bytes. */
  readonly kind: string;
  put(key: string, object: { organizationId: string; bytes: Buffer; contentType: string }): Promise<void>;
  /** The bytes, or null when the store has no such object. */
  get(key: string): Promise<Buffer | null>;
  /** Removes the object; an absent one is no error. */
  delete(key: string): Promise<void>;
}
