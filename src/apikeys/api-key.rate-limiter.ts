import type { PoolQueryable } from './sql/pool-queryable';
import { takeRateBudget, TakeRow } from './sql/take-rate-budget';

/** A key's limit: at most `limit` requests in any `windowSeconds` long interval. */
export interface RatePolicy {
  limit: number;
  windowSeconds: number;
}

export interface RateDecision {
  allowed: boolean;
  limit: number;
  /** What is left of the window after this request (as of this process's last word from the database). */
  remaining: number;
  /** The next moment budget frees up (the oldest counted requests leave the window). */
  resetAt: Date;
  /** Whole seconds until resetAt, at least 1: the RATE_LIMITED answer's retryAfterSeconds. */
  retryAfterSeconds: number;
}

interface Waiter {
  resolve(decision: RateDecision): void;
  reject(error: unknown): void;
}

/** Budget this process took ahead of use: spent locally until its sub-window ends. */
interface Lease {
  slot: string;
  remaining: number;
  /** Local time by which the lease's sub-window has surely ended in the database's clock. */
  expiresAt: number;
}

interface KeyState {
  keyId: string;
  organizationId: string;
  policy: RatePolicy;
  waiters: Waiter[];
  lease: Lease | null;
  giveBack: { slot: string; count: number } | null;
  /** Points to ask for beyond the waiters next time: grows while demand outruns the leases. */
  prefetch: number;
  /** The sub-window of the last grant (database numbering), its local end, and what this process admitted in it. */
  slot: string;
  slotEnd: number;
  slotDemand: number;
  /** The database's count after the last statement (leases included) and when budget frees up. */
  used: number;
  resetAt: number;
  /** No budget anywhere until then: refused without asking again (a flood costs no statements). */
  exhaustedUntil: number;
  inFlight: boolean;
  touchedAt: number;
}

/** Statements a process has in flight at once; more would only queue on the same hot rows. */
const MAX_IN_FLIGHT = 2;
/** How often expired or idle leases are given back, and idle keys forgotten. */
const SWEEP_INTERVAL_MS = 1_000;
/** A lease untouched this long goes back early: long sub-windows must not strand budget. */
const LEASE_IDLE_MS = 1_000;
const IDLE_FORGET_MS = 120_000;
/**
 * A refused key is refused locally for at most this long before asking again: long enough that
 * a flood costs a few statements a second, short enough to see budget another process gave back.
 */
const EXHAUSTED_RECHECK_MS = 250;

/**
 * The per-key sliding-window limit, shared by every replica through Postgres
 * (migrations/1764720000000-api-key-rate-window.ts holds the algorithm and why).
 *
 * Requests that need the database wait for the next statement, which asks for all of them per key
 * at once and for a lease beyond them; later requests spend the lease in memory until its
 * sub-window ends. The lease grows only while demand outruns it (1, 2, 4 … and at most a quarter
 * of what is left), so a quiet key asks per request and a busy one about once per sub-window,
 * and unused points are given back. Every admitted request was counted in the database, in its
 * own sub-window, before it was admitted: replicas together never admit more than the limit.
 */
export class ApiKeyRateLimiter {
  private readonly keys = new Map<string, KeyState>();
  private readonly dirty = new Set<KeyState>();
  private inFlight = 0;
  private readonly sweeper: NodeJS.Timeout;
  private closed = false;

  constructor(private readonly pool: PoolQueryable) {
    this.sweeper = setInterval(() => this.sweep(), SWEEP_INTERVAL_MS);
    this.sweeper.unref();
  }

  take(keyId: string, organizationId: string, policy: RatePolicy): Promise<RateDecision> {
    if (this.closed) return Promise.reject(new Error('ApiKeyRateLimiter is closed'));
    const now = Date.now();
    const s = this.state(keyId, organizationId, policy, now);
    this.expireLease(s, now);
    if (s.lease && s.lease.remaining > 0) {
      s.lease.remaining--;
      s.slotDemand++;
      return Promise.resolve(this.decision(s, true, policy.limit - s.used + s.lease.remaining, now));
    }
    if (s.exhaustedUntil > now) return Promise.resolve(this.decision(s, false, 0, now));
    if (s.waiters.length === 0) {
      // Demand outran this sub-window's lease: ask for twice as much; a new sub-window starts
      // from what the last one used.
      if (now < s.slotEnd) s.prefetch = Math.min(Math.max(1, s.prefetch * 2), policy.limit);
      else s.prefetch = now < s.slotEnd + (policy.windowSeconds * 1000) / 60 ? s.slotDemand : 0;
    }
    return new Promise<RateDecision>((resolve, reject) => {
      s.waiters.push({ resolve, reject });
      this.dirty.add(s);
      this.send();
    });
  }

  /** Requests that queued while the statement was in flight may fit in the lease it brought. */
  private serveFromLease(s: KeyState): void {
    const now = Date.now();
    this.expireLease(s, now);
    while (s.waiters.length && s.lease && s.lease.remaining > 0) {
      s.lease.remaining--;
      s.slotDemand++;
      s.waiters.shift()!.resolve(this.decision(s, true, s.policy.limit - s.used + s.lease.remaining, now));
    }
  }

  /** Gives back every unused lease, then refuses further takes (the service's stop sequence). */
  async close(): Promise<void> {
    clearInterval(this.sweeper);
    for (const s of this.keys.values()) this.expireLease(s, Number.POSITIVE_INFINITY);
    const pending = [...this.keys.values()].filter((s) => s.giveBack && !s.inFlight);
    this.closed = true;
    if (pending.length) await this.run(pending).catch(() => undefined);
  }

