import { acquireMigrationLock, releaseMigrationLock } from './sql/migration-lock';
import { DataSource, Logger as TypeOrmLogger, MixedList } from 'typeorm';
import type { Logger } from 'pino';
import { migrations } from '../../migrations';

/**
 * Routes TypeORM's messages into pino and counts statements (the /metrics counter and the
 * entities bench read it) without ever logging parameters, which may hold secrets.
 */
class QueryLogger implements TypeOrmLogger {
  constructor(
    private readonly logger: Logger,
    private readonly onQuery: () => void,
  ) {}
  logQuery(): void {
    this.onQuery();
  }
  logQueryError(error: string | Error, query: string): void {
    this.logger.warn({ err: error instanceof Error ? error.message : error, query }, 'query failed');
  }
  logQuerySlow(time: number, query: string): void {
    this.logger.warn({ time, query }, 'slow query');
  }
  logSchemaBuild(): void {}
  logMigration(message: string): void {
    this.logger.info(message);
  }
  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    if (level === 'warn') this.logger.warn({ message }, 'typeorm');
  }
}

/**
 * The service's data source over `entities` (the assembly's list: src/assembly/data-source.ts
 * binds it, so this layer names no capability).
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- TypeORM's entity list type
export function createDataSourceFor(entities: MixedList<Function>, url: string, log: Logger, onQuery: () => void = () => {}): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    entities,
    migrations,
    migrationsTransactionMode: 'all',
    synchronize: false,
    logging: ['query', 'error', 'warn', 'migration'],
    logger: new QueryLogger(log, onQuery),
    maxQueryExecutionTime: 1000,
    extra: {
      max: 10,
      connectionTimeoutMillis: 5000,
      // Without this an idle socket broken by a Postgres restart is only noticed on next use.
      keepAlive: true,
      // JIT compiles a statement whose estimated cost passes jit_above_cost: ~250 ms for a sync
      // page's match lookup over 100,000 records that runs in 2 ms, on every page. This service's
      // statements are short OLTP ones; none gains from it.
      options: '-c jit=off',
    },
  });
}

/** Runs pending migrations under an advisory lock so replicas starting together do not race. */
export async function migrate(dataSource: DataSource): Promise<string[]> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await acquireMigrationLock(runner);
    const applied = await dataSource.runMigrations({ transaction: 'all' });
    return applied.map((m) => m.name);
  } finally {
    await releaseMigrationLock(runner).catch(() => undefined);
    await runner.release();
  }
}
