import { Directive, Field, ID, Int, ObjectType } from 'type-graphql';

import { AuthType } from '../connectors/connector.enums';
import { relayTypes } from '../graphql/relay';
import { DateTimeScalar, JSONScalar } from '../graphql/scalars';
import { ConnectionStatus } from './connection.enums';

// Connection.connector (connection.resolver.ts) and Connection.syncConfigs (sync/connection-sync-configs.resolver.ts)
// are added by @FieldResolver; the plain properties below carry what those resolvers (and tenancy checks) need.

@Directive('@key(fields: "id")')
@ObjectType({
  simpleResolvers: true,
  description: 'An authenticated link to one account of an external service. Secrets are stored encrypted and never returned.',
})
export class Connection {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => AuthType)
  authType!: AuthType;

  @Field(() => ConnectionStatus)
  status!: ConnectionStatus;

  @Field(() => String, {
    nullable: true,
    description: 'A masked hint of the stored credential, e.g. sk_live_…4242; never the secret.',
  })
  credentialHint!: string | null;

  @Field(() => [String])
  scopes!: string[];

  @Field(() => DateTimeScalar, {
    nullable: true,
    description: 'When the current access token expires (OAuth2).',
  })
  expiresAt!: Date | null;

  @Field(() => DateTimeScalar, { nullable: true })
  lastUsedAt!: Date | null;

  @Field(() => String, { nullable: true })
  lastError!: string | null;

  @Field(() => JSONScalar, {
    nullable: true,
    description: 'Non-secret settings, e.g. baseUrl for a sandbox or self-hosted endpoint, realmId for QuickBooks.',
  })
  config!: unknown;

  @Field(() => String, {
    nullable: true,
    description: "Where the provider should POST its webhooks for this connection (verified with credentials.webhookSecret or the provider's scheme).",
  })
  inboundWebhookUrl!: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      'The provider account this connection reaches (Stripe acct_…, Slack team id, QuickBooks realmId, the Google or Microsoft user, PayPal payer id), ' +
      'learned when connecting. Records synced through any connection to the same account are the same records.',
  })
  providerAccountId!: string | null;

  @Field(() => DateTimeScalar)
  createdAt!: Date;

  @Field(() => DateTimeScalar)
  updatedAt!: Date;

  /** Not in the schema: resolves `connector` (the registry is keyed by connector key). */
  connectorKey!: string;

  /** Not in the schema: the owning tenant, for scoping `syncConfigs` and `_entities`. */
  organizationId!: string;
}

export const { Edge: ConnectionEdge, Page: ConnectionConnection } = relayTypes(Connection, 'Connection');
export type ConnectionConnection = InstanceType<typeof ConnectionConnection>;

@ObjectType({ simpleResolvers: true })
export class OAuthAuthorization {
  @Field(() => String, {
    description: "Where to send the user: the provider's authorize URL with client_id, redirect_uri, scope, state and a PKCE code_challenge.",
  })
  authorizationUrl!: string;

  @Field(() => String)
  state!: string;

  @Field(() => DateTimeScalar)
  expiresAt!: Date;
}

@ObjectType({ simpleResolvers: true })
export class ConnectionTestResult {
  @Field(() => Boolean)
  ok!: boolean;

  @Field(() => ConnectionStatus)
  status!: ConnectionStatus;

  @Field(() => Int)
  latencyMs!: number;

  @Field(() => String)
  message!: string;
}
