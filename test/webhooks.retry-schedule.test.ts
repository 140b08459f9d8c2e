import { baseRetryDelayMs, MAX_RETRY_AFTER_MS, retryAfterMs, retryDelayMs } from '../src/webhooks/retry-schedule';
import { RetryPolicy } from '../src/webhooks/webhook.enums';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
/** random() = 0.5 is the middle of the jitter range: the schedule's exact delays. */
const exact = { random: () => 0.5 };

describe('retry schedule (DESIGN.md)', () => {
  it('EXPONENTIAL waits 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h, then 10 h each', () => {
    const delays = Array.from({ length: 10 }, (_, i) => retryDelayMs(RetryPolicy.EXPONENTIAL, i + 1, exact));
    expect(delays).toEqual([5 * S, 5 * M, 30 * M, 2 * H, 5 * H, 10 * H, 10 * H, 10 * H, 10 * H, 10 * H]);
  });

  it('LINEAR waits n × 60 s, FIXED 60 s, and NONE never retries', () => {
    expect([1, 2, 3, 10].map((n) => retryDelayMs(RetryPolicy.LINEAR, n, exact))).toEqual([60 * S, 120 * S, 180 * S, 600 * S]);
    expect([1, 2, 10].map((n) => retryDelayMs(RetryPolicy.FIXED, n, exact))).toEqual([60 * S, 60 * S, 60 * S]);
    expect([1, 2, 10].map((n) => retryDelayMs(RetryPolicy.NONE, n, exact))).toEqual([null, null, null]);
  });

  it('jitters by at most ±10 %, reaching both ends of the range', () => {
    expect(retryDelayMs(RetryPolicy.FIXED, 1, { random: () => 0 })).toBe(54 * S);
    expect(retryDelayMs(RetryPolicy.FIXED, 1, { random: () => 0.999999 })).toBe(66 * S);
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      const delay = retryDelayMs(RetryPolicy.EXPONENTIAL, 4)!;
      expect(delay).toBeGreaterThanOrEqual(0.9 * 2 * H);
      expect(delay).toBeLessThanOrEqual(1.1 * 2 * H);
      seen.add(delay);
    }
    expect(seen.size).toBeGreaterThan(100); // really random, not a constant
  });

  it('scales every delay by the same factor, so order and ratios hold in tests', () => {
    const scale = 0.001;
    for (const policy of [RetryPolicy.EXPONENTIAL, RetryPolicy.LINEAR, RetryPolicy.FIXED]) {
      for (let n = 1; n <= 10; n++) {
        expect(retryDelayMs(policy, n, { scale, random: () => 0.5 })).toBe(Math.round(baseRetryDelayMs(policy, n)! * scale));
      }
    }
    const scaled = Array.from({ length: 7 }, (_, i) => retryDelayMs(RetryPolicy.EXPONENTIAL, i + 1, { scale: 0.01, random: () => 0.5 })!);
    expect(scaled).toEqual([50, 3000, 18000, 72000, 180000, 360000, 360000]);
  });

  it('refuses nonsense arguments instead of returning a wrong delay', () => {
    expect(() => retryDelayMs(RetryPolicy.FIXED, 0)).toThrow(RangeError);
    expect(() => retryDelayMs(RetryPolicy.FIXED, 1.5)).toThrow(RangeError);
    expect(() => retryDelayMs(RetryPolicy.FIXED, 1, { scale: 0 })).toThrow(RangeError);
    expect(() => retryDelayMs(RetryPolicy.FIXED, 1, { scale: Number.NaN })).toThrow(RangeError);
    expect(() => retryDelayMs('SOMETIMES' as RetryPolicy, 1)).toThrow(RangeError);
  });
});

describe('Retry-After', () => {
  const now = Date.parse('2025-06-01T12:00:00Z');

  it('reads delta-seconds', () => {
    expect(retryAfterMs('120', now)).toBe(120 * S);
    expect(retryAfterMs(' 0 ', now)).toBe(0);
  });

  it('reads the three HTTP-date forms relative to now', () => {
    expect(retryAfterMs('Sun, 01 Jun 2025 12:00:30 GMT', now)).toBe(30 * S);
    expect(retryAfterMs('Sunday, 01-Jun-25 12:01:00 GMT', now)).toBe(60 * S);
    expect(retryAfterMs('Sun Jun  1 12:00:10 2025', now)).toBe(10 * S); // asctime: GMT, whatever the local zone
  });

  it('treats a date in the past as "now"', () => {
    expect(retryAfterMs('Sat, 31 May 2025 12:00:00 GMT', now)).toBe(0);
  });

  it('caps the wait at 24 h', () => {
    expect(retryAfterMs('999999', now)).toBe(MAX_RETRY_AFTER_MS);
    expect(retryAfterMs('9'.repeat(400), now)).toBe(MAX_RETRY_AFTER_MS);
    expect(retryAfterMs('Mon, 01 Jun 2026 12:00:00 GMT', now)).toBe(24 * H);
  });

  it.each([null, undefined, '', '   ', '-5', '1.5', '1e3', 'soon', 'Sun, 99 Foo 2025 99:99:99 GMT', '2025-06-01T12:00:30Z'])(
    'returns null for %p so the schedule applies',
    (value) => {
      expect(retryAfterMs(value, now)).toBeNull();
    },
  );
});
