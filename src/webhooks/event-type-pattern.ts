/**
 * Event type patterns as subscriptions and integrationEvents take them: an exact type
 * (opportunity.won), a prefix ending in `.*` (opportunity.*, matching opportunity.won and
 * opportunity.stage.changed), or `*` for everything.
 */
export function matchesEventType(pattern: string, type: string): boolean {
  if (pattern === '*') return true;
  if (pattern.endsWith('.*')) return type.startsWith(pattern.slice(0, -1));
  return pattern === type;
}

/** The same pattern as a SQL LIKE operand (null for `*`, which filters nothing). */
export function eventTypeLike(pattern: string): string | null {
  if (pattern === '*') return null;
  const escaped = pattern.replace(/[\\%_]/g, (c) => `\\${c}`);
  return pattern.endsWith('.*') ? `${escaped.slice(0, -1)}%` : escaped;
}
