import { Arg, Authorized, Ctx, ID, Query, Resolver } from 'type-graphql';
import { GraphQLContext, orgOf } from '../../graphql/context';
import { READ_SCOPE } from '../../graphql/scopes';
import { TroubleshootingReport } from '../intelligence.type';

@Resolver()
export class TroubleshootResolver {
  /** Findings for one connection (all its sync configs) or one sync config: exactly one id. */
  @Authorized(READ_SCOPE.sync)
  @Query(() => TroubleshootingReport)
  async troubleshoot(
    @Ctx() ctx: GraphQLContext,
    @Arg('connectionId', () => ID, { nullable: true }) connectionId?: string | null,
    @Arg('syncConfigId', () => ID, { nullable: true }) syncConfigId?: string | null,
  ): Promise<TroubleshootingReport> {
    return ctx.services.troubleshooting.troubleshoot(orgOf(ctx), { connectionId, syncConfigId });
  }
}
