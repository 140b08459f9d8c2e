import type PgBoss from 'pg-boss';
import type { EntityManager } from 'typeorm';
import { executeBossStatement } from './sql/execute-boss-statement';

/**
 * pg-boss's `db` option backed by a TypeORM transaction, so a job is sent in the same
 * transaction as the rows it concerns (it exists if and only if they committed).
 */
export function bossExecutor(manager: EntityManager): PgBoss.Db {
  return { executeSql: (text: string, values?: unknown[]) => executeBossStatement(manager, text, values) } as PgBoss.Db;
}
