import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { DataSource } from 'typeorm';
import { queueDepths } from '../jobs/sql/queue-depths';

/** A scrape never waits longer than this on the database for the queue gauge. */
const QUEUE_SCRAPE_TIMEOUT_MS = 2_000;

/**
 * Waiting jobs per pg-boss queue, ready now or deferred (retries, backoff). Only states below
 * `active` are counted: pg-boss's partial index job_i5 (name, start_after) WHERE state < 'active'
 * answers this without reading the completed jobs each queue's partition keeps for hours.
 */
/**
 * Custom connectors are keyed per organization, so their keys would grow a label without
 * bound across tenants: they share one `custom` series.
 */
function connectorLabel(key: string, builtInKeys: ReadonlySet<string>): string {
  return builtInKeys.has(key) ? key : 'custom';
}

/** 2xx, 4xx, … or `none` when no response arrived (timeout, refused, SSRF guard). */
function responseClass(status: number | null): string {
  return status === null ? 'none' : `${Math.floor(status / 100)}xx`;
}

/** The end of a sync run as /metrics counts it (labels only from enums and connector keys). */
export interface EndedSyncRun {
  connectorKey: string;
  direction: string;
  status: string;
  durationMs: number | null;
  created: number;
  updated: number;
  failed: number;
  deleted: number;
}

/**
 * One Prometheus registry per service instance (tests run several in one process, so the
 * global default registry would mix them). The built-in connector keys are given (the assembly
 * knows the providers; this kit module does not), for the connector label. Counters are this process's: Prometheus sums them
 * over api and worker processes; the queue gauge is read from the shared database on scrape.
 */
export function createMetrics(builtInConnectorKeys: ReadonlySet<string>) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  let readQueues: (() => Promise<{ queue: string; ready: number; deferred: number }[]>) | null = null;

  const syncRuns = new Counter({
    name: 'integration_sync_runs_total',
    help: 'Sync runs ended by this process, by connector, direction and final status',
    labelNames: ['connector', 'direction', 'status'],
    registers: [registry],
  });
  const syncRecords = new Counter({
    name: 'integration_sync_records_total',
    help: 'Records of ended sync runs, by connector, direction and outcome (created, updated, failed, deleted)',
    labelNames: ['connector', 'direction', 'outcome'],
    registers: [registry],
  });
  const syncRunDuration = new Histogram({
    name: 'integration_sync_run_duration_seconds',
    help: 'Sync run duration from start to end, by connector and direction',
    labelNames: ['connector', 'direction'],
    buckets: [0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600],
    registers: [registry],
  });
  const webhookAttempts = new Counter({
    name: 'integration_webhook_delivery_attempts_total',
    help: "Webhook delivery attempts, by the delivery's status after the attempt and the response class",
    labelNames: ['status', 'response'],
    registers: [registry],
  });
  const webhookAttemptDuration = new Histogram({
    name: 'integration_webhook_attempt_duration_seconds',
    help: 'Webhook delivery attempt latency (connect, response headers and body), by response class',
    labelNames: ['response'],
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15],
    registers: [registry],
  });
  const apiKeyVerifications = new Counter({
    name: 'integration_api_key_verifications_total',
    help: 'API key verifications by result (ApiKeyVerificationCode)',
    labelNames: ['result'],
    registers: [registry],
  });
  new Gauge({
    name: 'integration_queue_jobs',
    help: 'Jobs waiting in each pg-boss queue (all processes), ready now or deferred; read on scrape',
    labelNames: ['queue', 'state'],
    registers: [registry],
    async collect() {
      this.reset();
      if (!readQueues) return;
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('timed out')), QUEUE_SCRAPE_TIMEOUT_MS)));
      try {
        // A database that does not answer leaves the gauge empty rather than failing the scrape.
        const rows = await Promise.race([readQueues(), timeout]);
        for (const row of rows) {
          this.set({ queue: row.queue, state: 'ready' }, row.ready);
          this.set({ queue: row.queue, state: 'deferred' }, row.deferred);
        }
      } catch {
        // left empty: absent series say "unknown", a zero would say "empty"
      } finally {
        clearTimeout(timer);
      }
    },
  });

  return {
    registry,
    dbQueries: new Counter({ name: 'integration_db_queries_total', help: 'SQL statements sent through the ORM', registers: [registry] }),
    graphqlRequests: new Counter({
      name: 'integration_graphql_requests_total',
      help: 'GraphQL operations by type and outcome (HTTP and graphql-ws)',
      labelNames: ['operation_type', 'outcome'],
      registers: [registry],
    }),
    graphqlDuration: new Histogram({
      name: 'integration_graphql_request_duration_seconds',
      help: 'GraphQL operation latency by type (HTTP requests; a subscription lives as long as its client wants)',
      labelNames: ['operation_type'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    syncRuns,
    syncRecords,
    syncRunDuration,
    webhookAttempts,
    webhookAttemptDuration,
    apiKeyVerifications,

    /** Serves the queue gauge from this database (after it is initialized). */
    watchQueues(db: DataSource): void {
      readQueues = () => queueDepths(db);
    },

    syncRunEnded(run: EndedSyncRun): void {
      const labels = { connector: connectorLabel(run.connectorKey, builtInConnectorKeys), direction: run.direction };
      syncRuns.inc({ ...labels, status: run.status });
      for (const outcome of ['created', 'updated', 'failed', 'deleted'] as const) syncRecords.inc({ ...labels, outcome }, run[outcome]);
      if (run.durationMs !== null) syncRunDuration.observe(labels, run.durationMs / 1000);
    },

    deliveryAttempted(attempt: { status: string; responseStatus: number | null; durationMs: number }): void {
      const response = responseClass(attempt.responseStatus);
      webhookAttempts.inc({ status: attempt.status, response });
      webhookAttemptDuration.observe({ response }, attempt.durationMs / 1000);
    },

    keyVerified(result: string): void {
      apiKeyVerifications.inc({ result });
    },
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
