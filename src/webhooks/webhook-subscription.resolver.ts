import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import { paginate, toRelay } from '../db/paginate';
import { GraphQLContext, orgOf } from '../graphql/context';
import { found } from '../graphql/found';
import { READ_SCOPE } from '../graphql/scopes';
import { WebhookDeliveryEntity } from './webhook-delivery.entity';
import { WebhookDeliveryConnection } from './webhook-delivery.type';
import { WebhookSubscriptionEntity } from './webhook-subscription.entity';
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
    const qb = ctx.db
      .getRepository(WebhookSubscriptionEntity)
      .createQueryBuilder('w')
      .where('w.organization_id = :org', { org: orgOf(ctx) });
    if (status) qb.andWhere('w.status = :status', { status });
    return toRelay(await paginate(qb, { first, after }), toWebhookSubscription);
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
    const qb = ctx.db
      .getRepository(WebhookDeliveryEntity)
      .createQueryBuilder('d')
      .where('d.organization_id = :org AND d.subscription_id = :subscriptionId', { org: subscription.organizationId, subscriptionId: subscription.id });
    if (status) qb.andWhere('d.status = :status', { status });
    return toRelay(await paginate(qb, { first, after }, { column: 'created_at', direction: 'DESC' }), toWebhookDelivery);
  }
}
