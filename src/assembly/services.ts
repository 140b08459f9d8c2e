import type PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import type { Config } from '../config';
import type { Services as ResolverServices } from '../graphql/context';
import { createMetrics, Metrics } from '../http/metrics';
import { ApiKeyService } from '../apikeys/api-key.service';
import { ConnectionRepository } from '../connections/connection.repository';
import { ConnectionService } from '../connections/connection.service';
import { ConnectorRuntime } from '../connections/connector-runtime';
import { CredentialsVault } from '../connections/credentials-vault';
import { OAuthClientStore } from '../connections/oauth-client.store';
import { OAuthService } from '../connections/oauth.service';
import { TokenRefresher } from '../connections/token-refresher';
import { ConnectorActionService } from '../connections/connector-action.service';
import { ConnectorCatalog } from '../connectors/connector.catalog';
import { CustomConnectorService } from '../connectors/custom-connector.service';
import { ProviderHttpPool } from '../connectors/http/provider-http-pool';
import { RateBudget } from '../connectors/http/rate-budget';
import { BUILT_IN_CONNECTORS } from '../providers/registry';
import { createCrmStore } from '../sync/crm/crm-store.factory';
import { FieldMappingService } from '../sync/field-mapping.service';
import { SyncConfigService } from '../sync/sync-config.service';
import { SyncRunService } from '../sync/sync-run.service';
import { RealtimeSyncTrigger } from '../sync/schedule/realtime-trigger';
import { SyncRunExecutor } from '../sync/engine/sync-run.executor';
import { EventApplier } from '../sync/engine/event-apply';
import { SyncRunMetrics } from '../sync/engine/sync-run.metrics';
import { syncModule } from '../sync/sync.module';
import { SyncConflictService } from '../sync/engine/conflict.service';
import { ExternalLinkQueries } from '../sync/external-link.queries';
import { EventOutbox } from '../webhooks/event-outbox';
import { EventPublisher } from '../webhooks/event-publisher';
import { webhooksModule } from '../webhooks/webhooks.module';
import { WebhookDeliveryService } from '../webhooks/webhook-delivery.service';
import { WebhookDeliveryWorker } from '../webhooks/webhook-delivery.worker';
import { WebhookSender } from '../webhooks/webhook-sender';
import { WebhookSubscriptionService } from '../webhooks/webhook-subscription.service';
import { InboundWebhookService } from '../webhooks/inbound/inbound-webhook.service';
import { IntegrationEventQueries } from '../webhooks/integration-event.queries';
import { SuggestService } from '../intelligence/suggest/suggest.service';
import { SyncInsightsService } from '../intelligence/insights/sync-insights.service';
import { SyncRunMonitor } from '../intelligence/insights/sync-run.monitor';
import { IntegrationHealthService } from '../intelligence/health/integration-health.service';
import { ErrorExplainerService } from '../intelligence/knowledge/error-explainer.service';
import { TroubleshootService } from '../intelligence/troubleshoot/troubleshoot.service';
import { AutomationActionCheck } from '../automations/automation-action';
import { AutomationFanOut } from '../automations/automation-fan-out';
import { AutomationRunner } from '../automations/automation-runner';
import { AutomationService } from '../automations/automation.service';
import { automationsModule } from '../automations/automations.module';
import { OpenTrackingService } from '../tracking/tracking.module';
import { documentsModule } from '../documents/documents.module';
import { DocumentFanOut } from '../documents/document-fan-out';
import { DocumentUrlSigner } from '../documents/document-url-signer';
import { DocumentsService } from '../documents/documents.service';
import { SignedDocumentFetcher } from '../documents/signed-document.fetcher';
import { createDocumentStore } from '../documents/storage/document-store.factory';
import { PostgresDocumentStore } from '../documents/storage/postgres-document-store';

/**
 * The composition root: every long-lived service, built once per process from the config and
 * the database, and handed to resolvers through the GraphQL context.
 */
