import { Directive, Field, ID, Int, ObjectType } from 'type-graphql';

import { relayTypes } from '../graphql/relay';
import { DateTimeScalar } from '../graphql/scalars';
import { ApiKeyStatus, ApiKeyVerificationCode } from './api-key.enums';

// ApiKey.usage(from, to, granularity) is added by @FieldResolver. Only the key's hash is stored,
// and it never appears here.

@ObjectType({ simpleResolvers: true })
export class ApiKeyRateLimit {
  @Field(() => Int)
  limit!: number;

  @Field(() => Int)
  windowSeconds!: number;
}

@ObjectType({ simpleResolvers: true })
export class RateLimitState {
  @Field(() => Int)
  limit!: number;

  @Field(() => Int)
  remaining!: number;

  @Field(() => DateTimeScalar)
  resetAt!: Date;
}

@ObjectType({ simpleResolvers: true })
export class ApiKeyUsageBucket {
  @Field(() => DateTimeScalar)
  start!: Date;

  @Field(() => Int)
  requests!: number;

  @Field(() => Int)
  rejected!: number;
}

@Directive('@key(fields: "id")')
@ObjectType({
  simpleResolvers: true,
  description: 'Inbound API access: only a hash of the key is stored; the key itself is shown once.',
})
export class ApiKey {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String, {
    description: "The key's first characters, to recognise it: hcrm_live_Ab3xY…",
  })
  prefix!: string;

  @Field(() => [String], { description: 'e.g. read:contacts, write:opportunities, read:*, *' })
  scopes!: string[];

  @Field(() => ApiKeyRateLimit)
  rateLimit!: ApiKeyRateLimit;

  @Field(() => ApiKeyStatus)
  status!: ApiKeyStatus;

  @Field(() => DateTimeScalar, { nullable: true })
  expiresAt!: Date | null;

  @Field(() => DateTimeScalar, { nullable: true })
  lastUsedAt!: Date | null;

  @Field(() => Int)
  usageCount!: number;

  @Field(() => DateTimeScalar)
  createdAt!: Date;

  /** Not in the schema: the owning tenant, for scoping `_entities`. */
  organizationId!: string;
}

export const { Edge: ApiKeyEdge, Page: ApiKeyConnection } = relayTypes(ApiKey, 'ApiKey');
export type ApiKeyConnection = InstanceType<typeof ApiKeyConnection>;

@ObjectType({ simpleResolvers: true })
export class ApiKeySecretPayload {
  @Field(() => ApiKey)
  apiKey!: ApiKey;

  @Field(() => String, { description: 'The whole key, shown only here.' })
  key!: string;
}

@ObjectType({ simpleResolvers: true })
export class ApiKeyVerification {
  @Field(() => Boolean)
  valid!: boolean;

  @Field(() => ApiKeyVerificationCode)
  code!: ApiKeyVerificationCode;

  @Field(() => ID, { nullable: true })
  keyId!: string | null;

  // Part of the contract here (unlike on node types): the gateway needs the caller's tenant.
  @Field(() => ID, { nullable: true })
  organizationId!: string | null;

  @Field(() => [String])
  scopes!: string[];

  @Field(() => RateLimitState, { nullable: true })
  rateLimit!: RateLimitState | null;
}
