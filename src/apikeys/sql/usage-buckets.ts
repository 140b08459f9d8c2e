import type { Queryable } from '../../db/sql/queryable';

export interface UsageBucketRow {
  start: Date;
  /** Sums come back from Postgres as numeric text. */
  requests: string;
  rejected: string;
}

/**
 * A key's usage per `unit` (hour or day) in [from, to), every bucket present (zeros included) so a
 * chart needs no gap filling. Day buckets are sums of the stored hour buckets, in UTC.
 */
export function usageBuckets(db: Queryable, organizationId: string, apiKeyId: string, from: Date, to: Date, unit: 'hour' | 'day'): Promise<UsageBucketRow[]> {
  return db.query(
    `SELECT b.start, coalesce(sum(u.requests), 0) AS requests, coalesce(sum(u.rejected), 0) AS rejected
       FROM generate_series(date_trunc($4, $2::timestamptz AT TIME ZONE 'UTC') AT TIME ZONE 'UTC',
                            $3::timestamptz - interval '1 microsecond', ('1 ' || $4)::interval) AS b(start)
       LEFT JOIN api_key_usage u
         ON u.organization_id = $1 AND u.api_key_id = $5
        AND u.bucket_start >= b.start AND u.bucket_start < b.start + ('1 ' || $4)::interval
      GROUP BY b.start ORDER BY b.start`,
    [organizationId, from, to, unit, apiKeyId],
  );
}
