import { Directive, Field, ID, Int, ObjectType } from 'type-graphql';

import { relayTypes } from '../graphql/relay';
import { DateTimeScalar, JSONScalar } from '../graphql/scalars';
import { RetryPolicy, WebhookStatus } from './webhook.enums';

// deliveries(first, after, status) is added by @FieldResolver.

@Directive('@key(fields: "id")')
@ObjectType({
  simpleResolvers: true,
  description: 'An outbound subscription: events matching eventTypes and filters are POSTed to targetUrl, signed per the Standard Webhooks spec.',
})
export class WebhookSubscription {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => [String], { description: 'Exact types (opportunity.won) or patterns (opportunity.*, *).' })
  eventTypes!: string[];

  @Field(() => String)
  targetUrl!: string;

  @Field(() => WebhookStatus)
  status!: WebhookStatus;

  @Field(() => RetryPolicy)
  retryPolicy!: RetryPolicy;

  @Field(() => Int)
  maxRetries!: number;

  @Field(() => JSONScalar, {
    nullable: true,
    description: 'ObjectQL-style conditions on the event\'s data, e.g. [["amount", ">", 1000], "and", ["stage", "=", "won"]].',
  })
  filters!: unknown;

  @Field(() => String, {
    description: 'whsec_…last4; the secret itself is shown once, on create and rotate.',
  })
  secretHint!: string;

  @Field(() => DateTimeScalar, { nullable: true })
  lastTriggeredAt!: Date | null;

  @Field(() => String, { nullable: true })
  disabledReason!: string | null;

  @Field(() => DateTimeScalar)
  createdAt!: Date;

  /** Not in the schema: the owning tenant, for scoping `_entities`. */
  organizationId!: string;
}

export const { Edge: WebhookSubscriptionEdge, Page: WebhookSubscriptionConnection } = relayTypes(WebhookSubscription, 'WebhookSubscription');
export type WebhookSubscriptionConnection = InstanceType<typeof WebhookSubscriptionConnection>;

@ObjectType({ simpleResolvers: true })
export class WebhookSecretPayload {
  @Field(() => WebhookSubscription)
  subscription!: WebhookSubscription;

  @Field(() => String, {
    description: 'whsec_ followed by base64 of at least 24 random bytes. Shown only here.',
  })
  secret!: string;
}
