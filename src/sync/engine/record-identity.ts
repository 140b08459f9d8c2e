import { createHash } from 'node:crypto';

/**
 * The CRM id of an external record, derived from (connection, external object, external id):
 * a run that dies between writing the record and committing its link writes the same id again
 * when it resumes, so a crash can never create a second copy.
 */
export function internalIdFor(connectionId: string, externalObject: string, externalId: string): string {
  const hex = createHash('sha256').update(`${connectionId}\u0000${externalObject}\u0000${externalId}`).digest('hex');
  // Shaped as a version-5-style UUID so it fits uuid columns.
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** A stable hash of mapped values: key order does not matter, so re-reads of unchanged data match. */
export function contentHash(value: unknown): string {
  return createHash('sha256').update(stableStringify(value)).digest('hex');
}

function stableStringify(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  const entries = Object.keys(value as Record<string, unknown>)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${stableStringify((value as Record<string, unknown>)[key])}`);
  return `{${entries.join(',')}}`;
}
