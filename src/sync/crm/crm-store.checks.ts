import { BadUserInputError } from '../../errors';
import { crmFieldNames, crmObject } from './crm-objects';
import type { CrmChangeCursor } from './crm-store.port';

/**
 * The argument checks both CRM stores share, in one place so the built-in store and the gateway
 * adapter refuse the same calls with the same typed errors.
 */

export const MAX_CHANGES_PAGE = 1000;

/** Kept by the store on every write; a value for them in `data` would be overwritten anyway. */
const SYSTEM_FIELDS = new Set(['id', 'created_date', 'last_modified_date']);

export function checkObject(object: string): void {
  if (!crmObject(object)) throw new BadUserInputError(`Unknown CRM object "${object}"`, 'object');
}

export function checkOrganization(organizationId: string): void {
  if (typeof organizationId !== 'string' || !organizationId) throw new BadUserInputError('organizationId is required', 'organizationId');
}

/** Each object's field names as a set, built once: every record a sync writes is checked against it. */
const fieldSets = new Map<string, Set<string>>();
function knownFields(object: string): Set<string> {
  let known = fieldSets.get(object);
  if (!known) fieldSets.set(object, (known = new Set(crmFieldNames(object))));
  return known;
}

/**
 * The fields of `data` the store writes: the object's own fields, with system fields dropped
 * (the store maintains them). An unknown field is refused rather than dropped, since it means a
 * mapping that was not checked against the object.
 */
export function writableData(object: string, data: unknown, index: number): Record<string, unknown> {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    throw new BadUserInputError(`rows[${index}].data must be an object`, `rows.${index}.data`);
  }
  const known = knownFields(object);
  const out: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(data)) {
    if (SYSTEM_FIELDS.has(field) || value === undefined) continue;
    if (!known.has(field)) throw new BadUserInputError(`${object} has no field "${field}"`, `rows.${index}.data.${field}`);
    out[field] = value;
  }
  return out;
}

export function checkLimit(limit: number): void {
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_CHANGES_PAGE) {
    throw new BadUserInputError(`limit must be between 1 and ${MAX_CHANGES_PAGE}`, 'limit');
  }
}

export function checkCursor(after: CrmChangeCursor | null): void {
  if (after === null) return;
  if (typeof after.at !== 'string' || Number.isNaN(Date.parse(after.at)) || typeof after.id !== 'string' || !after.id) {
    throw new BadUserInputError('after is not a position returned by changedSince', 'after');
  }
}
