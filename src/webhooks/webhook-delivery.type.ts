import { Directive, Field, ID, Int, ObjectType } from 'type-graphql';

import { relayTypes } from '../graphql/relay';
import { DateTimeScalar, JSONScalar } from '../graphql/scalars';
import { WebhookDeliveryStatus } from './webhook.enums';

// subscription and attempts are added by @FieldResolver; subscriptionId resolves the former.

@ObjectType({ simpleResolvers: true })
export class WebhookAttempt {
  @Field(() => Int)
  attemptNumber!: number;

  @Field(() => DateTimeScalar)
  at!: Date;

  @Field(() => Int, { nullable: true })
  responseStatus!: number | null;

  @Field(() => String, { nullable: true, description: 'The first 4 KiB of the response body.' })
  responseBody!: string | null;

  @Field(() => Int)
  durationMs!: number;

  @Field(() => String, { nullable: true })
  error!: string | null;
}

@Directive('@key(fields: "id")')
@ObjectType({ simpleResolvers: true, description: 'One event sent to one subscription, with every attempt.' })
export class WebhookDelivery {
  @Field(() => ID)
  id!: string;

  @Field(() => String, {
    description: "The webhook-id header value: the same on every attempt, the receiver's idempotency key.",
  })
  messageId!: string;

  @Field(() => ID)
  eventId!: string;

  @Field(() => String)
  eventType!: string;

  @Field(() => JSONScalar)
  payload!: unknown;

  @Field(() => WebhookDeliveryStatus)
  status!: WebhookDeliveryStatus;

  @Field(() => Int)
  attemptCount!: number;

  @Field(() => DateTimeScalar, { nullable: true })
  nextAttemptAt!: Date | null;

  @Field(() => DateTimeScalar, { nullable: true })
  deliveredAt!: Date | null;

  @Field(() => DateTimeScalar)
  createdAt!: Date;

  /** Not in the schema: resolves `subscription`. */
  subscriptionId!: string;

  /** Not in the schema: the owning tenant, for scoping `_entities` and subscriptions. */
  organizationId!: string;
}

export const { Edge: WebhookDeliveryEdge, Page: WebhookDeliveryConnection } = relayTypes(WebhookDelivery, 'WebhookDelivery');
export type WebhookDeliveryConnection = InstanceType<typeof WebhookDeliveryConnection>;
