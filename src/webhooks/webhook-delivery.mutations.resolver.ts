import { Arg, Authorized, Ctx, ID, Int, Mutation, Resolver } from 'type-graphql';
import { GraphQLContext, orgOf } from '../graphql/context';
import { DateTimeScalar } from '../graphql/scalars';
import { WRITE_SCOPE } from '../graphql/scopes';
import { WebhookDelivery } from './webhook-delivery.type';
import { toWebhookDelivery } from './webhook.mappers';

@Resolver()
export class WebhookDeliveryMutationsResolver {
  @Authorized(WRITE_SCOPE.webhooks)
  @Mutation(() => WebhookDelivery)
  async retryWebhookDelivery(@Ctx() ctx: GraphQLContext, @Arg('id', () => ID) id: string): Promise<WebhookDelivery> {
    return toWebhookDelivery(await ctx.services.webhookDeliveries.retry(orgOf(ctx), id));
  }

  @Authorized(WRITE_SCOPE.webhooks)
  @Mutation(() => Int, { description: 'Re-sends every delivery of the subscription created in [since, until); returns how many were queued.' })
  replayWebhookDeliveries(
    @Ctx() ctx: GraphQLContext,
    @Arg('subscriptionId', () => ID) subscriptionId: string,
    @Arg('since', () => DateTimeScalar) since: Date,
    @Arg('until', () => DateTimeScalar, { nullable: true }) until?: Date,
  ): Promise<number> {
    return ctx.services.webhookDeliveries.replay(orgOf(ctx), subscriptionId, since, until);
  }

  @Authorized(WRITE_SCOPE.webhooks)
  @Mutation(() => WebhookDelivery)
  async sendTestWebhook(@Ctx() ctx: GraphQLContext, @Arg('id', () => ID) id: string): Promise<WebhookDelivery> {
    return toWebhookDelivery(await ctx.services.webhookDeliveries.sendTest(orgOf(ctx), id));
  }
}
