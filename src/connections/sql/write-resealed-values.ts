import type { Queryable } from '../../db/sql/queryable';

/**
 * Stores a row's values re-sealed under the current key. updated_at stays: the secret did not
 * change, only the key it is sealed under. `table` and the columns come from SEALED_COLUMNS.
 */
export async function writeResealedValues(db: Queryable, table: string, id: string, changes: [column: string, sealed: string][]): Promise<void> {
  const assignments = changes.map(([column], i) => `${column} = $${i + 2}`).join(', ');
  await db.query(`UPDATE ${table} SET ${assignments} WHERE id = $1`, [id, ...changes.map(([, value]) => value)]);
}
