import type { DataSource } from 'typeorm';
import { recordSuggestions } from '../sql/record-suggestions';
import { suggestionLogs } from '../sql/suggestion-logs';
import { buildLearnedEvidence, type LearnedEvidence } from './learned-evidence';
import { pairsOf, savedMappings } from './learned-pairs';
import type { LearnedPair, ObjectSchemaLike, Suggestion } from './suggest-mappings';

export interface Learning {
  pairs: LearnedPair[];
  evidence: LearnedEvidence;
}

/**
 * What the organization taught the suggester into `targetObject`, read fresh on every call (no
 * cache, so a save counts from the next call): its newest saved mappings and what was suggested
 * before each, and its newest mappings into any object for word-for-word lessons. Every read is
 * scoped by the organization.
 */
export async function loadLearning(db: DataSource, organizationId: string, sourceObject: string, targetObject: string): Promise<Learning> {
  const rows = await savedMappings(db, organizationId, targetObject);
  // Word-for-word lessons (reference stands for number) hold into any object.
  const anyObject = await savedMappings(db, organizationId);
  const objects = [...new Set(rows.map((r) => r.sourceObject.toLowerCase()))];
  const logs = await suggestionLogs(db, organizationId, targetObject, objects);
  return { pairs: pairsOf(rows, sourceObject), evidence: buildLearnedEvidence(rows, logs, sourceObject, anyObject) };
}

/** Remembers this call's suggestions and source types: a mapping saved later without one rejects it. */
export function rememberSuggestions(
  db: DataSource,
  organizationId: string,
  source: ObjectSchemaLike,
  targetObject: string,
  suggestions: Suggestion[],
): Promise<void> {
  const types = Object.fromEntries(source.fields.map((f) => [f.name, f.type ?? null]));
  return recordSuggestions(db, organizationId, source.object.toLowerCase(), targetObject, types, suggestions);
}
