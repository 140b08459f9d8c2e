import { Field, ID, InputType, Int } from 'type-graphql';
import { DateTimeScalar, JSONScalar } from '../graphql/scalars';
import { RetryPolicy, WebhookStatus } from './webhook.enums';

@InputType()
export class CreateWebhookSubscriptionInput {
  @Field(() => String) name!: string;
  @Field(() => [String]) eventTypes!: string[];
  @Field(() => String) targetUrl!: string;
  @Field(() => RetryPolicy, { nullable: true }) retryPolicy?: RetryPolicy | null;
  @Field(() => Int, { nullable: true }) maxRetries?: number | null;
  @Field(() => JSONScalar, { nullable: true }) filters?: unknown;
}

/** Absent fields keep their value; an explicit null filters removes the filter. */
@InputType()
export class UpdateWebhookSubscriptionInput {
  @Field(() => String, { nullable: true }) name?: string | null;
  @Field(() => [String], { nullable: true }) eventTypes?: string[] | null;
  @Field(() => String, { nullable: true }) targetUrl?: string | null;
  @Field(() => WebhookStatus, { nullable: true }) status?: WebhookStatus | null;
  @Field(() => RetryPolicy, { nullable: true }) retryPolicy?: RetryPolicy | null;
  @Field(() => Int, { nullable: true }) maxRetries?: number | null;
  @Field(() => JSONScalar, { nullable: true }) filters?: unknown;
}

@InputType()
export class PublishEventInput {
  @Field(() => String) type!: string;
  @Field(() => String, { nullable: true }) objectType?: string | null;
  @Field(() => ID, { nullable: true }) recordId?: string | null;
  @Field(() => JSONScalar) data!: unknown;
  @Field(() => DateTimeScalar, { nullable: true }) occurredAt?: Date | null;
  @Field(() => String, { nullable: true, description: 'Publishing twice with the same key yields the same event and no second fan-out.' })
  idempotencyKey?: string | null;
}
