import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import { toRelay } from '../db/paginate';
import { GraphQLContext, orgOf } from '../graphql/context';
import { found } from '../graphql/found';
import { READ_SCOPE } from '../graphql/scopes';
import { SyncConfig } from './sync-config.type';
import { SyncConflict, SyncConflictConnection } from './sync-conflict.type';
import { SyncConflictStatus } from './sync.enums';
import { toSyncConfig, toSyncConflict } from './sync.mappers';

@Resolver(() => SyncConflict)
export class SyncConflictResolver {
  @Authorized(READ_SCOPE.sync)
  @Query(() => SyncConflictConnection)
  async syncConflicts(
    @Ctx() ctx: GraphQLContext,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
    @Arg('syncConfigId', () => ID, { nullable: true }) syncConfigId?: string,
    @Arg('status', () => SyncConflictStatus, { nullable: true }) status?: SyncConflictStatus,
  ) {
    return toRelay(await ctx.services.syncConflicts.list(orgOf(ctx), { first, after }, { syncConfigId, status }), toSyncConflict);
  }

  @FieldResolver(() => SyncConfig)
  async syncConfig(@Root() conflict: SyncConflict, @Ctx() ctx: GraphQLContext): Promise<SyncConfig> {
    return toSyncConfig(found(await ctx.loaders.syncConfig.load(conflict.syncConfigId), 'SyncConfig', conflict.syncConfigId));
  }
}
