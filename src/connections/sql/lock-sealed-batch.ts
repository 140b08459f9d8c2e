import type { Queryable } from '../../db/sql/queryable';

/**
 * One keyset page of a table's sealed columns, rows locked until the caller's transaction ends
 * (FOR UPDATE: a concurrent write of new credentials lands before the read or waits for the
 * re-seal, never is overwritten by it). Every organization's rows: a key rotation re-seals them
 * all. `table` and `columns` come from SEALED_COLUMNS, never from a caller.
 */
export function lockSealedBatch(
  db: Queryable,
  table: string,
  columns: readonly string[],
  afterId: string,
  limit: number,
): Promise<Record<string, string | null>[]> {
  return db.query(`SELECT id, ${columns.join(', ')} FROM ${table} WHERE id > $1::uuid ORDER BY id LIMIT $2 FOR UPDATE`, [afterId, limit]);
}
