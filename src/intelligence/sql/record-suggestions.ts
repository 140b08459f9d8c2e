import type { Queryable } from '../../db/sql/queryable';

/** Pairs kept per (organization, source object, target object): a few wide schemas' worth. */
export const MAX_LOGGED_PAIRS = 5000;

/**
 * Remembers what was suggested (`source target` keys) and the source fields' types. A pair keeps
 * the time it was first suggested (the right side of `||` wins, so the stored one does): a mapping
 * saved after that moment and without the pair rejected it. Past MAX_LOGGED_PAIRS the log starts
 * again from this call's pairs, so it stays bounded.
 */
const RECORD = `
  INSERT INTO mapping_suggestion_log AS log (organization_id, source_object, target_object, source_types, suggested, updated_at)
  VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, now())
  ON CONFLICT (organization_id, target_object, source_object) DO UPDATE SET
    source_types = log.source_types || excluded.source_types,
    suggested = CASE WHEN (SELECT count(*) FROM jsonb_object_keys(log.suggested || excluded.suggested)) > ${MAX_LOGGED_PAIRS}
                     THEN excluded.suggested ELSE excluded.suggested || log.suggested END,
    updated_at = now()`;

export async function recordSuggestions(
  db: Queryable,
  organizationId: string,
  sourceObject: string,
  targetObject: string,
  sourceTypes: Record<string, string | null>,
  pairs: { sourceField: string; targetField: string }[],
): Promise<void> {
  const now = new Date().toISOString();
  const suggested = Object.fromEntries(pairs.map((p) => [`${p.sourceField} ${p.targetField}`, now]));
  await db.query(RECORD, [organizationId, sourceObject, targetObject, JSON.stringify(sourceTypes), JSON.stringify(suggested)]);
}
