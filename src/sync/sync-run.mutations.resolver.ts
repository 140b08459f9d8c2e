import { Arg, Authorized, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import { GraphQLContext, orgOf } from '../graphql/context';
import { WRITE_SCOPE } from '../graphql/scopes';
import { SyncRun } from './sync-run.type';
import { SyncMode, SyncTrigger } from './sync.enums';
import { toSyncRun } from './sync.mappers';

@Resolver()
export class SyncRunMutationsResolver {
  /** Queues a run (or returns the one already queued or running for this config). */
  @Authorized(WRITE_SCOPE.sync)
  @Mutation(() => SyncRun)
  async triggerSync(
    @Ctx() ctx: GraphQLContext,
    @Arg('id', () => ID) id: string,
    @Arg('mode', () => SyncMode, { nullable: true }) mode?: SyncMode,
  ): Promise<SyncRun> {
    return toSyncRun(await ctx.services.syncRuns.trigger(orgOf(ctx), id, mode, SyncTrigger.MANUAL));
  }

  @Authorized(WRITE_SCOPE.sync)
  @Mutation(() => SyncRun)
  async cancelSyncRun(@Ctx() ctx: GraphQLContext, @Arg('id', () => ID) id: string): Promise<SyncRun> {
    return toSyncRun(await ctx.services.syncRuns.cancel(orgOf(ctx), id));
  }
}
