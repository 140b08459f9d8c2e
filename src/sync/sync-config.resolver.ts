import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import { toConnection } from '../connections/connection.mapper';
import { Connection } from '../connections/connection.type';
import { toRelay } from '../db/paginate';
import { GraphQLContext, orgOf } from '../graphql/context';
import { found } from '../graphql/found';
import { READ_SCOPE } from '../graphql/scopes';
import { FieldMapping } from './field-mapping.type';
import { SyncConfig, SyncConfigConnection } from './sync-config.type';
import { SyncRun, SyncRunConnection } from './sync-run.type';
import { toFieldMapping, toSyncConfig, toSyncRun } from './sync.mappers';

@Resolver(() => SyncConfig)
export class SyncConfigResolver {
  @Authorized(READ_SCOPE.sync)
  @Query(() => SyncConfigConnection)
  async syncConfigs(
    @Ctx() ctx: GraphQLContext,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
    @Arg('connectionId', () => ID, { nullable: true }) connectionId?: string,
    @Arg('isActive', () => Boolean, { nullable: true }) isActive?: boolean,
  ) {
    return toRelay(await ctx.services.syncConfigs.list(orgOf(ctx), { first, after }, { connectionId, isActive }), toSyncConfig);
  }

  @Authorized(READ_SCOPE.sync)
  @Query(() => SyncConfig, { nullable: true })
  async syncConfig(@Ctx() ctx: GraphQLContext, @Arg('id', () => ID) id: string): Promise<SyncConfig> {
    return toSyncConfig(found(await ctx.loaders.syncConfig.load(id), 'SyncConfig', id));
  }

  @Authorized(READ_SCOPE.connections)
  @FieldResolver(() => Connection)
  async connection(@Root() config: SyncConfig, @Ctx() ctx: GraphQLContext): Promise<Connection> {
    return toConnection(found(await ctx.loaders.connection.load(config.connectionId), 'Connection', config.connectionId), ctx.config.publicUrl);
  }

  @Authorized(READ_SCOPE.mappings)
  @FieldResolver(() => FieldMapping, { nullable: true })
  async fieldMapping(@Root() config: SyncConfig, @Ctx() ctx: GraphQLContext): Promise<FieldMapping | null> {
    if (!config.fieldMappingId) return null;
    const row = await ctx.loaders.fieldMapping.load(config.fieldMappingId);
    return row ? toFieldMapping(row) : null;
  }

  @FieldResolver(() => SyncRun, { nullable: true })
  async lastRun(@Root() config: SyncConfig, @Ctx() ctx: GraphQLContext): Promise<SyncRun | null> {
    const row = await ctx.loaders.lastRunByConfig.load(config.id);
    return row ? toSyncRun(row) : null;
  }

  /** Newest first: a dashboard wants the latest runs. */
  @FieldResolver(() => SyncRunConnection)
  async runs(
    @Root() config: SyncConfig,
    @Ctx() ctx: GraphQLContext,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
  ) {
    return toRelay(await ctx.services.syncRuns.runsOf(config.organizationId, config.id, { first, after }), toSyncRun);
  }
}
