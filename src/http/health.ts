import { Router } from 'express';
import type PgBoss from 'pg-boss';
import type { DataSource } from 'typeorm';
import { pingDatabase } from '../db/sql/ping-database';
import type { Metrics } from './metrics';

const CHECK_TIMEOUT_MS = 2_000;

function withTimeout<T>(promise: Promise<T>): Promise<T> {
  return Promise.race([promise, new Promise<T>((_, reject) => setTimeout(() => reject(new Error('timed out')), CHECK_TIMEOUT_MS))]);
}

/**
 * /healthz: the process answers (liveness). /readyz: the database and the queue answer, so a
 * load balancer stops routing here while Postgres is away. /metrics: Prometheus text.
 */
export function healthRouter(db: DataSource, boss: PgBoss, metrics: Metrics, isShuttingDown: () => boolean): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const checks: Record<string, string> = {};
    await withTimeout(pingDatabase(db)).then(
      () => (checks.database = 'ok'),
      (error: Error) => (checks.database = error.message),
    );
    await withTimeout(boss.getQueues()).then(
      () => (checks.queue = 'ok'),
      (error: Error) => (checks.queue = error.message),
    );
    if (isShuttingDown()) checks.process = 'shutting down';
    const ready = Object.values(checks).every((value) => value === 'ok');
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'unavailable', checks });
  });
  router.get('/metrics', async (_req, res) => {
    res.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  return router;
}
