import type { Queryable } from '../../db/sql/queryable';

export interface NewStoredDocument {
  organizationId: string;
  connectionId: string;
  provider: string;
  externalId: string;
  name: string;
  contentType: string;
  sizeBytes: number;
  sha256: string;
  storage: string;
  storageKey: string;
  internalObject: string | null;
  internalId: string | null;
}

/** The document's row, once per (organization, provider, external id): answers its id, or null when it was stored already. */
export async function insertStoredDocument(db: Queryable, d: NewStoredDocument): Promise<string | null> {
  const rows: { id: string }[] = await db.query(
    `INSERT INTO stored_document (organization_id, connection_id, provider, external_id, name, content_type, size_bytes, sha256, storage, storage_key, internal_object, internal_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
     ON CONFLICT ON CONSTRAINT stored_document_identity DO NOTHING
     RETURNING id`,
    [
      d.organizationId,
      d.connectionId,
      d.provider,
      d.externalId,
      d.name,
      d.contentType,
      d.sizeBytes,
      d.sha256,
      d.storage,
      d.storageKey,
      d.internalObject,
      d.internalId,
    ],
  );
  return rows[0]?.id ?? null;
}

/** Whether the organization keeps this provider record's document already. */
export async function storedDocumentExists(db: Queryable, organizationId: string, provider: string, externalId: string): Promise<boolean> {
  const rows = await db.query('SELECT 1 FROM stored_document WHERE organization_id = $1 AND provider = $2 AND external_id = $3', [
    organizationId,
    provider,
    externalId,
  ]);
  return rows.length > 0;
}
