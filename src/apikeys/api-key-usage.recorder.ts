import type { Logger } from 'pino';
import type { PoolQueryable } from './sql/pool-queryable';
import { flushUsage } from './sql/flush-usage';

const HOUR_MS = 3_600_000;
/** How often counts are written: usage is a report, not a ledger; a second behind is fine. */
export const USAGE_FLUSH_INTERVAL_MS = 1_000;

interface KeyUsage {
  organizationId: string;
  requests: number;
  lastUsedAt: number;
  /** hour start (epoch ms) -> counts */
  hours: Map<number, { requests: number; rejected: number }>;
}

/**
 * usageCount, lastUsedAt and the hourly api_key_usage buckets, counted in memory and written
 * once a second (and on shutdown) in one statement for every key used since the last flush:
 * a write per request would cost more than the request. A flush that fails keeps its counts for
 * the next one.
 */
export class ApiKeyUsageRecorder {
  private counts = new Map<string, KeyUsage>();
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;

  constructor(
    private readonly pool: PoolQueryable,
    private readonly log: Logger,
    private readonly intervalMs = USAGE_FLUSH_INTERVAL_MS,
  ) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.flush(), this.intervalMs);
    this.timer.unref();
  }

  /** One request that presented the key; `rejected` when the key check refused it. */
  count(keyId: string, organizationId: string, rejected: boolean, at = Date.now()): void {
    let usage = this.counts.get(keyId);
    if (!usage) {
      usage = { organizationId, requests: 0, lastUsedAt: at, hours: new Map() };
      this.counts.set(keyId, usage);
    }
    usage.requests++;
    if (at > usage.lastUsedAt) usage.lastUsedAt = at;
    const hour = at - (at % HOUR_MS);
    let bucket = usage.hours.get(hour);
    if (!bucket) {
      bucket = { requests: 0, rejected: 0 };
      usage.hours.set(hour, bucket);
    }
    bucket.requests++;
    if (rejected) bucket.rejected++;
  }

  /** Writes what was counted; concurrent calls share one write. */
  flush(): Promise<void> {
    if (!this.flushing) this.flushing = this.write().finally(() => (this.flushing = null));
    return this.flushing;
  }

  /** Stops the timer and writes what is left (the service's stop sequence). */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.flushing;
    await this.flush();
  }

  private async write(): Promise<void> {
    if (this.counts.size === 0) return;
    const batch = this.counts;
    this.counts = new Map();
    const keys = [...batch.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
    const buckets = keys.flatMap(([id, usage]) =>
      [...usage.hours.entries()].map(([hour, b]) => ({ id, org: usage.organizationId, hour: new Date(hour), requests: b.requests, rejected: b.rejected })),
    );
    try {
      await flushUsage(
        this.pool,
        buckets,
        keys.map(([id, u]) => ({ id, org: u.organizationId, requests: u.requests, lastUsedAt: new Date(u.lastUsedAt) })),
      );
    } catch (error) {
      this.log.warn({ err: (error as Error).message, keys: keys.length }, 'could not write API key usage; keeping it for the next flush');
      this.restore(batch);
    }
  }

  /** Puts a failed batch back under anything counted since. */
  private restore(batch: Map<string, KeyUsage>): void {
    for (const [id, old] of batch) {
      const now = this.counts.get(id);
      if (!now) {
        this.counts.set(id, old);
        continue;
      }
      now.requests += old.requests;
      now.lastUsedAt = Math.max(now.lastUsedAt, old.lastUsedAt);
      for (const [hour, b] of old.hours) {
        const cur = now.hours.get(hour);
        if (cur) {
          cur.requests += b.requests;
          cur.rejected += b.rejected;
        } else now.hours.set(hour, b);
      }
    }
  }
}
