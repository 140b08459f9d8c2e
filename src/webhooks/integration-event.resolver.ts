import { Arg, Authorized, Ctx, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import { toRelay } from '../db/paginate';
import { GraphQLContext, orgOf } from '../graphql/context';
import { READ_SCOPE } from '../graphql/scopes';
import { IntegrationEvent, IntegrationEventConnection } from './integration-event.type';
import { toIntegrationEvent } from './webhook.mappers';

@Resolver(() => IntegrationEvent)
export class IntegrationEventResolver {
  @Authorized(READ_SCOPE.webhooks)
  @Query(() => IntegrationEventConnection, { description: 'Newest first. type takes the same patterns as eventTypes.' })
  async integrationEvents(
    @Ctx() ctx: GraphQLContext,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
    @Arg('type', () => String, { nullable: true }) type?: string,
    @Arg('source', () => String, { nullable: true }) source?: string,
  ) {
    return toRelay(await ctx.services.integrationEvents.list(orgOf(ctx), { first, after }, { type, source }), toIntegrationEvent);
  }

  @FieldResolver(() => Int, { description: 'How many webhook deliveries this event fanned out to.' })
  deliveryCount(@Root() event: IntegrationEvent, @Ctx() ctx: GraphQLContext): Promise<number> {
    return ctx.loaders.deliveryCountByEvent.load(event.id);
  }
}
