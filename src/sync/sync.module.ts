// Resolvers first, in this order: type-graphql lists types and fields in the order their classes load, so
// the printed schema keeps its order (schema/integration.graphql).
import { AccountFieldsResolver, ContactFieldsResolver, InvoiceFieldsResolver } from './crm-entities.resolver';
import { ExternalLinkResolver } from './external-link.resolver';
import { FieldMappingResolver } from './field-mapping.resolver';
import { FieldMappingMutationsResolver } from './field-mapping.mutations.resolver';
import { ConnectionSyncConfigsResolver } from './connection-sync-configs.resolver';
import { SyncConfigResolver } from './sync-config.resolver';
import { SyncConfigMutationsResolver } from './sync-config.mutations.resolver';
import { SyncConflictResolver } from './sync-conflict.resolver';
import { SyncConflictMutationsResolver } from './sync-conflict.mutations.resolver';
import { SyncRunResolver, SyncRunSubscriptionResolver } from './sync-run.resolver';
import { SyncRunMutationsResolver } from './sync-run.mutations.resolver';
import { CrmObjectsResolver } from './crm-objects.resolver';
import type { CapabilityModule } from '../graphql/capability-module';
import { mapped, ownedReference } from '../graphql/owned-reference';
import type { EntityReference } from '../graphql/owned-reference';
import { READ_SCOPE } from '../graphql/scopes';
import type { CrmStore } from './crm/crm-store.port';
import { Account, Contact, Invoice } from './crm-entities.type';
import { Activity } from './activity.type';
import { ExternalLinkEntity } from './external-link.entity';
import type { ExternalLinkQueries } from './external-link.queries';
import { FieldMappingEntity } from './field-mapping.entity';
import type { FieldMappingService } from './field-mapping.service';
import { SyncConfigEntity } from './sync-config.entity';
import type { SyncConfigService } from './sync-config.service';
import { SyncConflictEntity } from './sync-conflict.entity';
import type { SyncConflictService } from './engine/conflict.service';
import { SyncLogEntity } from './sync-log.entity';
import { SyncRunEntity } from './sync-run.entity';
import type { SyncRunService } from './sync-run.service';
import { syncLoaders } from './sync.loaders';
import { toExternalLink, toFieldMapping, toSyncConfig, toSyncConflict, toSyncRun } from './sync.mappers';
import { syncMaintenanceQueue } from './engine/sync-maintenance.job';
import { syncRunQueue } from './engine/sync-run.job';

/** Sync: mappings, configs, runs and their engine, conflicts, links, and the CRM entities' integration fields. */
export const syncModule = {
  resolvers: [
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
    CrmObjectsResolver,
  ],
  // The other clouds' entities this subgraph extends: reached only through `_entities`.
  orphanedTypes: [Account, Contact, Invoice, Activity],
  entities: [FieldMappingEntity, SyncConfigEntity, SyncRunEntity, SyncLogEntity, ExternalLinkEntity, SyncConflictEntity],
  loaders: syncLoaders,
  references: {
    FieldMapping: ownedReference(READ_SCOPE.mappings, async (ctx, id) => mapped(await ctx.loaders.fieldMapping.load(id), toFieldMapping)),
    SyncConfig: ownedReference(READ_SCOPE.sync, async (ctx, id) => mapped(await ctx.loaders.syncConfig.load(id), toSyncConfig)),
    SyncRun: ownedReference(READ_SCOPE.sync, async (ctx, id) => mapped(await ctx.loaders.syncRun.load(id), toSyncRun)),
    SyncConflict: ownedReference(READ_SCOPE.sync, async (ctx, id) => mapped(await ctx.loaders.syncConflict.load(id), toSyncConflict)),
    ExternalLink: ownedReference(READ_SCOPE.sync, async (ctx, id) => mapped(await ctx.loaders.externalLink.load(id), toExternalLink)),
    // Activities are the integration cloud's own records (crm_record), in gateway mode too.
    Activity: ownedReference(READ_SCOPE.sync, (ctx, id) => ctx.loaders.activity.load(id)),
    // Owned by other clouds: the reference is just the key the router sent.
    Account: { __resolveReference: (ref: EntityReference) => Object.assign(new Account(), { id: ref.id }) },
    Contact: { __resolveReference: (ref: EntityReference) => Object.assign(new Contact(), { id: ref.id, email: ref.email ?? null }) },
    Invoice: { __resolveReference: (ref: EntityReference) => Object.assign(new Invoice(), { id: ref.id }) },
  },
  /** Queue factories; the assembly hands them the executor and the services they run. */
  queues: { syncRun: syncRunQueue, syncMaintenance: syncMaintenanceQueue },
} satisfies CapabilityModule;

declare module '../graphql/context' {
  interface Services {
    fieldMappings: FieldMappingService;
    syncConfigs: SyncConfigService;
    crmStore: CrmStore;
    syncRuns: SyncRunService;
    syncConflicts: SyncConflictService;
    externalLinks: ExternalLinkQueries;
  }
  interface Loaders extends ReturnType<typeof syncLoaders> {}
}
