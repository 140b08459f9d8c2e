import { Arg, Authorized, Ctx, ID, Int, Query, Resolver } from 'type-graphql';
import { toRelay } from '../db/paginate';
import { GraphQLContext, orgOf } from '../graphql/context';
import { READ_SCOPE } from '../graphql/scopes';
import { toStoredDocument } from './stored-document.mapper';
import { StoredDocument, StoredDocumentConnection } from './stored-document.type';

@Resolver(() => StoredDocument)
export class StoredDocumentResolver {
  /** The organization's stored documents, oldest first; each with a download URL valid for DOCUMENT_URL_TTL_SECONDS. */
  @Authorized(READ_SCOPE.documents)
  @Query(() => StoredDocumentConnection)
  async documents(
    @Ctx() ctx: GraphQLContext,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
    @Arg('internalObject', () => String, { nullable: true }) internalObject?: string,
    @Arg('internalId', () => ID, { nullable: true }) internalId?: string,
    @Arg('provider', () => String, { nullable: true }) provider?: string,
  ) {
    const documents = ctx.services.documents;
    const page = await documents.list(orgOf(ctx), { first, after }, { internalObject, internalId, provider });
    return toRelay(page, (row) => toStoredDocument(row, documents.urls));
  }
}
