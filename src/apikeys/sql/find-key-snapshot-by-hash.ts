import type { Queryable } from '../../db/sql/queryable';

export interface KeySnapshotRow {
  id: string;
  organization_id: string;
  scopes: string[];
  rate_limit: number;
  rate_window_seconds: number;
  status: string;
  expires_at: Date | null;
}

/**
 * What verification needs of a key, by digest: the lookup that stands in for comparing keys. Not
 * scoped by organization: holding the key is the proof, and the row says whose it is.
 */
export async function findKeySnapshotByHash(db: Queryable, keyHash: string): Promise<KeySnapshotRow | null> {
  const rows: KeySnapshotRow[] = await db.query(
    'SELECT id, organization_id, scopes, rate_limit, rate_window_seconds, status, expires_at FROM api_key WHERE key_hash = $1',
    [keyHash],
  );
  return rows[0] ?? null;
}
