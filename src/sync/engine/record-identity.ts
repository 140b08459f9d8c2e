import { hash } from 'node:crypto';
import type { LinkScope } from '../link-scope';

/**
 * The CRM id of an external record, derived from its identity (organization, provider, provider
 * account, external object, external id): a run that dies between writing the record and
 * committing its link writes the same id again when it resumes, and a second connection to the
 * same account (or one whose links were lost with a deleted connection) writes the same record,
 * so neither can create a second copy.
 */
export function internalIdFor(scope: LinkScope, externalObject: string, externalId: string): string {
  // One-shot hash(): each record takes three of these, and it costs half of a createHash chain.
  const key = `${scope.organizationId}\u0000${scope.provider}\u0000${scope.accountKey}\u0000${externalObject}\u0000${externalId}`;
  const hex = hash('sha256', key, 'hex');
  // Shaped as a version-5-style UUID so it fits uuid columns (variant bits 10 in the fourth group).
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * Hashes raw external records together with what reads them (the mapping's rules, or the
 * default), so an unchanged record read through an unchanged mapping is recognised before it is
 * mapped. Plain JSON, not key-sorted: providers send a record's keys in a stable order, and a
 * reordering only costs one mapping. 128 bits, base64url.
 */
export function sourceHasher(reader: unknown): (record: Record<string, unknown>) => string {
  const prefix = `${JSON.stringify(reader ?? null)}\u0000`;
  return (record) => hash('sha256', prefix + JSON.stringify(record), 'base64url').slice(0, 22);
}

/** A stable hash of mapped values: key order does not matter, so re-reads of unchanged data match. */
export function contentHash(value: unknown): string {
  return hash('sha256', stableStringify(value), 'hex');
}

function stableStringify(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  const entries = Object.keys(value as Record<string, unknown>)
    .sort()
    .map((key) => `${JSON.stringify(key)}:${stableStringify((value as Record<string, unknown>)[key])}`);
  return `{${entries.join(',')}}`;
}

/** Id fields by the names providers give them, most to least usual. */
const ID_FIELDS = ['id', 'Id', 'ID'];

/**
 * How to read an external record's id for `object`: `id` (Stripe, PayPal, Graph, custom
 * connectors, which copy their idField there), `Id` (QuickBooks), else the object's first
 * required top-level field (LinkedIn's profile `sub`, an organization ACL's `organization`).
 * Null for a record without one: it cannot be linked and is counted failed.
 */
export function externalIdReader(object: { fields: { name: string; required: boolean }[] }): (record: Record<string, unknown>) => string | null {
  const names = object.fields.map((f) => f.name);
  const field = ID_FIELDS.find((name) => names.includes(name)) ?? object.fields.find((f) => f.required && !f.name.includes('.'))?.name ?? 'id';
  return (record) => {
    const value = record[field] ?? record.id;
    return value === undefined || value === null || value === '' ? null : String(value);
  };
}
