import type { PoolQueryable } from './pool-queryable';

/** What one key asks of the shared window in a statement. */
export interface RateTake {
  keyId: string;
  organizationId: string;
  limit: number;
  windowMs: number;
  /** Requests waiting for an answer now. */
  waiting: number;
  /** Points to lease beyond them. */
  prefetch: number;
  /** Unused points of an ended lease, given back to their sub-window. */
  giveBackSlot: string | null;
  giveBackCount: number;
}

export interface TakeRow {
  key_id: string;
  granted: number;
  used: number;
  slot: string;
  slot_end_ms: string;
  reset_at_ms: string;
  now_ms: string;
}

/**
 * One statement for every key of a batch: api_key_rate_take (migrations/1764720000000-api-key-
 * rate-window.ts holds the algorithm) counts, grants and leases in each key's sliding window, and
 * takes give-backs. One row per key asked for.
 */
export async function takeRateBudget(pool: PoolQueryable, takes: RateTake[]): Promise<TakeRow[]> {
  const { rows } = await pool.query<TakeRow>(
    'SELECT * FROM api_key_rate_take($1::uuid[], $2::text[], $3::int[], $4::bigint[], $5::int[], $6::int[], $7::bigint[], $8::int[])',
    [
      takes.map((t) => t.keyId),
      takes.map((t) => t.organizationId),
      takes.map((t) => t.limit),
      takes.map((t) => t.windowMs),
      takes.map((t) => t.waiting),
      takes.map((t) => t.prefetch),
      takes.map((t) => t.giveBackSlot),
      takes.map((t) => t.giveBackCount),
    ],
  );
  return rows;
}
