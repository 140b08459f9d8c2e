import { Arg, Authorized, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import { GraphQLContext, orgOf } from '../graphql/context';
import { WRITE_SCOPE } from '../graphql/scopes';
import { CreateSyncConfigInput, UpdateSyncConfigInput } from './sync-config.inputs';
import { SyncConfig } from './sync-config.type';
import { toSyncConfig } from './sync.mappers';

/** create/update/deleteSyncConfig: scope check, one service call, the stored row mapped back. */
@Resolver()
export class SyncConfigMutationsResolver {
  @Authorized(WRITE_SCOPE.sync)
  @Mutation(() => SyncConfig)
  async createSyncConfig(@Ctx() ctx: GraphQLContext, @Arg('input', () => CreateSyncConfigInput) input: CreateSyncConfigInput): Promise<SyncConfig> {
    return toSyncConfig(await ctx.services.syncConfigs.create(orgOf(ctx), input));
  }

  @Authorized(WRITE_SCOPE.sync)
  @Mutation(() => SyncConfig)
  async updateSyncConfig(
    @Ctx() ctx: GraphQLContext,
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdateSyncConfigInput) input: UpdateSyncConfigInput,
  ): Promise<SyncConfig> {
    return toSyncConfig(await ctx.services.syncConfigs.update(orgOf(ctx), id, input));
  }

  @Authorized(WRITE_SCOPE.sync)
  @Mutation(() => Boolean)
  deleteSyncConfig(@Ctx() ctx: GraphQLContext, @Arg('id', () => ID) id: string): Promise<boolean> {
    return ctx.services.syncConfigs.delete(orgOf(ctx), id);
  }
}
