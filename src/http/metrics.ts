import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/**
 * One Prometheus registry per service instance (tests run several in one process, so the
 * global default registry would mix them).
 */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return {
    registry,
    dbQueries: new Counter({ name: 'integration_db_queries_total', help: 'SQL statements sent through the ORM', registers: [registry] }),
    graphqlRequests: new Counter({
      name: 'integration_graphql_requests_total',
      help: 'GraphQL operations by type and outcome',
      labelNames: ['operation_type', 'outcome'],
      registers: [registry],
    }),
    graphqlDuration: new Histogram({
      name: 'integration_graphql_request_duration_seconds',
      help: 'GraphQL operation latency by type',
      labelNames: ['operation_type'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
