import type { DocumentUrlSigner } from './document-url-signer';
import type { StoredDocumentEntity } from './stored-document.entity';
import { StoredDocument } from './stored-document.type';

/** A stored row to its GraphQL type, with a download URL signed now; where its bytes are stays inside. */
export function toStoredDocument(row: StoredDocumentEntity, urls: DocumentUrlSigner): StoredDocument {
  return Object.assign(new StoredDocument(), {
    id: row.id,
    provider: row.provider,
    externalId: row.externalId,
    name: row.name,
    contentType: row.contentType,
    sizeBytes: row.sizeBytes,
    sha256: row.sha256,
    internalObject: row.internalObject,
    internalId: row.internalId,
    downloadUrl: urls.urlFor(row.id),
    createdAt: row.createdAt,
  });
}
