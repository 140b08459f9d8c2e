import { Field, ID, InputType, Int } from 'type-graphql';
import { JSONScalar } from '../graphql/scalars';
import { RetryPolicy } from '../webhooks/webhook.enums';

@InputType()
export class CreateAutomationInput {
  @Field(() => String) name!: string;
  @Field(() => [String]) eventTypes!: string[];
  @Field(() => JSONScalar, { nullable: true }) filters?: unknown;
  @Field(() => ID) connectionId!: string;
  @Field(() => String) action!: string;
  @Field(() => JSONScalar) inputTemplate!: unknown;
  @Field(() => Boolean, { nullable: true }) isActive?: boolean | null;
  @Field(() => RetryPolicy, { nullable: true }) retryPolicy?: RetryPolicy | null;
  @Field(() => Int, { nullable: true }) maxRetries?: number | null;
}

/** Absent fields keep their value; an explicit null filters removes the filter. */
@InputType()
export class UpdateAutomationInput {
  @Field(() => String, { nullable: true }) name?: string | null;
  @Field(() => [String], { nullable: true }) eventTypes?: string[] | null;
  @Field(() => JSONScalar, { nullable: true }) filters?: unknown;
  @Field(() => String, { nullable: true }) action?: string | null;
  @Field(() => JSONScalar, { nullable: true }) inputTemplate?: unknown;
  @Field(() => Boolean, { nullable: true }) isActive?: boolean | null;
  @Field(() => RetryPolicy, { nullable: true }) retryPolicy?: RetryPolicy | null;
  @Field(() => Int, { nullable: true }) maxRetries?: number | null;
}
