// Resolvers first: type-graphql lists types and fields in the order their classes load.
import { StoredDocumentResolver } from './stored-document.resolver';
import type { DataSource } from 'typeorm';
import type { CapabilityModule } from '../graphql/capability-module';
import { byId } from '../graphql/loader-kit';
import { mapped, ownedReference } from '../graphql/owned-reference';
import { READ_SCOPE } from '../graphql/scopes';
import { documentFetchQueue } from './document-fetch.job';
import type { DocumentsService } from './documents.service';
import { StoredDocumentEntity } from './stored-document.entity';
import { toStoredDocument } from './stored-document.mapper';
import { StoredDocumentContentEntity } from './storage/stored-document-content.entity';

/** Documents: signed envelopes' and agreements' PDFs kept from the providers, served at signed URLs. */
export const documentLoaders = (db: DataSource, organizationId: string) => ({
  storedDocument: byId(db, StoredDocumentEntity, organizationId),
});

export const documentsModule = {
  resolvers: [StoredDocumentResolver],
  entities: [StoredDocumentEntity, StoredDocumentContentEntity],
  loaders: documentLoaders,
  references: {
    StoredDocument: ownedReference(READ_SCOPE.documents, async (ctx, id) =>
      mapped(await ctx.loaders.storedDocument.load(id), (row) => toStoredDocument(row, ctx.services.documents.urls)),
    ),
  },
  queues: { documentFetch: documentFetchQueue },
} satisfies CapabilityModule;

declare module '../graphql/context' {
  interface Services {
    documents: DocumentsService;
  }
  interface Loaders extends ReturnType<typeof documentLoaders> {}
}
