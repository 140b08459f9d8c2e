import 'reflect-metadata';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'pg';
import pino from 'pino';
import { stripe } from '../src/providers/stripe/stripe.connector';
import { startQueues, stopBoss } from '../src/jobs/boss';
import type { CreateFieldMappingInput } from '../src/sync/field-mapping.inputs';
import type { CreateSyncConfigInput } from '../src/sync/sync-config.inputs';
import { SyncDirection, SyncMode, SyncTrigger, TransformType } from '../src/sync/sync.enums';
import { startInProcessServices } from './in-process-services';
import { openBenchDatabase } from './support';
import { StripeLike, startStripeLike } from './stripe-like-server';

/**
 * The sync benches' engine, in-process (pg-boss job, executor, connector, mapping, content
 * hashes, built-in CRM store, links, per-page progress) on a fresh database, reading Stripe
 * customers into accounts from the local Stripe-shaped server (stripe-like-server.ts).
 */
export const ORG = 'bench';
export const API_KEY = 'sk_test_benchSyncBench4242';

/** A finished run's sync_run row, with the wall time from trigger to the bench seeing it end. */
export interface RunRow {
  status: string;
  duration_ms: number;
  records_processed: number;
  records_created: number;
  records_updated: number;
  records_matched: number;
  records_failed: number;
  error_details: unknown;
  wallMs: number;
}

export interface SyncBench {
  pool: Pool;
  server: StripeLike;
  databaseUrl: string;
  /** Triggers a run of the config on the queue and waits for its end (polled every 20 ms). */
  sync(mode?: SyncMode): Promise<RunRow>;
  close(): Promise<void>;
}

export async function startSyncBench(total: number, options: { matchOn?: string[] } = {}): Promise<SyncBench> {
  const database = await openBenchDatabase();
  const server = await startStripeLike(API_KEY, total);
  const log = pino({ level: process.env.BENCH_LOG_LEVEL ?? 'silent' });
  const { db, boss, services } = await startInProcessServices(database.url, log, true);
  await startQueues(boss, services.queues, true, log);
  const pool = new Pool({ connectionString: database.url, max: 2 });
  // Stripe's documented 100 requests/s would cap any sync at 10,000 records/s: raised out of the
  // way (still reserved in Postgres, as in production) so the engine's own cost is measured.
  stripe.rateLimit.limit = 1_000_000;
  const connection = await services.connections.create(ORG, {
    connectorKey: 'stripe',
    name: 'bench',
    credentials: { apiKey: API_KEY },
    config: { baseUrl: server.url },
  });
  const mapping = await services.fieldMappings.create(ORG, {
    name: 'customer → account',
    sourceObject: 'customers',
    targetObject: 'account',
    rules: [
      { sourceField: 'name', targetField: 'name', transform: { type: TransformType.TRIM } },
      { sourceField: 'email', targetField: 'email', transform: { type: TransformType.LOWERCASE } },
      { sourceField: 'phone', targetField: 'phone', transform: { type: TransformType.PHONE_E164 } },
      { sourceField: 'address.city', targetField: 'billing_city' },
      { sourceField: 'address.country', targetField: 'billing_country' },
    ],
  } as CreateFieldMappingInput);
  const syncConfig = await services.syncConfigs.create(ORG, {
    name: 'bench customers',
    connectionId: connection.id,
    sourceObject: 'customers',
    targetObject: 'account',
    direction: SyncDirection.INBOUND,
    frequency: 'manual',
    fieldMappingId: mapping.id,
    ...(options.matchOn ? { matchOn: options.matchOn } : {}),
  } as CreateSyncConfigInput);

  const sync = async (mode = SyncMode.FULL): Promise<RunRow> => {
    const started = performance.now();
    const run = await services.syncRuns.trigger(ORG, syncConfig.id, mode, SyncTrigger.MANUAL);
    for (;;) {
      const [row] = await pool
        .query(
          `SELECT status, duration_ms, records_processed, records_created, records_updated, records_matched, records_failed, error_details
             FROM sync_run WHERE id = $1`,
          [run.id],
        )
        .then((r) => r.rows);
      if (!['QUEUED', 'RUNNING'].includes(row.status)) {
        if (row.status !== 'COMPLETED') throw new Error(`run ended ${row.status}: ${JSON.stringify(row)}`);
        return { ...row, wallMs: performance.now() - started };
      }
      await sleep(20);
    }
  };

  const close = async () => {
    await pool.end();
    await stopBoss(boss, 2000);
    await services.close();
    await db.destroy();
    server.child.kill();
    await database.dispose();
  };
  return { pool, server, databaseUrl: database.url, sync, close };
}
