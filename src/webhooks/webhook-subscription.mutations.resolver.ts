import { Arg, Authorized, Ctx, ID, Int, Mutation, Resolver } from 'type-graphql';
import { GraphQLContext, orgOf } from '../graphql/context';
import { WRITE_SCOPE } from '../graphql/scopes';
import { WebhookSecretPayload, WebhookSubscription } from './webhook-subscription.type';
import { CreateWebhookSubscriptionInput, UpdateWebhookSubscriptionInput } from './webhook.inputs';
import { toWebhookSubscription } from './webhook.mappers';

@Resolver()
export class WebhookSubscriptionMutationsResolver {
  @Authorized(WRITE_SCOPE.webhooks)
  @Mutation(() => WebhookSecretPayload)
  async createWebhookSubscription(
    @Ctx() ctx: GraphQLContext,
    @Arg('input', () => CreateWebhookSubscriptionInput) input: CreateWebhookSubscriptionInput,
  ): Promise<WebhookSecretPayload> {
    const { subscription, secret } = await ctx.services.webhookSubscriptions.create(orgOf(ctx), input);
    return Object.assign(new WebhookSecretPayload(), { subscription: toWebhookSubscription(subscription), secret });
  }

  @Authorized(WRITE_SCOPE.webhooks)
  @Mutation(() => WebhookSubscription)
  async updateWebhookSubscription(
    @Ctx() ctx: GraphQLContext,
    @Arg('id', () => ID) id: string,
    @Arg('input', () => UpdateWebhookSubscriptionInput) input: UpdateWebhookSubscriptionInput,
  ): Promise<WebhookSubscription> {
    return toWebhookSubscription(await ctx.services.webhookSubscriptions.update(orgOf(ctx), id, input));
  }

  @Authorized(WRITE_SCOPE.webhooks)
  @Mutation(() => Boolean)
  deleteWebhookSubscription(@Ctx() ctx: GraphQLContext, @Arg('id', () => ID) id: string): Promise<boolean> {
    return ctx.services.webhookSubscriptions.delete(orgOf(ctx), id);
  }

  @Authorized(WRITE_SCOPE.webhooks)
  @Mutation(() => WebhookSecretPayload, { description: 'New secret; the old one keeps signing (a second signature) for the grace period.' })
  async rotateWebhookSecret(
    @Ctx() ctx: GraphQLContext,
    @Arg('id', () => ID) id: string,
    @Arg('gracePeriodSeconds', () => Int, { nullable: true }) gracePeriodSeconds?: number,
  ): Promise<WebhookSecretPayload> {
    const { subscription, secret } = await ctx.services.webhookSubscriptions.rotateSecret(orgOf(ctx), id, gracePeriodSeconds);
    return Object.assign(new WebhookSecretPayload(), { subscription: toWebhookSubscription(subscription), secret });
  }
}
