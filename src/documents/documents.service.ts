import type { DataSource } from 'typeorm';
import { isUuid, paginate, type Page, type PageArgs } from '../db/paginate';
import type { DocumentUrlSigner, UrlCheck } from './document-url-signer';
import { StoredDocumentEntity } from './stored-document.entity';
import type { DocumentStore } from './storage/document-store.port';

export interface DocumentFilter {
  internalObject?: string | null;
  internalId?: string | null;
  provider?: string | null;
}

export type OpenedDocument = { outcome: Exclude<UrlCheck, 'valid'> | 'not_found' } | { outcome: 'valid'; document: StoredDocumentEntity; bytes: Buffer };

/**
 * Stored documents for GraphQL (listed per organization, oldest first) and for the signed
 * download route. The bytes are read from the store the row names, so documents kept before
 * DOCUMENT_STORE changed stay readable while their store is configured.
 */
export class DocumentsService {
  constructor(
    private readonly db: DataSource,
    private readonly stores: ReadonlyMap<string, DocumentStore>,
    readonly urls: DocumentUrlSigner,
  ) {}

  list(organizationId: string, args: PageArgs, filter: DocumentFilter): Promise<Page<StoredDocumentEntity>> {
    const qb = this.db.getRepository(StoredDocumentEntity).createQueryBuilder('d').where('d.organization_id = :org', { org: organizationId });
    if (filter.internalObject) qb.andWhere('d.internal_object = :object', { object: filter.internalObject });
    if (filter.internalId) qb.andWhere('d.internal_id = :internalId', { internalId: filter.internalId });
    if (filter.provider) qb.andWhere('d.provider = :provider', { provider: filter.provider });
    return paginate(qb, args);
  }

  /**
   * GET /documents/:id with its expiry and signature: the URL is checked first (no database
   * read for a forged or expired one), then the row by id alone: the signature is the
   * organization's proof, as only this service could have issued it for that id.
   */
  async open(id: string, expires: unknown, signature: unknown): Promise<OpenedDocument> {
    const check = this.urls.check(id, expires, signature);
    if (check !== 'valid') return { outcome: check };
    const document = isUuid(id) ? await this.db.getRepository(StoredDocumentEntity).findOne({ where: { id } }) : null;
    const bytes = document ? await this.stores.get(document.storage)?.get(document.storageKey) : null;
    if (!document || !bytes) return { outcome: 'not_found' };
    return { outcome: 'valid', document, bytes };
  }
}
