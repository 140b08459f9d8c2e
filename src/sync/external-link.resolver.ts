import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import { toConnection } from '../connections/connection.mapper';
import { Connection } from '../connections/connection.type';
import { paginate, toRelay, whereUuid } from '../db/paginate';
import { GraphQLContext, orgOf } from '../graphql/context';
import { found } from '../graphql/found';
import { READ_SCOPE } from '../graphql/scopes';
import { ExternalLinkEntity } from './external-link.entity';
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
    const qb = ctx.db
      .getRepository(ExternalLinkEntity)
      .createQueryBuilder('l')
      .where('l.organization_id = :org', { org: orgOf(ctx) });
    whereUuid(qb, 'l.sync_config_id', syncConfigId);
    whereUuid(qb, 'l.connection_id', connectionId);
    if (internalObject) qb.andWhere('l.internal_object = :internalObject', { internalObject });
    if (internalId) qb.andWhere('l.internal_id = :internalId', { internalId });
    return toRelay(await paginate(qb, { first, after }), toExternalLink);
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
