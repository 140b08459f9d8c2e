import { FieldType } from '../../connectors/connector.enums';
import { BadUserInputError } from '../../errors';
import { parseE164 } from '../mapping/phone-e164';
import { crmFieldNames, crmObject } from './crm-objects';

/**
 * The CRM fields an inbound sync finds an existing HotCRM record by before it creates one
 * (SyncConfig.matchOn), and how their values are compared: the same normalisation here (the
 * external record's mapped value) and in the lookup's SQL (the stored value,
 * src/sync/sql/crm-match-candidates.ts), so both sides meet.
 */

const SYSTEM_FIELDS = new Set(['id', 'created_date', 'last_modified_date']);

/** How a field's values are compared. */
export type MatchKind = 'email' | 'website' | 'phone' | 'text';

/** The effective matchOn of a config: what it stores (sync_config.match_on), else its target object's declared default. */
export function effectiveMatchOn(targetObject: string, stored: readonly string[] | null | undefined): string[] {
  return [...(stored ?? crmObject(targetObject)?.defaultMatchOn ?? [])];
}

/** A matchOn input checked against the target object's fields (BAD_USER_INPUT on 'matchOn'); duplicates are dropped. */
export function checkMatchOn(targetObject: string, matchOn: readonly string[]): string[] {
  const known = new Set(crmFieldNames(targetObject).filter((name) => !SYSTEM_FIELDS.has(name)));
  for (const field of matchOn) {
    if (!known.has(field)) {
      throw new BadUserInputError(`matchOn: '${field}' is not a field of ${targetObject} (fields: ${[...known].join(', ')})`, 'matchOn');
    }
  }
  return [...new Set(matchOn)];
}

/** By the field's declared type: emails, URLs (websites) and phones have their own normal forms. */
export function matchKindOf(object: string, field: string): MatchKind {
  const type = crmObject(object)?.fields.find((f) => f.name === field)?.type;
  if (type === FieldType.EMAIL) return 'email';
  if (type === FieldType.URL) return 'website';
  if (type === FieldType.PHONE) return 'phone';
  return 'text';
}

/** Host of a URL-ish value, lowercased, without scheme, leading www. and anything after the host. */
function hostOf(value: string): string {
  const match = /^([a-z][a-z0-9+.-]*:\/\/)?(www\.)?([^/:?#]*)/.exec(value);
  return match ? match[3] : value;
}

/** A value in its compared form, or null when it is empty (an empty value never matches). */
export function normaliseMatchValue(kind: MatchKind, value: unknown): string | null {
  if (value === undefined || value === null || typeof value === 'object') return null;
  const text = String(value).trim().toLowerCase();
  if (!text) return null;
  if (kind === 'website') return hostOf(text) || null;
  if (kind === 'phone') {
    let e164: string | null = null;
    try {
      e164 = parseE164(text);
    } catch {
      e164 = null;
    }
    // A number no parse accepts (a national number without country) is compared by its digits, as SQL does.
    return e164 ?? (text.replace(/[^0-9+]/g, '') || null);
  }
  return text;
}
