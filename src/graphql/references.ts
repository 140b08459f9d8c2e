import { ConnectorCatalog } from '../connectors/connector.catalog';
import { toConnection } from '../connections/connection.mapper';
import { toApiKey } from '../apikeys/api-key.mapper';
import { Account, Contact, Invoice } from '../sync/crm-entities.type';
import { toExternalLink, toFieldMapping, toSyncConfig, toSyncConflict, toSyncRun } from '../sync/sync.mappers';
import { toIntegrationEvent, toWebhookDelivery, toWebhookSubscription } from '../webhooks/webhook.mappers';
import { requireScopes } from './auth-guard';
import { GraphQLContext, orgOf } from './context';
import { READ_SCOPE } from './scopes';

type Ref = { id?: string; key?: string; email?: string | null };

/**
 * `__resolveReference` for every entity of the contract. Owned entities go through the same
 * org-scoped DataLoaders as the queries (one SQL statement per type per request, however many
 * representations); another organization's id resolves to null. The CRM types are owned by other
 * clouds, so their reference is just the key the router sent.
 */
function owned<T>(scope: string, load: (ctx: GraphQLContext, id: string) => Promise<T | null>) {
  return {
    __resolveReference: async (ref: Ref, ctx: GraphQLContext) => {
      requireScopes(ctx, [scope]);
      return ref.id ? load(ctx, ref.id) : null;
    },
  };
}

const mapped = <R, T>(row: R | null, map: (row: R) => T): T | null => (row ? map(row) : null);

export const referenceResolvers = {
  Connection: owned(READ_SCOPE.connections, async (ctx, id) => mapped(await ctx.loaders.connection.load(id), (r) => toConnection(r, ctx.config.publicUrl))),
  FieldMapping: owned(READ_SCOPE.mappings, async (ctx, id) => mapped(await ctx.loaders.fieldMapping.load(id), toFieldMapping)),
  SyncConfig: owned(READ_SCOPE.sync, async (ctx, id) => mapped(await ctx.loaders.syncConfig.load(id), toSyncConfig)),
  SyncRun: owned(READ_SCOPE.sync, async (ctx, id) => mapped(await ctx.loaders.syncRun.load(id), toSyncRun)),
  SyncConflict: owned(READ_SCOPE.sync, async (ctx, id) => mapped(await ctx.loaders.syncConflict.load(id), toSyncConflict)),
  ExternalLink: owned(READ_SCOPE.sync, async (ctx, id) => mapped(await ctx.loaders.externalLink.load(id), toExternalLink)),
  WebhookSubscription: owned(READ_SCOPE.webhooks, async (ctx, id) => mapped(await ctx.loaders.webhookSubscription.load(id), toWebhookSubscription)),
  WebhookDelivery: owned(READ_SCOPE.webhooks, async (ctx, id) => mapped(await ctx.loaders.webhookDelivery.load(id), toWebhookDelivery)),
  IntegrationEvent: owned(READ_SCOPE.webhooks, async (ctx, id) => mapped(await ctx.loaders.integrationEvent.load(id), toIntegrationEvent)),
  ApiKey: owned(READ_SCOPE.apiKeys, async (ctx, id) => mapped(await ctx.loaders.apiKey.load(id), toApiKey)),
  Connector: {
    __resolveReference: async (ref: Ref, ctx: GraphQLContext) => {
      requireScopes(ctx, [READ_SCOPE.connections]);
      const catalog = new ConnectorCatalog(ctx.db);
      if (ref.id) return catalog.byId(orgOf(ctx), ref.id);
      return ref.key ? catalog.byKey(orgOf(ctx), ref.key) : null;
    },
  },
  Account: { __resolveReference: (ref: Ref) => Object.assign(new Account(), { id: ref.id }) },
  Contact: { __resolveReference: (ref: Ref) => Object.assign(new Contact(), { id: ref.id, email: ref.email ?? null }) },
  Invoice: { __resolveReference: (ref: Ref) => Object.assign(new Invoice(), { id: ref.id }) },
};
