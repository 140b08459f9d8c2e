import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { startEmbeddedPostgres } from '../../src/db/embedded-postgres/embedded-postgres';

/**
 * One PostgreSQL for the whole run: DATABASE_URL when set, else an embedded server in a temp
 * dir. Each test file then creates its own database on it (test/support/service.ts).
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.DATABASE_URL) {
    process.env.TEST_ADMIN_DATABASE_URL = process.env.DATABASE_URL;
    return;
  }
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'integration-test-pg-'));
  const embedded = await startEmbeddedPostgres(dataDir, undefined, pino({ level: 'silent' }));
  process.env.TEST_ADMIN_DATABASE_URL = embedded.url;
  (globalThis as Record<string, unknown>).__EMBEDDED_PG__ = { stop: embedded.stop, dataDir };
}
