import type { Queryable } from './queryable';

/** The cheapest round trip that proves the database answers (readiness). */
export async function pingDatabase(db: Queryable): Promise<void> {
  await db.query('SELECT 1');
}
