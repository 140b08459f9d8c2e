import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * API keys' rate limits, shared by every replica (src/apikeys/api-key.rate-limiter.ts).
 *
 * Why not rate-limiter-flexible's RateLimiterPostgres (the provider budget uses it): it counts fixed
 * windows, so a client can spend N at the end of one window and N again at the start of the next.
 * Keys promise a sliding window: at most `limit` requests in ANY `window` long interval.
 *
 * Each key has one row holding the counts of the sub-windows (window / 60 each) that still overlap
 * the window; the sub-window that straddles the window's start is counted in full, which can only
 * refuse a request slightly early, never admit one too many. `api_key_rate_take` locks each row
 * (in id order, so concurrent batches never deadlock), applies give-backs, prunes sub-windows that
 * left the window, grants what fits and records it: one statement per batch of keys, serialised
 * per key by the row lock, so replicas together never admit more than the limit. Time is the
 * database's clock, which every replica shares.
 *
 * Per key it grants `want` (requests waiting now) first, then up to `prefetch` more, at most a
 * quarter of what is left so other replicas always find budget: a lease the process spends
 * locally until the current sub-window ends, and gives back unused (`return_slot`/`return_count`)
 * so the count again equals what was admitted. Points are always counted in the sub-window they
 * are used in, which keeps the guarantee above.
 *
 * UNLOGGED: counters for windows of seconds to a day, written on every lease; a crash resets
 * them (keys get a fresh window), which is worth skipping the WAL.
 */
export class ApiKeyRateWindow1764720000000 implements MigrationInterface {
  name = 'ApiKeyRateWindow1764720000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE UNLOGGED TABLE api_key_rate_window (
        api_key_id uuid PRIMARY KEY,
        organization_id text NOT NULL,
        -- sub-window numbers (epoch ms / sub-window length), ascending, and their admitted counts
        slots bigint[] NOT NULL DEFAULT '{}',
        counts integer[] NOT NULL DEFAULT '{}'
      );

      CREATE FUNCTION api_key_rate_take(p_ids uuid[], p_orgs text[], p_limits integer[], p_windows_ms bigint[],
                                        p_wants integer[], p_prefetch integer[], p_return_slots bigint[], p_return_counts integer[])
      RETURNS TABLE (key_id uuid, granted integer, used integer, slot bigint, slot_end_ms bigint, reset_at_ms bigint, now_ms bigint)
      LANGUAGE plpgsql AS $fn$
      DECLARE
        v_now bigint := floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint;
        v_i integer;
        v_slot_ms bigint;
        v_cur bigint;
        v_oldest bigint;
        v_slots bigint[];
        v_counts integer[];
        v_before integer[];
        v_kept integer;
        v_used integer;
        v_min bigint;
        v_avail integer;
        v_granted integer;
        v_at integer;
      BEGIN
        FOR v_i IN SELECT u.ord::integer FROM unnest(p_ids) WITH ORDINALITY AS u(id, ord) ORDER BY u.id LOOP
          v_slot_ms := greatest(1, ceil(p_windows_ms[v_i] / 60.0))::bigint;
          v_cur := v_now / v_slot_ms;
          -- The sub-window holding (now - window) may still hold requests inside the window: kept.
          v_oldest := (v_now - p_windows_ms[v_i]) / v_slot_ms;

          SELECT w.slots, w.counts INTO v_slots, v_counts FROM api_key_rate_window w
           WHERE w.api_key_id = p_ids[v_i] AND w.organization_id = p_orgs[v_i] FOR UPDATE;
          IF NOT FOUND THEN
            INSERT INTO api_key_rate_window AS w (api_key_id, organization_id) VALUES (p_ids[v_i], p_orgs[v_i]) ON CONFLICT DO NOTHING;
            SELECT w.slots, w.counts INTO STRICT v_slots, v_counts FROM api_key_rate_window w
             WHERE w.api_key_id = p_ids[v_i] AND w.organization_id = p_orgs[v_i] FOR UPDATE;
          END IF;
          v_before := v_counts;

          -- A lease's unused points, given back to the sub-window they were counted in.
          IF coalesce(p_return_counts[v_i], 0) > 0 THEN
            v_at := array_position(v_slots, p_return_slots[v_i]);
            IF v_at IS NOT NULL THEN
              v_counts[v_at] := greatest(0, v_counts[v_at] - p_return_counts[v_i]);
            END IF;
          END IF;

          SELECT coalesce(array_agg(x.s ORDER BY x.s), '{}'), coalesce(array_agg(x.c ORDER BY x.s), '{}'),
                 coalesce(sum(x.c), 0), min(x.s), count(*)
            INTO v_slots, v_counts, v_used, v_min, v_kept
            FROM unnest(v_slots, v_counts) AS x(s, c) WHERE x.s >= v_oldest AND x.c > 0;

          v_avail := greatest(0, p_limits[v_i] - v_used);
          v_granted := least(p_wants[v_i], v_avail);
          v_granted := v_granted + least(coalesce(p_prefetch[v_i], 0), (v_avail - v_granted) / 4);
          IF v_granted > 0 THEN
            IF v_kept > 0 AND v_slots[v_kept] = v_cur THEN
              v_counts[v_kept] := v_counts[v_kept] + v_granted;
            ELSE
              v_slots := v_slots || v_cur;
              v_counts := v_counts || v_granted;
            END IF;
            v_min := coalesce(v_min, v_cur);
          END IF;
          -- A refused request changes nothing unless sub-windows expired: no write for a flood.
          IF v_counts IS DISTINCT FROM v_before THEN
            UPDATE api_key_rate_window w SET slots = v_slots, counts = v_counts WHERE w.api_key_id = p_ids[v_i];
          END IF;

          key_id := p_ids[v_i];
          granted := v_granted;
          used := v_used + v_granted;
          slot := v_cur;
          slot_end_ms := (v_cur + 1) * v_slot_ms;
          -- When the oldest counted sub-window leaves the window: the next moment budget frees up.
          reset_at_ms := (coalesce(v_min, v_cur) + 1) * v_slot_ms + p_windows_ms[v_i];
          now_ms := v_now;
          RETURN NEXT;
        END LOOP;
      END
      $fn$;
    `);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      DROP FUNCTION api_key_rate_take(uuid[], text[], integer[], bigint[], integer[], integer[], bigint[], integer[]);
      DROP TABLE api_key_rate_window;
    `);
  }
}
