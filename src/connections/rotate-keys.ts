import type { Logger } from 'pino';
import type { DataSource, EntityManager } from 'typeorm';
import type { CredentialsVault } from './credentials-vault';
import { lockSealedBatch } from './sql/lock-sealed-batch';
import { writeResealedValues } from './sql/write-resealed-values';

/**
 * Every column that holds a vault-sealed value, by table. A new sealed column must be added here,
 * or a rotation leaves it under the old key and retiring that key breaks it.
 */
export const SEALED_COLUMNS: Readonly<Record<string, readonly string[]>> = {
  connection: ['credentials_encrypted'],
  oauth_client: ['client_secret_encrypted'],
  oauth_state: ['code_verifier_encrypted'],
  webhook_subscription: ['secret_encrypted', 'previous_secret_encrypted'],
};

/** Rows per transaction: small enough that row locks are brief, large enough to finish quickly. */
export const ROTATION_BATCH_SIZE_IN_ROWS = 500;

/** Sorts before every uuid, so the first batch's keyset condition needs no special case. */
const LOWEST_UUID = '00000000-0000-0000-0000-000000000000';

interface BatchResult {
  rowsRead: number;
  lastId: string | null;
  valuesResealed: number;
}

/**
 * Re-seals every value that is not yet under the vault's current key, table by table, in
 * batches that each commit on their own. A value already current is left alone, so a run that
 * stops part way (or a second run) just carries on. Returns how many values each table had
 * re-sealed. Fails on a value no configured key opens, naming the row, so nothing is skipped
 * silently: add the missing key to INTEGRATION_ENCRYPTION_PREVIOUS_KEYS and run again.
 */
export async function rotateEncryptionKeys(
  db: DataSource,
  vault: CredentialsVault,
  log: Logger,
  batchSizeInRows: number = ROTATION_BATCH_SIZE_IN_ROWS,
): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const [table, columns] of Object.entries(SEALED_COLUMNS)) {
    counts[table] = 0;
    let afterId = LOWEST_UUID;
    for (;;) {
      const batch = await db.transaction((manager) => resealBatch(manager, vault, log, table, columns, afterId, batchSizeInRows));
      counts[table] += batch.valuesResealed;
      if (batch.lastId) afterId = batch.lastId;
      if (batch.rowsRead < batchSizeInRows) break;
    }
    log.info({ table, resealed: counts[table], keyId: vault.currentKeyId }, 'encryption key rotation: table done');
  }
  return counts;
}

/**
 * One keyset page of one table. FOR UPDATE holds these rows until commit, so a concurrent write
 * (a token refresh storing new credentials) either lands before we read or waits for us; it is
 * never overwritten with the older value we re-sealed.
 */
async function resealBatch(
  manager: EntityManager,
  vault: CredentialsVault,
  log: Logger,
  table: string,
  columns: readonly string[],
  afterId: string,
  limit: number,
): Promise<BatchResult> {
  const rows = await lockSealedBatch(manager, table, columns, afterId, limit);
  let valuesResealed = 0;
  for (const row of rows) {
    const changes: [string, string][] = [];
    for (const column of columns) {
      const sealed = row[column];
      if (sealed == null) continue;
      try {
        if (!vault.isCurrent(sealed)) changes.push([column, vault.reseal(sealed)]);
      } catch (error) {
        // Which row, never which value: the operator needs to find it, the log must not hold it.
        log.error({ table, column, id: row.id, err: (error as Error).message }, 'encryption key rotation: cannot open value');
        throw error;
      }
    }
    if (!changes.length) continue;
    // updated_at stays: the secret did not change, only the key it is sealed under.
    await writeResealedValues(manager, table, row.id as string, changes);
    valuesResealed += changes.length;
  }
  return { rowsRead: rows.length, lastId: rows.length ? (rows[rows.length - 1].id as string) : null, valuesResealed };
}
