import { DataSource } from 'typeorm';
import { BadUserInputError } from '../errors';
import { UsageGranularity } from './api-key.enums';
import { ApiKeyUsageBucket } from './api-key.type';

/** At most a year of hours: larger ranges are a mistake, not a report. */
const MAX_BUCKETS = 24 * 366;

/**
 * Usage per hour or day in [from, to), every bucket present (zeros included) so a chart needs no
 * gap filling. Day buckets are sums of the stored hour buckets, in UTC.
 */
export async function usageBuckets(
  db: DataSource,
  organizationId: string,
  apiKeyId: string,
  from: Date,
  to: Date,
  granularity: UsageGranularity,
): Promise<ApiKeyUsageBucket[]> {
  const unit = granularity === UsageGranularity.DAY ? 'day' : 'hour';
  const span = (to.getTime() - from.getTime()) / (unit === 'day' ? 86_400_000 : 3_600_000);
  if (span > MAX_BUCKETS) throw new BadUserInputError(`at most ${MAX_BUCKETS} buckets per request`, 'from');
  const rows: { start: Date; requests: string; rejected: string }[] = await db.query(
    `SELECT b.start, coalesce(sum(u.requests), 0) AS requests, coalesce(sum(u.rejected), 0) AS rejected
       FROM generate_series(date_trunc($4, $2::timestamptz AT TIME ZONE 'UTC') AT TIME ZONE 'UTC',
                            $3::timestamptz - interval '1 microsecond', ('1 ' || $4)::interval) AS b(start)
       LEFT JOIN api_key_usage u
         ON u.organization_id = $1 AND u.api_key_id = $5
        AND u.bucket_start >= b.start AND u.bucket_start < b.start + ('1 ' || $4)::interval
      GROUP BY b.start ORDER BY b.start`,
    [organizationId, from, to, unit, apiKeyId],
  );
  return rows.map((row) => Object.assign(new ApiKeyUsageBucket(), { start: row.start, requests: Number(row.requests), rejected: Number(row.rejected) }));
}
