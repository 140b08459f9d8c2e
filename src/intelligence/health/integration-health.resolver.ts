import { Authorized, Ctx, Query, Resolver } from 'type-graphql';
import { GraphQLContext, orgOf } from '../../graphql/context';
import { READ_SCOPE } from '../../graphql/scopes';
import { IntegrationHealth } from '../intelligence.type';

@Resolver()
export class IntegrationHealthResolver {
  @Authorized(READ_SCOPE.sync)
  @Query(() => IntegrationHealth, { description: "Counts for the caller's organization: connections, syncs, deliveries and conflicts needing attention." })
  integrationHealth(@Ctx() ctx: GraphQLContext): Promise<IntegrationHealth> {
    return ctx.services.integrationHealth.health(orgOf(ctx));
  }
}
