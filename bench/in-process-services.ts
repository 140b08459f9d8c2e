import type PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { createDataSource } from '../src/assembly/data-source';
import { createServices } from '../src/assembly/services';
import { loadConfig } from '../src/config';
import { migrate } from '../src/db/data-source';
import { startBoss } from '../src/jobs/boss';

export interface InProcessServices {
  db: DataSource;
  boss: PgBoss;
  services: Awaited<ReturnType<typeof createServices>>;
}

/**
 * The service's assembly in the bench's own process on `url` (migrated, pg-boss started; its
 * queues' workers only when `worker`), configured as tests are: private targets allowed, a fixed
 * encryption key. Shared by the benches that drive the engine without HTTP.
 */
export async function startInProcessServices(url: string, log: Logger, worker: boolean): Promise<InProcessServices> {
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: url,
    ALLOW_PRIVATE_TARGETS: 'true',
    INTEGRATION_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64'),
  });
  const db = createDataSource(url, log);
  await db.initialize();
  await migrate(db);
  const boss = await startBoss(url, worker, log);
  const services = await createServices(db, url, config, log, boss);
  return { db, boss, services };
}
