import { Field, InputType, Int } from 'type-graphql';
import { DateTimeScalar } from '../graphql/scalars';

@InputType()
export class ApiKeyRateLimitInput {
  @Field(() => Int) limit!: number;
  @Field(() => Int) windowSeconds!: number;
}

@InputType()
export class CreateApiKeyInput {
  @Field(() => String) name!: string;
  @Field(() => [String], {
    description:
      'read|write × connections, sync, mappings, webhooks, api_keys, accounts, contacts, invoices, opportunities; publish:events; read:*, write:*, *',
  })
  scopes!: string[];
  @Field(() => ApiKeyRateLimitInput, { nullable: true, description: 'Default 1000 requests per 60 s (sliding window).' })
  rateLimit?: ApiKeyRateLimitInput | null;
  @Field(() => DateTimeScalar, { nullable: true }) expiresAt?: Date | null;
}
