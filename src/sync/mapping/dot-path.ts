/**
 * Dot paths into plain records (`address.city`, `lines.0.amount`), used by mapping rules to read
 * the source and write the target. Segments are letters, digits, `_`, `$` and `-`; the names that
 * reach Object.prototype are refused so a stored mapping can never pollute it when writing.
 */
const SEGMENT = /^[A-Za-z0-9_$-]+$/;
const FORBIDDEN = new Set(['__proto__', 'prototype', 'constructor']);
export const MAX_DOT_PATH_LENGTH = 200;

export function isValidDotPath(path: unknown): path is string {
  if (typeof path !== 'string' || path.length === 0 || path.length > MAX_DOT_PATH_LENGTH) return false;
  return path.split('.').every((segment) => SEGMENT.test(segment) && !FORBIDDEN.has(segment));
}

/** The value at `path`, or undefined when any step is missing or not an object. */
export function readPath(record: unknown, path: string): unknown {
  let current: unknown = record;
  for (const segment of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    if (!Object.prototype.hasOwnProperty.call(current, segment)) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

/** Sets `path` in `record`, creating plain objects for missing steps (and replacing scalars in the way). */
export function writePath(record: Record<string, unknown>, path: string, value: unknown): void {
  const segments = path.split('.');
  let current: Record<string, unknown> = record;
  for (const segment of segments.slice(0, -1)) {
    const next = Object.prototype.hasOwnProperty.call(current, segment) ? current[segment] : undefined;
    if (next === null || typeof next !== 'object') current[segment] = {};
    current = current[segment] as Record<string, unknown>;
  }
  current[segments[segments.length - 1]] = value;
}
