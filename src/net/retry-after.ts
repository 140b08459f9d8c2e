/**
 * The one Retry-After reader (RFC 9110 §10.2.3: delay-seconds or an HTTP-date). Fractional
 * seconds ("1.5") are not in the RFC, but some servers send them; they mean what they say (1.5 s),
 * everywhere alike. Returns milliseconds from `now`, or null when absent or unreadable.
 */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/** The same as whole seconds for a `retryAfterSeconds` extension: at least 1, rounded up. */
export function retryAfterSeconds(value: string | null | undefined, now = Date.now()): number | undefined {
  const ms = parseRetryAfter(value, now);
  return ms === null ? undefined : Math.max(1, Math.ceil(ms / 1000));
}
