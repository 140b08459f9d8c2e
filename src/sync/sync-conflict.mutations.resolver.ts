import { Arg, Authorized, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import { GraphQLContext, orgOf } from '../graphql/context';
import { JSONScalar } from '../graphql/scalars';
import { WRITE_SCOPE } from '../graphql/scopes';
import { SyncConflict } from './sync-conflict.type';
import { ConflictChoice } from './sync.enums';
import { toSyncConflict } from './sync.mappers';

@Resolver()
export class SyncConflictMutationsResolver {
  /** Writes the chosen value to both sides and closes the conflict (value is required for CUSTOM). */
  @Authorized(WRITE_SCOPE.sync)
  @Mutation(() => SyncConflict)
  async resolveSyncConflict(
    @Ctx() ctx: GraphQLContext,
    @Arg('id', () => ID) id: string,
    @Arg('choice', () => ConflictChoice) choice: ConflictChoice,
    @Arg('value', () => JSONScalar, { nullable: true }) value?: unknown,
  ): Promise<SyncConflict> {
    return toSyncConflict(await ctx.services.syncConflicts.resolve(orgOf(ctx), id, choice, value));
  }
}
