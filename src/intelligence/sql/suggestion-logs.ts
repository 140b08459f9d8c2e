import type { Queryable } from '../../db/sql/queryable';

export interface SuggestionLogRow {
  sourceObject: string;
  /** Source field → its type (null when the caller gave none). */
  sourceTypes: Record<string, string | null>;
  /** `source target` → when the pair was first suggested (ISO). */
  suggested: Record<string, string>;
}

/** The organization's suggestion logs into `targetObject` from the given source objects. */
export async function suggestionLogs(db: Queryable, organizationId: string, targetObject: string, sourceObjects: string[]): Promise<SuggestionLogRow[]> {
  if (!sourceObjects.length) return [];
  const rows: { source_object: string; source_types: Record<string, string | null>; suggested: Record<string, string> }[] = await db.query(
    `SELECT source_object, source_types, suggested FROM mapping_suggestion_log
      WHERE organization_id = $1 AND target_object = $2 AND source_object = ANY($3::text[])`,
    [organizationId, targetObject, sourceObjects],
  );
  return rows.map((r) => ({ sourceObject: r.source_object, sourceTypes: r.source_types, suggested: r.suggested }));
}