export async function createServices(
  db: DataSource,
  databaseUrl: string,
  config: Config,
  log: Logger,
  boss: PgBoss,
  metrics: Metrics = createMetrics(new Set(BUILT_IN_CONNECTORS.keys())),
) {
  const vault = await CredentialsVault.fromConfig(config, log);
  const budget = RateBudget.fromUrl(databaseUrl);
  const http = new ProviderHttpPool(budget, config, log, { baseDelayMs: config.providerRetryBaseDelayMs });
  const catalog = new ConnectorCatalog(db);
  const oauthClients = new OAuthClientStore(db, vault);
  const events = new EventOutbox(db, boss, log);
  const connectionRows = new ConnectionRepository(db, events);
  const tokens = new TokenRefresher(db, vault, oauthClients, http, log, connectionRows);
  const runtime = new ConnectorRuntime(db, vault, http, tokens, (connection) => catalog.definitionFor(connection.organizationId, connection.connectorKey));
  const connections = new ConnectionService(catalog, vault, runtime, config, log, connectionRows);
  const crmStore = createCrmStore(db, config);
  const syncRuns = new SyncRunService(db, boss);
  const webhookSender = new WebhookSender();
  const deliveryWorker = new WebhookDeliveryWorker(
    db,
    boss,
    vault,
    webhookSender,
    { allowPrivateTargets: config.allowPrivateTargets, retryScale: config.webhookRetryScale },
    log,
    metrics,
  );
  const apiKeys = ApiKeyService.create(db, databaseUrl, config, log, events);
  apiKeys.verifier.observe((code) => metrics.keyVerified(code));
  const executor = new SyncRunExecutor(db, runtime, crmStore, log, boss, events, config.syncRetryBaseSeconds, [
    new SyncRunMetrics(db, metrics, log),
    new SyncRunMonitor(db, events, log.child({ component: 'sync-monitor' })),
  ]);
  const applier = new EventApplier(db, runtime, executor, log.child({ component: 'realtime-events' }));
  new RealtimeSyncTrigger(db, syncRuns, log, applier).attach(events);
  const openTracking = new OpenTrackingService(db, events, config.publicUrl, log.child({ component: 'open-tracking' }));
  const automationRunner = new AutomationRunner(
    db,
    boss,
    connections,
    runtime,
    { retryScale: config.webhookRetryScale, runTimeoutSeconds: config.automationRunTimeoutSeconds },
    log.child({ component: 'automations' }),
    openTracking,
  );
  events.addFanOut(new AutomationFanOut(boss, automationRunner.leaseSeconds));
  events.addFanOut(new DocumentFanOut(boss));
  const documentStore = createDocumentStore(db, config);
  // Rows name the store that holds their bytes; Postgres stays readable after a switch to S3.
  const documentStores = new Map([['postgres', new PostgresDocumentStore(db)] as const, [documentStore.kind, documentStore] as const]);
  const documentUrls = new DocumentUrlSigner(vault.deriveKey('document-urls'), config.publicUrl, config.documents.urlTtlSeconds);
  const documentFetcher = new SignedDocumentFetcher(
    db,
    runtime,
    crmStore,
    documentStore,
    events,
    config.documents.maxBytes,
    log.child({ component: 'documents' }),
  );
  const services = {
    vault,
    catalog,
    connections,
    oauth: new OAuthService(db, catalog, vault, oauthClients, http, config, connectionRows, connections.identity),
    actions: new ConnectorActionService(connections, runtime, openTracking),
    openTracking,
    customConnectors: new CustomConnectorService(db, config),
    runtime,
    fieldMappings: new FieldMappingService(db),
    suggestions: new SuggestService(db, connections, catalog),
    syncConfigs: new SyncConfigService(db, catalog),
    crmStore,
    syncRuns,
    syncConflicts: new SyncConflictService(db, runtime, crmStore),
    externalLinks: new ExternalLinkQueries(db),
    /** Every pg-boss queue of the service, registered by startQueues. */
    events,
    apiKeys,
    eventPublisher: new EventPublisher(events),
    webhookSubscriptions: new WebhookSubscriptionService(db, vault, { allowPrivateTargets: config.allowPrivateTargets }),
    webhookDeliveries: new WebhookDeliveryService(db, boss, events),
    integrationEvents: new IntegrationEventQueries(db),
    inboundWebhooks: new InboundWebhookService(db, vault, runtime, oauthClients, events, log.child({ component: 'inbound-webhooks' })),
    queues: [
      syncModule.queues.syncRun(executor),
      syncModule.queues.syncMaintenance(db, boss, syncRuns, log),
      webhooksModule.queues.webhookDelivery(deliveryWorker),
      automationsModule.queues.automationRun(automationRunner, automationRunner.leaseSeconds),
      documentsModule.queues.documentFetch(documentFetcher),
    ],
    syncInsights: new SyncInsightsService(db, catalog),
    integrationHealth: new IntegrationHealthService(db),
    troubleshooting: new TroubleshootService(db, catalog),
    errorExplainer: new ErrorExplainerService(),
    automations: new AutomationService(db, boss, new AutomationActionCheck(connections, runtime)),
    documents: new DocumentsService(db, documentStores, documentUrls),
    close: async () => {
      await http.close();
      await webhookSender.close();
      await budget.close();
    },
  };
  // Every service a resolver can reach (the kit's Services, declared by the capability modules) is built here.
  return services satisfies ResolverServices;
}

/** What the composition root builds: every service resolvers reach (the kit's Services), plus the queues and close. */
export type Services = Awaited<ReturnType<typeof createServices>>;
