import type { PoolQueryable } from './pool-queryable';

/** One key's hour of counts. */
export interface UsageBucketWrite {
  id: string;
  org: string;
  hour: Date;
  requests: number;
  rejected: number;
}

/** One key's totals since the last flush. */
export interface KeyUsageWrite {
  id: string;
  org: string;
  requests: number;
  lastUsedAt: Date;
}

/**
 * The usage flush in one statement for every key used since the last one: the hourly
 * api_key_usage buckets (added to) and each key's usage_count and last_used_at. Keys that no
 * longer exist are skipped by the joins rather than failing the batch. Callers pass keys in id
 * order, so concurrent flushes from replicas lock rows in the same order.
 */
export async function flushUsage(pool: PoolQueryable, buckets: UsageBucketWrite[], keys: KeyUsageWrite[]): Promise<void> {
  await pool.query(
    `WITH buckets AS (
           INSERT INTO api_key_usage AS u (organization_id, api_key_id, bucket_start, requests, rejected)
           SELECT b.org, b.id, b.hour, b.requests, b.rejected
             FROM unnest($1::uuid[], $2::text[], $3::timestamptz[], $4::int[], $5::int[]) AS b(id, org, hour, requests, rejected)
             JOIN api_key k ON k.id = b.id AND k.organization_id = b.org
            ORDER BY b.id, b.hour
           ON CONFLICT (api_key_id, bucket_start)
           DO UPDATE SET requests = u.requests + excluded.requests, rejected = u.rejected + excluded.rejected
         )
         UPDATE api_key k
            SET usage_count = k.usage_count + t.requests,
                last_used_at = GREATEST(k.last_used_at, t.last_used_at)
           FROM unnest($6::uuid[], $7::text[], $8::bigint[], $9::timestamptz[]) AS t(id, org, requests, last_used_at)
          WHERE k.id = t.id AND k.organization_id = t.org`,
    [
      buckets.map((b) => b.id),
      buckets.map((b) => b.org),
      buckets.map((b) => b.hour),
      buckets.map((b) => b.requests),
      buckets.map((b) => b.rejected),
      keys.map((k) => k.id),
      keys.map((k) => k.org),
      keys.map((k) => k.requests),
      keys.map((k) => k.lastUsedAt),
    ],
  );
}
