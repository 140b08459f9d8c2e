import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import { toConnection } from '../connections/connection.mapper';
import { Connection } from '../connections/connection.type';
import { paginate, toRelay, whereUuid } from '../db/paginate';
import { GraphQLContext, orgOf } from '../graphql/context';
import { found } from '../graphql/found';
import { READ_SCOPE } from '../graphql/scopes';
import { FieldMapping } from './field-mapping.type';
import { SyncConfigEntity } from './sync-config.entity';
import { SyncConfig, SyncConfigConnection } from './sync-config.type';
import { SyncRunEntity } from './sync-run.entity';
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
    const qb = ctx.db
      .getRepository(SyncConfigEntity)
      .createQueryBuilder('s')
      .where('s.organization_id = :org', { org: orgOf(ctx) });
    whereUuid(qb, 's.connection_id', connectionId);
    if (isActive !== undefined && isActive !== null) qb.andWhere('s.is_active = :isActive', { isActive });
    return toRelay(await paginate(qb, { first, after }), toSyncConfig);
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
    const qb = ctx.db
      .getRepository(SyncRunEntity)
      .createQueryBuilder('r')
      .where('r.organization_id = :org AND r.sync_config_id = :configId', { org: config.organizationId, configId: config.id });
    return toRelay(await paginate(qb, { first, after }, { column: 'created_at', direction: 'DESC' }), toSyncRun);
  }
}
