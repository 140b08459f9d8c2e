import { Arg, Authorized, Ctx, FieldResolver, ID, Query, Resolver, Root, Subscription } from 'type-graphql';
import type { ChangeNotice } from '../realtime/change-notice';
import { sharedRow, subscribeToChanges } from '../graphql/subscription-filter';
import { GraphQLContext } from '../graphql/context';
import { found } from '../graphql/found';
import { READ_SCOPE } from '../graphql/scopes';
import { WebhookAttempt, WebhookDelivery } from './webhook-delivery.type';
import { WebhookSubscription } from './webhook-subscription.type';
import { toWebhookAttempt, toWebhookDelivery, toWebhookSubscription } from './webhook.mappers';

@Resolver(() => WebhookDelivery)
export class WebhookDeliveryResolver {
  @Authorized(READ_SCOPE.webhooks)
  @Query(() => WebhookDelivery, { nullable: true })
  async webhookDelivery(@Ctx() ctx: GraphQLContext, @Arg('id', () => ID) id: string): Promise<WebhookDelivery> {
    return toWebhookDelivery(found(await ctx.loaders.webhookDelivery.load(id), 'WebhookDelivery', id));
  }

  @FieldResolver(() => WebhookSubscription)
  async subscription(@Root() delivery: WebhookDelivery, @Ctx() ctx: GraphQLContext): Promise<WebhookSubscription> {
    return toWebhookSubscription(found(await ctx.loaders.webhookSubscription.load(delivery.subscriptionId), 'WebhookSubscription', delivery.subscriptionId));
  }

  @FieldResolver(() => [WebhookAttempt])
  async attempts(@Root() delivery: WebhookDelivery, @Ctx() ctx: GraphQLContext): Promise<WebhookAttempt[]> {
    return (await ctx.loaders.attemptsByDelivery.load(delivery.id)).map(toWebhookAttempt);
  }

  @Subscription(() => WebhookDelivery, { subscribe: subscribeToChanges('webhook_delivery', READ_SCOPE.webhooks, 'subscriptionId') })
  async webhookDeliveryUpdated(
    @Root() notice: ChangeNotice,
    @Ctx() ctx: GraphQLContext,
    @Arg('subscriptionId', () => ID, { nullable: true }) _subscriptionId?: string,
  ): Promise<WebhookDelivery> {
    const row = await sharedRow(notice, () => ctx.services.webhookDeliveries.find(notice.organizationId, notice.id));
    return toWebhookDelivery(found(row, 'WebhookDelivery', notice.id));
  }
}
