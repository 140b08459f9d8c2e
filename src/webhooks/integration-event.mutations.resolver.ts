import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import { GraphQLContext, orgOf } from '../graphql/context';
import { PUBLISH_EVENTS_SCOPE } from '../graphql/scopes';
import { IntegrationEvent } from './integration-event.type';
import { PublishEventInput } from './webhook.inputs';
import { toIntegrationEvent } from './webhook.mappers';

@Resolver()
export class IntegrationEventMutationsResolver {
  /** A CRM event (opportunity.won) from another cloud: recorded and fanned out to matching subscriptions. */
  @Authorized(PUBLISH_EVENTS_SCOPE)
  @Mutation(() => IntegrationEvent)
  async publishEvent(@Ctx() ctx: GraphQLContext, @Arg('input', () => PublishEventInput) input: PublishEventInput): Promise<IntegrationEvent> {
    return toIntegrationEvent((await ctx.services.eventPublisher.publish(orgOf(ctx), input)).event);
  }
}
