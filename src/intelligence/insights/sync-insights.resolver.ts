import { Arg, Authorized, Ctx, ID, Query, Resolver } from 'type-graphql';
import { GraphQLContext, orgOf } from '../../graphql/context';
import { READ_SCOPE } from '../../graphql/scopes';
import { SyncInsights } from '../intelligence.type';

@Resolver()
export class SyncInsightsResolver {
  @Authorized(READ_SCOPE.sync)
  @Query(() => SyncInsights, {
    description: "Data-quality findings on a sample of the config's synced records, anomalies in its recent runs, and a schedule suited to its change rate.",
  })
  syncInsights(@Ctx() ctx: GraphQLContext, @Arg('syncConfigId', () => ID) syncConfigId: string): Promise<SyncInsights> {
    return ctx.services.syncInsights.insights(orgOf(ctx), syncConfigId);
  }
}
