import type { Queryable } from '../../db/sql/queryable';

/**
 * A statement pg-boss composed (send, insert), run on the caller's transaction. Its text is
 * pg-boss's own; this module only carries it, so pg-boss stays the one author of its SQL.
 */
export async function executeBossStatement(db: Queryable, text: string, values?: unknown[]): Promise<{ rows: unknown[] }> {
  const rows: unknown[] = await db.query(text, values);
  return { rows };
}
