import type PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import type { Config } from './config';
import { ConnectionService } from './connections/connection.service';
import { ConnectorRuntime } from './connections/connector-runtime';
import { CredentialsVault } from './connections/credentials-vault';
import { OAuthClientStore } from './connections/oauth-client.store';
import { OAuthService } from './connections/oauth.service';
import { TokenRefresher } from './connections/token-refresher';
import { ConnectorActionService } from './connectors/connector-action.service';
import { ConnectorCatalog } from './connectors/connector.catalog';
import { CustomConnectorService } from './connectors/custom-connector.service';
import { ProviderHttpPool } from './connectors/http/provider-http-pool';
import { RateBudget } from './connectors/http/rate-budget';
import { BUILT_IN_CONNECTORS } from './connectors/registry';
import { createCrmStore } from './sync/crm/crm-store.factory';
import { FieldMappingService } from './sync/field-mapping.service';
import { SyncConfigService } from './sync/sync-config.service';
import { SyncRunService } from './sync/sync-run.service';
import { SyncRunExecutor } from './sync/engine/sync-run.executor';
import { syncRunQueue } from './sync/engine/sync-run.job';
import { syncMaintenanceQueue } from './sync/engine/sync-maintenance.job';
import { SyncConflictService } from './sync/engine/conflict.service';

/**
 * The composition root: every long-lived service, built once per process from the config and
 * the database, and handed to resolvers through the GraphQL context.
 */
export async function createServices(db: DataSource, databaseUrl: string, config: Config, log: Logger, boss: PgBoss) {
  const vault = await CredentialsVault.fromConfig(config, log);
  const budget = RateBudget.fromUrl(databaseUrl);
  const http = new ProviderHttpPool(budget, config, log, { baseDelayMs: config.providerRetryBaseDelayMs });
  const catalog = new ConnectorCatalog(db);
  const oauthClients = new OAuthClientStore(db, vault);
  const tokens = new TokenRefresher(db, vault, oauthClients, http, log);
  const runtime = new ConnectorRuntime(db, vault, http, tokens, (connection) => catalog.definitionFor(connection.organizationId, connection.connectorKey));
  const connections = new ConnectionService(catalog, vault, runtime, config, log, db);
  const crmStore = createCrmStore(db, config);
  const syncRuns = new SyncRunService(db, boss);
  const executor = new SyncRunExecutor(db, runtime, crmStore, log, boss, config.syncRetryBaseSeconds);
  return {
    vault,
    catalog,
    connections,
    oauth: new OAuthService(db, catalog, vault, oauthClients, http, config),
    actions: new ConnectorActionService(connections, runtime),
    customConnectors: new CustomConnectorService(db, config),
    runtime,
    fieldMappings: new FieldMappingService(db),
    syncConfigs: new SyncConfigService(db, catalog),
    crmStore,
    syncRuns,
    syncConflicts: new SyncConflictService(db, runtime, crmStore),
    /** Every pg-boss queue of the service, registered by startQueues. */
    queues: [syncRunQueue(executor), syncMaintenanceQueue(db, boss, syncRuns, log)],
    builtIns: BUILT_IN_CONNECTORS,
    close: async () => {
      await http.close();
      await budget.close();
    },
  };
}

export type Services = Awaited<ReturnType<typeof createServices>>;
