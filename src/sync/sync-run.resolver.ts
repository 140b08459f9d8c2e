import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Query, Resolver, Root, Subscription } from 'type-graphql';
import type { ChangeNotice } from '../realtime/change-notice';
import { sharedRow, subscribeToChanges } from '../graphql/subscription-filter';
import { BadUserInputError } from '../errors';
import { GraphQLContext } from '../graphql/context';
import { found } from '../graphql/found';
import { READ_SCOPE } from '../graphql/scopes';
import { SyncConfig } from './sync-config.type';
import { SyncLogEntry, SyncRun } from './sync-run.type';
import { toSyncConfig, toSyncLogEntry, toSyncRun } from './sync.mappers';

const MAX_LOG_LINES = 1000;

@Resolver(() => SyncRun)
export class SyncRunResolver {
  @Authorized(READ_SCOPE.sync)
  @Query(() => SyncRun, { nullable: true })
  async syncRun(@Ctx() ctx: GraphQLContext, @Arg('id', () => ID) id: string): Promise<SyncRun> {
    return toSyncRun(found(await ctx.loaders.syncRun.load(id), 'SyncRun', id));
  }

  @FieldResolver(() => SyncConfig)
  async syncConfig(@Root() run: SyncRun, @Ctx() ctx: GraphQLContext): Promise<SyncConfig> {
    return toSyncConfig(found(await ctx.loaders.syncConfig.load(run.syncConfigId), 'SyncConfig', run.syncConfigId));
  }

  /** The first `first` lines in write order (all, up to 1,000, when omitted). */
  @FieldResolver(() => [SyncLogEntry])
  async logs(@Root() run: SyncRun, @Ctx() ctx: GraphQLContext, @Arg('first', () => Int, { nullable: true }) first?: number): Promise<SyncLogEntry[]> {
    if (first !== undefined && first !== null && (first < 0 || first > MAX_LOG_LINES)) {
      throw new BadUserInputError(`first must be between 0 and ${MAX_LOG_LINES}`, 'first');
    }
    const lines = await ctx.loaders.logsByRun.load(run.id);
    return lines.slice(0, first ?? MAX_LOG_LINES).map(toSyncLogEntry);
  }
}

@Resolver()
export class SyncRunSubscriptionResolver {
  /** Loads the committed row for each notice; the loader cache is bypassed so it is always fresh. */
  @Subscription(() => SyncRun, {
    description: 'Every status or counter change of runs of one config (or all configs when null), from whichever process runs them.',
    subscribe: subscribeToChanges('sync_run', READ_SCOPE.sync, 'syncConfigId'),
  })
  async syncRunUpdated(
    @Root() notice: ChangeNotice,
    @Ctx() ctx: GraphQLContext,
    @Arg('syncConfigId', () => ID, { nullable: true }) _syncConfigId?: string,
  ): Promise<SyncRun> {
    const row = await sharedRow(notice, () => ctx.services.syncRuns.find(notice.organizationId, notice.id));
    return toSyncRun(found(row, 'SyncRun', notice.id));
  }
}
