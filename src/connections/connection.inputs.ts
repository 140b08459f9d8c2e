import { Field, ID, InputType } from 'type-graphql';
import { AuthType } from '../connectors/connector.enums';
import { JSONScalar } from '../graphql/scalars';

@InputType()
export class CreateConnectionInput {
  @Field(() => String) connectorKey!: string;
  @Field(() => String) name!: string;
  @Field(() => AuthType, { nullable: true }) authType?: AuthType | null;
  @Field(() => JSONScalar, { nullable: true, description: 'API_KEY: {apiKey}; BASIC: {username, password}; TOKEN: {token}.' })
  credentials?: unknown;
  @Field(() => JSONScalar, { nullable: true }) config?: unknown;
}

@InputType()
export class UpdateConnectionInput {
  @Field(() => String, { nullable: true }) name?: string | null;
  @Field(() => JSONScalar, { nullable: true }) credentials?: unknown;
  @Field(() => JSONScalar, { nullable: true }) config?: unknown;
}

@InputType()
export class SetOAuthClientInput {
  @Field(() => String) connectorKey!: string;
  @Field(() => String) clientId!: string;
  @Field(() => String) clientSecret!: string;
  @Field(() => String, { nullable: true, description: "Override the provider's URLs (sandbox, self-hosted, tests)." })
  authorizationUrl?: string | null;
  @Field(() => String, { nullable: true }) tokenUrl?: string | null;
}

@InputType()
export class StartOAuthInput {
  @Field(() => ID, { nullable: true, description: 'Re-authorise this existing connection (same id, syncs and links) instead of creating a new one.' })
  connectionId?: string | null;
  @Field(() => String) connectorKey!: string;
  @Field(() => String) name!: string;
  @Field(() => String) redirectUri!: string;
  @Field(() => [String], { nullable: true }) scopes?: string[] | null;
  @Field(() => JSONScalar, { nullable: true }) config?: unknown;
}

@InputType()
export class CompleteOAuthInput {
  @Field(() => String) state!: string;
  @Field(() => String) code!: string;
  @Field(() => JSONScalar, { nullable: true, description: 'Settings the provider returned with the redirect, e.g. {realmId} from QuickBooks.' })
  config?: unknown;
}
