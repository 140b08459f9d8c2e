import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'pg';
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRes } from 'rate-limiter-flexible';
import { InternalError, RateLimitedError } from '../../errors';

/** A provider's documented request budget: `limit` requests per `windowSeconds`. */
export interface RatePolicy {
  limit: number;
  windowSeconds: number;
}

/** A process reserves at most 1/10 of a window's budget at once (see reserve). */
const RESERVATION_DIVISOR = 10;

/** The budget stayed exhausted for longer than the caller is willing to wait. */
export class RateBudgetExceededError extends RateLimitedError {
  constructor(
    readonly key: string,
    retryAfterSeconds: number,
  ) {
    super(`Request budget for ${key} is used up; retry in ${retryAfterSeconds} s`, retryAfterSeconds);
    this.name = 'RateBudgetExceededError';
  }
}

/** A call after close(): the process is shutting down under a request or job still in flight. */
export class RateBudgetClosedError extends InternalError {
  readonly code = 'RATE_BUDGET_CLOSED';
  constructor() {
    super('RateBudget is closed');
    this.name = 'RateBudgetClosedError';
  }
}

export interface RateBudgetOptions {
  /** The shared store; every replica pointing at the same database shares one budget. */
  pool: Pool;
  /** End the pool on close() (set when the budget created it). */
  ownsPool?: boolean;
  /** Longest a take() waits for a point before giving up with RateBudgetExceededError. */
  maxWaitMs?: number;
}

/** Created by migrations/1764288000000-provider-rate-budget.ts. */
const TABLE_NAME = 'provider_rate_budget';
/** Spreads waiters that would otherwise all wake on the same millisecond and race for points. */
const WAKE_JITTER_MS = 25;

/**
 * A per-provider request budget shared across replicas (DESIGN.md §4 "Provider HTTP"), kept in
 * Postgres by rate-limiter-flexible as fixed windows: `take()` waits for a point instead of
 * failing, so callers pace themselves rather than collecting 429s from the provider.
 */
export class RateBudget {
  private readonly limiters = new Map<string, RateLimiterPostgres>();
  /** Points this process reserved from the shared window and has not used yet. */
  private readonly reservations = new Map<string, { remaining: number; expiresAt: number }>();
  private readonly reserving = new Map<string, Promise<void>>();
  private readonly maxWaitMs: number;
  private closed = false;

  constructor(private readonly options: RateBudgetOptions) {
    this.maxWaitMs = options.maxWaitMs ?? 30_000;
  }

  /** A budget with a small pool of its own, ended by close(). */
  static fromUrl(databaseUrl: string, options: Omit<RateBudgetOptions, 'pool' | 'ownsPool'> = {}): RateBudget {
    const pool = new Pool({ connectionString: databaseUrl, max: 4, connectionTimeoutMillis: 5000, keepAlive: true });
    return new RateBudget({ ...options, pool, ownsPool: true });
  }

  /** Resolves once one point of `key`'s budget under `policy` is consumed. */
  async take(key: string, policy: RatePolicy): Promise<void> {
    if (this.closed) throw new RateBudgetClosedError();
    const id = `${policy.limit}/${policy.windowSeconds}s:${key}`;
    const deadline = Date.now() + this.maxWaitMs;
    for (;;) {
      const local = this.reservations.get(id);
      if (local && local.remaining > 0 && Date.now() < local.expiresAt) {
        local.remaining--;
        return;
      }
      // One reservation at a time per key in this process; the others wait for it, then retry.
      const pending = this.reserving.get(id);
      if (pending) {
        await pending;
        continue;
      }
      const reservation = this.reserve(id, key, policy, deadline).finally(() => this.reserving.delete(id));
      this.reserving.set(id, reservation);
      await reservation;
    }
  }

  /**
   * Takes a slice of the window's budget from the shared store in one round trip and hands it out
   * locally: a tenth of the limit (at least 1), so a busy provider costs one store write per slice
   * instead of one per request, while the store's count still bounds every replica together.
   */
  private async reserve(id: string, key: string, policy: RatePolicy, deadline: number): Promise<void> {
    const limiter = this.limiterFor(policy);
    const slice = Math.max(1, Math.floor(policy.limit / RESERVATION_DIVISOR));
    for (;;) {
      try {
        const granted = await limiter.consume(key, slice);
        this.reservations.set(id, { remaining: slice, expiresAt: Date.now() + granted.msBeforeNext });
        return;
      } catch (rejection) {
        // Anything but a RateLimiterRes is a bug or a store failure the insurance did not absorb.
        if (!(rejection instanceof RateLimiterRes)) throw rejection;
        const waitMs = Math.max(rejection.msBeforeNext, 1) + Math.floor(Math.random() * WAKE_JITTER_MS);
        if (Date.now() + waitMs > deadline) {
          throw new RateBudgetExceededError(key, Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)));
        }
        await sleep(waitMs);
      }
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.limiters.clear();
    if (this.options.ownsPool) await this.options.pool.end();
  }

  /** One limiter per distinct policy; the prefix keeps two policies for one key from sharing a counter. */
  private limiterFor(policy: RatePolicy): RateLimiterPostgres {
    if (!Number.isInteger(policy.limit) || policy.limit < 1 || !(policy.windowSeconds > 0)) {
      // Built-in policies are constants and a custom one passes the definition schema first: an invariant.
      throw new Error(`Invalid rate policy ${JSON.stringify(policy)}: limit must be a positive integer, windowSeconds > 0`);
    }
    const id = `${policy.limit}/${policy.windowSeconds}s`;
    let limiter = this.limiters.get(id);
    if (!limiter) {
      limiter = new RateLimiterPostgres({
        storeClient: this.options.pool,
        storeType: 'pool',
        tableName: TABLE_NAME,
        tableCreated: true,
        keyPrefix: id,
        points: policy.limit,
        duration: policy.windowSeconds,
        // If Postgres is briefly unreachable, pace this process alone rather than fail every
        // provider call; the shared budget resumes when the store answers again.
        insuranceLimiter: new RateLimiterMemory({ keyPrefix: id, points: policy.limit, duration: policy.windowSeconds }),
      });
      this.limiters.set(id, limiter);
    }
    return limiter;
  }
}
