import 'reflect-metadata';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import { GraphQLSchema, parse } from 'graphql';
import { buildSchema, createResolversMap } from 'type-graphql';
import { ApiKeyMutationsResolver } from '../apikeys/api-key.mutations.resolver';
import { ApiKeyResolver } from '../apikeys/api-key.resolver';
import { ConnectionResolver } from '../connections/connection.resolver';
import { ConnectionMutationsResolver } from '../connections/connection.mutations.resolver';
import { ConnectionTestResult, OAuthAuthorization } from '../connections/connection.type';
import { ConnectorResolver } from '../connectors/connector.resolver';
import { ConnectorRecordsResolver } from '../connectors/connector-records.resolver';
import { ConnectorMutationsResolver } from '../connectors/connector.mutations.resolver';
import { AccountFieldsResolver, ContactFieldsResolver, InvoiceFieldsResolver } from '../sync/crm-entities.resolver';
import { Account, Contact, Invoice } from '../sync/crm-entities.type';
import { ExternalLinkResolver } from '../sync/external-link.resolver';
import { FieldMappingResolver } from '../sync/field-mapping.resolver';
import { FieldMappingMutationsResolver } from '../sync/field-mapping.mutations.resolver';
import { ConnectionSyncConfigsResolver } from '../sync/connection-sync-configs.resolver';
import { SyncConfigResolver } from '../sync/sync-config.resolver';
import { SyncConfigMutationsResolver } from '../sync/sync-config.mutations.resolver';
import { SyncConflictResolver } from '../sync/sync-conflict.resolver';
import { SyncConflictMutationsResolver } from '../sync/sync-conflict.mutations.resolver';
import { SyncRunResolver, SyncRunSubscriptionResolver } from '../sync/sync-run.resolver';
import { SyncRunMutationsResolver } from '../sync/sync-run.mutations.resolver';
import { IntegrationEventResolver } from '../webhooks/integration-event.resolver';
import { IntegrationEventMutationsResolver } from '../webhooks/integration-event.mutations.resolver';
import { WebhookDeliveryMutationsResolver } from '../webhooks/webhook-delivery.mutations.resolver';
import { WebhookSubscriptionMutationsResolver } from '../webhooks/webhook-subscription.mutations.resolver';
import { WebhookDeliveryResolver } from '../webhooks/webhook-delivery.resolver';
import { WebhookSubscriptionResolver } from '../webhooks/webhook-subscription.resolver';
import { IntegrationAlertResolver } from '../intelligence/insights/integration-alert.resolver';
import { SyncInsightsResolver } from '../intelligence/insights/sync-insights.resolver';
import { IntegrationHealthResolver } from '../intelligence/health/integration-health.resolver';
import { ExplainErrorResolver } from '../intelligence/knowledge/explain-error.resolver';
import { TroubleshootResolver } from '../intelligence/troubleshoot/troubleshoot.resolver';
import { SuggestResolver } from '../intelligence/suggest/suggest.resolver';
import { authGuard } from './auth-guard';
import { referenceResolvers } from './references';

const FEDERATION_LINK = `extend schema
  @link(url: "https://specs.apollo.dev/federation/v2.7",
        import: ["@key", "@external", "@requires", "@shareable"])
`;

const resolvers = [
  ConnectorResolver,
  ConnectorRecordsResolver,
  ConnectorMutationsResolver,
  ConnectionResolver,
  ConnectionMutationsResolver,
  ConnectionSyncConfigsResolver,
  FieldMappingResolver,
  FieldMappingMutationsResolver,
  SyncConfigResolver,
  SyncConfigMutationsResolver,
  SyncRunResolver,
  SyncRunSubscriptionResolver,
  SyncRunMutationsResolver,
  SyncConflictResolver,
  SyncConflictMutationsResolver,
  ExternalLinkResolver,
  AccountFieldsResolver,
  ContactFieldsResolver,
  InvoiceFieldsResolver,
  WebhookSubscriptionResolver,
  WebhookSubscriptionMutationsResolver,
  WebhookDeliveryResolver,
  WebhookDeliveryMutationsResolver,
  IntegrationEventResolver,
  IntegrationEventMutationsResolver,
  ApiKeyResolver,
  ApiKeyMutationsResolver,
  SyncInsightsResolver,
  IntegrationAlertResolver,
  IntegrationHealthResolver,
  TroubleshootResolver,
  ExplainErrorResolver,
  SuggestResolver,
] as const;

/**
 * Types no root field returns: the other clouds' entities this subgraph extends (reached only
 * through `_entities`), and contract types whose operations arrive with the issues that own them.
 */
const orphanedTypes = [Account, Contact, Invoice, OAuthAuthorization, ConnectionTestResult];

/**
 * type-graphql builds the schema from the classes; printing it with its directives and handing
 * the SDL to buildSubgraphSchema yields a Federation 2 subgraph (_service, _entities) that keeps
 * type-graphql's resolvers, auth guard included, plus __resolveReference per entity.
 */
export async function buildIntegrationSchema(): Promise<{ schema: GraphQLSchema; sdl: string }> {
  const typeGraphQLSchema = await buildSchema({
    resolvers: [...resolvers],
    orphanedTypes,
    authChecker: authGuard,
    validate: false,
    // Every subscription brings its own `subscribe` (PgPubSub from the context, so notices reach
    // all replicas); type-graphql still insists on a pubSub, which must never be reached: no
    // request or job can call it, so reaching it is a bug and a plain Error (an invariant).
    pubSub: {
      publish: () => {
        throw new Error('publish through PgPubSub.notify');
      },
      subscribe: () => {
        throw new Error('subscriptions declare their own subscribe');
      },
    },
    skipCheck: true,
  });
  const sdl = `${FEDERATION_LINK}\n${printSchemaWithDirectives(typeGraphQLSchema)}`;
  const resolverMap = createResolversMap(typeGraphQLSchema) as Record<string, Record<string, unknown>>;
  for (const [typeName, extra] of Object.entries(referenceResolvers)) {
    resolverMap[typeName] = { ...(resolverMap[typeName] ?? {}), ...extra };
  }
  const schema = buildSubgraphSchema({ typeDefs: parse(sdl), resolvers: resolverMap as never });
  return { schema, sdl };
}
