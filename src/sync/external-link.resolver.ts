import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import { toConnection } from '../connections/connection.mapper';
import { Connection } from '../connections/connection.type';
import { toRelay } from '../db/paginate';
import { GraphQLContext, orgOf } from '../graphql/context';
import { found } from '../graphql/found';
import { READ_SCOPE } from '../graphql/scopes';
import { ExternalLink, ExternalLinkConnection } from './external-link.type';
import { SyncConfig } from './sync-config.type';
import { toExternalLink, toSyncConfig } from './sync.mappers';

@Resolver(() => ExternalLink)
export class ExternalLinkResolver {
  @Authorized(READ_SCOPE.sync)
  @Query(() => ExternalLinkConnection)
  async externalLinks(
    @Ctx() ctx: GraphQLContext,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
    @Arg('syncConfigId', () => ID, { nullable: true }) syncConfigId?: string,
    @Arg('connectionId', () => ID, { nullable: true }) connectionId?: string,
    @Arg('internalObject', () => String, { nullable: true }) internalObject?: string,
    @Arg('internalId', () => ID, { nullable: true }) internalId?: string,
  ) {
    const page = await ctx.services.externalLinks.list(orgOf(ctx), { first, after }, { syncConfigId, connectionId, internalObject, internalId });
    return toRelay(page, toExternalLink);
  }

  @Authorized(READ_SCOPE.connections)
  @FieldResolver(() => Connection)
  async connection(@Root() link: ExternalLink, @Ctx() ctx: GraphQLContext): Promise<Connection> {
    return toConnection(found(await ctx.loaders.connection.load(link.connectionId), 'Connection', link.connectionId), ctx.config.publicUrl);
  }

  @FieldResolver(() => SyncConfig, { nullable: true })
  async syncConfig(@Root() link: ExternalLink, @Ctx() ctx: GraphQLContext): Promise<SyncConfig | null> {
    if (!link.syncConfigId) return null;
    const row = await ctx.loaders.syncConfig.load(link.syncConfigId);
    return row ? toSyncConfig(row) : null;
  }
}
