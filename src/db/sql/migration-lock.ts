import type { QueryRunner } from 'typeorm';

const MIGRATION_LOCK = 'integration.migrations';

/** Held on one connection while migrations run, so replicas starting together do not race. */
export async function acquireMigrationLock(runner: QueryRunner): Promise<void> {
  await runner.query('SELECT pg_advisory_lock(hashtext($1))', [MIGRATION_LOCK]);
}

export async function releaseMigrationLock(runner: QueryRunner): Promise<void> {
  await runner.query('SELECT pg_advisory_unlock(hashtext($1))', [MIGRATION_LOCK]);
}
