import 'reflect-metadata';
import { loadConfig } from '../config';
import { createDataSource } from './data-source';
import { openDatabase } from '../db/database';
import { createLogger } from '../logger';
import { CredentialsVault } from '../connections/credentials-vault';
import { rotateEncryptionKeys } from '../connections/rotate-keys';

/**
 * `npm run keys:rotate`: after INTEGRATION_ENCRYPTION_KEY(_ID) names the new key and the old one
 * moved to INTEGRATION_ENCRYPTION_PREVIOUS_KEYS, re-seals every stored secret under the new key.
 * Safe to run while the service runs and to run again; once it reports success the old key can go.
 */
async function run(): Promise<void> {
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  const vault = await CredentialsVault.fromConfig(config, log);
  const database = await openDatabase(config, log);
  const db = createDataSource(database.url, log);
  await db.initialize();
  try {
    const counts = await rotateEncryptionKeys(db, vault, log);
    process.stdout.write(`values re-encrypted under key "${vault.currentKeyId}":\n`);
    for (const [table, count] of Object.entries(counts)) process.stdout.write(`  ${table}: ${count}\n`);
  } finally {
    await db.destroy();
    await database.stop();
  }
}

run().catch((error) => {
  process.stderr.write(`key rotation failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
