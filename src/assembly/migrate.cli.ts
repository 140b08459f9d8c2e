import 'reflect-metadata';
import { loadConfig } from '../config';
import { createLogger } from '../logger';
import { migrate } from '../db/data-source';
import { createDataSource } from './data-source';
import { openDatabase } from '../db/database';

/** `npm run migrate`: applies pending migrations and exits. */
async function run(): Promise<void> {
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  const database = await openDatabase(config, log);
  const db = createDataSource(database.url, log);
  await db.initialize();
  try {
    const applied = await migrate(db);
    log.info({ migrations: applied }, applied.length ? 'migrations applied' : 'database is up to date');
  } finally {
    await db.destroy();
    await database.stop();
  }
}

run().catch((error) => {
  process.stderr.write(`migration failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
