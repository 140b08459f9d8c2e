import express from 'express';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { ApiKeyRepository } from './apikeys/api-key.repository';
import { ensureBootstrapKey } from './apikeys/bootstrap-key';
import type { Config } from './config';
import { createDataSource } from './assembly/data-source';
import { createLoaders } from './assembly/loaders';
import { migrate } from './db/data-source';
import { openDatabase } from './db/database';
import { Authenticator } from './graphql/authenticate';
import { buildIntegrationSchema } from './assembly/schema';
import { ApiKeyAuthenticator } from './apikeys/api-key.authenticator';
import { mountGraphQL } from './graphql/server';
import { healthRouter } from './http/health';
import { httpErrors, notFound } from './http/http-errors';
import { accessLog, accessLogged } from './http/access-log';
import { createMetrics, Metrics } from './http/metrics';
import { BUILT_IN_CONNECTORS } from './providers/registry';
import { startBoss, startQueues, stopBoss } from './jobs/boss';
import { PgPubSub } from './realtime/pg-pubsub';
import { createServices, Services } from './assembly/services';
import { oauthCallbackRouter } from './connections/oauth.callback';
import { inboundWebhookRouter } from './webhooks/inbound/inbound-webhook.router';
import { dashboardRouter } from './dashboard/dashboard.router';
import { trackingPixelRouter } from './tracking/tracking.module';
import { documentsRouter } from './documents/documents.router';

export interface RunningService {
  url: string;
  port: number;
  databaseUrl: string;
  db: DataSource;
  boss: PgBoss;
  metrics: Metrics;
  /** The process's services (tests drive the connector runtime and the sync engine directly). */
  services: Services;
  /** Stop taking requests, finish in-flight work, stop pg-boss, close the pools, stop embedded Postgres. */
  stop(): Promise<void>;
}

/**
 * Starts one process of the service in the configured role: `api` serves GraphQL (HTTP and
 * WebSocket), `worker` runs pg-boss workers, `all` does both. Every role serves /healthz,
 * /readyz and /metrics.
 */
export async function startService(config: Config, log: Logger): Promise<RunningService> {
  const database = await openDatabase(config, log);
  const metrics = createMetrics(new Set(BUILT_IN_CONNECTORS.keys()));
  const db = createDataSource(database.url, log, () => metrics.dbQueries.inc());
  await db.initialize();
  metrics.watchQueues(db);
  const applied = await migrate(db);
  if (applied.length) log.info({ migrations: applied }, 'migrations applied');

  const apiKeys = new ApiKeyRepository(db);
  await ensureBootstrapKey(config, apiKeys, log);

  const servesApi = config.role !== 'worker';
  const pubsub = new PgPubSub(database.url, log);
  if (servesApi) await pubsub.start();
  const runsWorkers = config.role !== 'api';
  const boss = await startBoss(database.url, runsWorkers, log);
  const services = await createServices(db, database.url, config, log, boss, metrics);
  await startQueues(boss, services.queues, runsWorkers, log);
  // Revocations and rotations on any replica evict the key from this process's verification cache.
  if (servesApi) services.apiKeys.verifier.follow(pubsub);

  let shuttingDown = false;
  const app = express();
  app.disable('x-powered-by');
  if (servesApi) app.use(inboundWebhookRouter(services.inboundWebhooks, log)); // before the access log: these requests carry signatures
  if (servesApi) app.use(trackingPixelRouter(services.openTracking, log)); // before the access log too: the path is the token
  // Also before the access log: a download URL's query is its signature.
  if (servesApi) app.use(documentsRouter(services.documents, log.child({ component: 'documents' })));
  app.use(accessLog(log));
  app.use(healthRouter(db, boss, metrics, () => shuttingDown));
  if (servesApi) app.use(oauthCallbackRouter(services.oauth, log));
  if (servesApi) app.use(dashboardRouter());
  // POST /graphql with a plain JSON body skips Express (json-post.handler.ts); the rest goes to it.
  let handleJsonPost: ((req: IncomingMessage, res: ServerResponse) => boolean) | null = null;
  const httpServer: Server = createServer((req, res) => {
    if (handleJsonPost?.(req, res)) return;
    app(req, res);
  });

  const graphql = servesApi
    ? await mountGraphQL(
        app,
        httpServer,
        (await buildIntegrationSchema()).schema,
        {
          loadersFor: (organizationId) => createLoaders(db, organizationId),
          config,
          log,
          pubsub,
          authenticator: new Authenticator(config, new ApiKeyAuthenticator(services.apiKeys.verifier)),
          services,
        },
        metrics,
      )
    : null;
  const apollo = graphql?.apollo ?? null;
  app.use(notFound);
  app.use(httpErrors(log));
  if (graphql) handleJsonPost = accessLogged(log, graphql.handleJsonPost);

  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(config.port, config.host, () => resolve());
  });
  const { port } = httpServer.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  log.info({ role: config.role, port, embeddedDatabase: database.embedded }, `integration subgraph ready at ${url}/graphql`);

  const stop = async () => {
    if (shuttingDown) return;
    shuttingDown = true;
    log.info('shutting down');
    const step = async (name: string, action: () => Promise<unknown>) => {
      await action();
      log.debug(`shutdown: ${name} done`);
    };
    // Apollo's drain plugin stops accepting connections and waits for in-flight requests.
    await step('http', async () => {
      if (apollo) await apollo.stop();
      else await new Promise<void>((resolve) => httpServer.close(() => resolve()));
    });
    // Requests are drained: write the API key usage counted in memory, then release its pool.
    await step('api keys', () => services.apiKeys.close());
    await step('queue', () => stopBoss(boss, config.shutdownTimeoutMs));
    if (servesApi) await step('pubsub', () => pubsub.close());
    await step('services', () => services.close());
    await step('pool', () => db.destroy());
    await step('database', () => database.stop());
    log.info('stopped');
  };

  return { url, port, databaseUrl: database.url, db, boss, metrics, services, stop };
}
