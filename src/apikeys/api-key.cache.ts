import { LRUCache } from 'lru-cache';

/** What verification needs of a key row: no hash, no secret, nothing that changes per request. */
export interface KeySnapshot {
  id: string;
  organizationId: string;
  scopes: readonly string[];
  limit: number;
  windowSeconds: number;
  status: string;
  /** epoch ms, or null for a key that never expires */
  expiresAt: number | null;
}

/**
 * A backstop only: revocation and rotation evict entries on every replica through NOTIFY within
 * a second; the TTL bounds how long a notice lost while the LISTEN connection was reconnecting
 * can leave a revoked key usable. Expiry needs no eviction: it is checked on every use.
 */
export const VERIFICATION_CACHE_TTL_MS = 10_000;
/** Unknown keys are cached too (a flood of made-up keys must not become a flood of queries), so the size is bounded. */
const MAX_ENTRIES = 50_000;

interface Entry {
  key: KeySnapshot | null;
}

/**
 * Key hash -> key snapshot (or null for no such key), per process, in an lru-cache (bounded,
 * least recently used out first, entries stale after the TTL). `load` fetches a missing or stale
 * entry once however many requests ask at the same moment, and does not store a row read before
 * an eviction that arrived while it was being read (it could be the pre-revocation row).
 */
export class VerificationCache {
  private readonly entries: LRUCache<string, Entry>;
  private readonly hashById = new Map<string, string>();
  private readonly loading = new Map<string, Promise<KeySnapshot | null>>();
  /** Bumped by every eviction; a load that saw it move does not store its result. */
  private generation = 0;

  constructor(ttlMs = VERIFICATION_CACHE_TTL_MS) {
    this.entries = new LRUCache<string, Entry>({
      max: MAX_ENTRIES,
      ttl: ttlMs,
      // However an entry leaves (pushed out, replaced, evicted), its id stops pointing at it.
      dispose: (entry, hash) => {
        if (entry.key && this.hashById.get(entry.key.id) === hash) this.hashById.delete(entry.key.id);
      },
    });
  }

  /** The fresh entry for `hash`, undefined when it must be loaded. */
  peek(hash: string): KeySnapshot | null | undefined {
    return this.entries.get(hash)?.key;
  }

  async load(hash: string, fetch: (hash: string) => Promise<KeySnapshot | null>): Promise<KeySnapshot | null> {
    const cached = this.peek(hash);
    if (cached !== undefined) return cached;
    let pending = this.loading.get(hash);
    if (!pending) {
      const generation = this.generation;
      pending = fetch(hash)
        .then((key) => {
          if (generation === this.generation) this.store(hash, key);
          return key;
        })
        .finally(() => this.loading.delete(hash));
      this.loading.set(hash, pending);
    }
    return pending;
  }

  /** Drops the key with this id (revoked, rotated), wherever its entry is. */
  evictId(id: string): void {
    this.generation++;
    const hash = this.hashById.get(id);
    if (hash !== undefined) this.entries.delete(hash);
  }

  clear(): void {
    this.generation++;
    this.entries.clear();
    this.hashById.clear();
  }

  get size(): number {
    return this.entries.size;
  }

  private store(hash: string, key: KeySnapshot | null): void {
    this.entries.set(hash, { key });
    if (key) this.hashById.set(key.id, hash);
  }
}
