import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import { toRelay } from '../db/paginate';
import { GraphQLContext, orgOf } from '../graphql/context';
import { found } from '../graphql/found';
import { READ_SCOPE } from '../graphql/scopes';
import { WebhookDeliveryConnection } from './webhook-delivery.type';
import { WebhookSubscription, WebhookSubscriptionConnection } from './webhook-subscription.type';
import { WebhookDeliveryStatus, WebhookStatus } from './webhook.enums';
import { toWebhookDelivery, toWebhookSubscription } from './webhook.mappers';

@Resolver(() => WebhookSubscription)
export class WebhookSubscriptionResolver {
  @Authorized(READ_SCOPE.webhooks)
  @Query(() => WebhookSubscriptionConnection)
  async webhookSubscriptions(
    @Ctx() ctx: GraphQLContext,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
    @Arg('status', () => WebhookStatus, { nullable: true }) status?: WebhookStatus,
  ) {
    return toRelay(await ctx.services.webhookSubscriptions.list(orgOf(ctx), { first, after }, status), toWebhookSubscription);
  }

  @Authorized(READ_SCOPE.webhooks)
  @Query(() => WebhookSubscription, { nullable: true })
  async webhookSubscription(@Ctx() ctx: GraphQLContext, @Arg('id', () => ID) id: string): Promise<WebhookSubscription> {
    return toWebhookSubscription(found(await ctx.loaders.webhookSubscription.load(id), 'WebhookSubscription', id));
  }

  /** Newest first, optionally one status. */
  @FieldResolver(() => WebhookDeliveryConnection)
  async deliveries(
    @Root() subscription: WebhookSubscription,
    @Ctx() ctx: GraphQLContext,
    @Arg('first', () => Int, { nullable: true }) first?: number,
    @Arg('after', () => String, { nullable: true }) after?: string,
    @Arg('status', () => WebhookDeliveryStatus, { nullable: true }) status?: WebhookDeliveryStatus,
  ) {
    const page = await ctx.services.webhookDeliveries.listForSubscription(subscription.organizationId, subscription.id, { first, after }, status);
    return toRelay(page, toWebhookDelivery);
  }
}
