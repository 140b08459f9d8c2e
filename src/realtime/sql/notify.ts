import type { Queryable } from '../../db/sql/queryable';

/** Publishes on a channel; inside a transaction Postgres delivers it only on commit. */
export async function notify(db: Queryable, channel: string, payload: string): Promise<void> {
  await db.query('SELECT pg_notify($1, $2)', [channel, payload]);
}
