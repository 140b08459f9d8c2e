import type { Queryable } from '../../db/sql/queryable';

/** Whether the connection has any link to this external object yet (none: a sync's initial load). */
export async function hasLinks(db: Queryable, connectionId: string, externalObject: string): Promise<boolean> {
  const [{ linked }] = await db.query('SELECT EXISTS (SELECT 1 FROM external_link WHERE connection_id = $1 AND external_object = $2) AS linked', [
    connectionId,
    externalObject,
  ]);
  return linked;
}