  private state(keyId: string, organizationId: string, policy: RatePolicy, now: number): KeyState {
    let s = this.keys.get(keyId);
    if (!s) {
      s = {
        keyId,
        organizationId,
        policy,
        waiters: [],
        lease: null,
        giveBack: null,
        prefetch: 0,
        slot: '',
        slotEnd: 0,
        slotDemand: 0,
        used: 0,
        resetAt: 0,
        exhaustedUntil: 0,
        inFlight: false,
        touchedAt: now,
      };
      this.keys.set(keyId, s);
    }
    s.touchedAt = now;
    return s;
  }

  /** A lease past its sub-window is dead; its unused points go back with the next statement. */
  private expireLease(s: KeyState, now: number): void {
    if (!s.lease || now < s.lease.expiresAt) return;
    if (s.lease.remaining > 0) s.giveBack = { slot: s.lease.slot, count: s.lease.remaining };
    s.lease = null;
  }

  private decision(s: KeyState, allowed: boolean, remaining: number, now: number): RateDecision {
    const resetAt = Math.max(s.resetAt, now);
    return {
      allowed,
      limit: s.policy.limit,
      remaining: Math.max(0, remaining),
      resetAt: new Date(resetAt),
      retryAfterSeconds: Math.max(1, Math.ceil((resetAt - now) / 1000)),
    };
  }

  private send(): void {
    if (this.inFlight >= MAX_IN_FLIGHT || this.dirty.size === 0 || this.closed) return;
    const batch = [...this.dirty].filter((s) => !s.inFlight);
    if (batch.length === 0) return;
    for (const s of batch) this.dirty.delete(s);
    this.inFlight++;
    void this.run(batch).finally(() => {
      this.inFlight--;
      for (const s of batch) {
        this.serveFromLease(s);
        if (s.waiters.length || s.giveBack) this.dirty.add(s);
      }
      this.send();
    });
  }

  private async run(batch: KeyState[]): Promise<void> {
    const entries = batch.map((s) => {
      s.inFlight = true;
      const entry = { s, waiters: s.waiters, giveBack: s.giveBack, prefetch: s.waiters.length ? s.prefetch : 0 };
      s.waiters = [];
      s.giveBack = null;
      return entry;
    });
    const sentAt = Date.now();
    try {
      const rows = await takeRateBudget(
        this.pool,
        entries.map((e) => ({
          keyId: e.s.keyId,
          organizationId: e.s.organizationId,
          limit: e.s.policy.limit,
          windowMs: e.s.policy.windowSeconds * 1000,
          waiting: e.waiters.length,
          prefetch: e.prefetch,
          giveBackSlot: e.giveBack?.slot ?? null,
          giveBackCount: e.giveBack?.count ?? 0,
        })),
      );
      const byKey = new Map(rows.map((row) => [row.key_id, row]));
      const receivedAt = Date.now();
      for (const { s, waiters } of entries) {
        s.inFlight = false;
        const row = byKey.get(s.keyId);
        if (row) this.settle(s, waiters, row, sentAt, receivedAt);
        else for (const w of waiters) w.reject(new Error(`rate limiter returned no row for key ${s.keyId}`));
      }
    } catch (error) {
      // The give-backs are lost (their points stay counted until they leave the window): safe.
      for (const { s, waiters } of entries) {
        s.inFlight = false;
        for (const w of waiters) w.reject(error);
      }
    }
  }

  /** The first `granted` waiters are admitted in arrival order; the rest of the grant is the lease. */
  private settle(s: KeyState, waiters: Waiter[], row: TakeRow, sentAt: number, receivedAt: number): void {
    const dbNow = Number(row.now_ms);
    const toLocal = (dbMs: number) => receivedAt + (dbMs - dbNow);
    const slotEndLocal = toLocal(Number(row.slot_end_ms));
    s.used = row.used;
    s.resetAt = toLocal(Number(row.reset_at_ms));
    if (row.slot !== s.slot) s.slotDemand = 0;
    s.slot = row.slot;
    s.slotEnd = slotEndLocal;

    const admitted = Math.min(row.granted, waiters.length);
    const usedBefore = row.used - row.granted;
    s.slotDemand += admitted;
    waiters.forEach((w, i) => {
      w.resolve(this.decision(s, i < admitted, i < admitted ? s.policy.limit - (usedBefore + i + 1) : s.policy.limit - row.used, receivedAt));
    });
    if (admitted < waiters.length) s.exhaustedUntil = Math.min(s.resetAt, slotEndLocal, receivedAt + EXHAUSTED_RECHECK_MS);

    const leased = row.granted - admitted;
    if (leased > 0) {
      // The database's "now" lies somewhere within the round trip: ending the lease a round trip
      // early keeps every use inside the sub-window it was counted in.
      const expiresAt = slotEndLocal - (receivedAt - sentAt) - 1;
      s.lease = { slot: row.slot, remaining: leased, expiresAt };
      if (expiresAt <= receivedAt) this.expireLease(s, receivedAt);
    }
  }

  private sweep(): void {
    const now = Date.now();
    for (const s of this.keys.values()) {
      this.expireLease(s, now - s.touchedAt > LEASE_IDLE_MS ? Number.POSITIVE_INFINITY : now);
      if (s.giveBack && !s.inFlight) this.dirty.add(s);
      else if (!s.lease && !s.waiters.length && !s.inFlight && now - s.touchedAt > IDLE_FORGET_MS) this.keys.delete(s.keyId);
    }
    this.send();
  }
}
