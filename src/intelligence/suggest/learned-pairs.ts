import type { DataSource } from 'typeorm';
import { FieldMappingEntity } from '../../sync/field-mapping.entity';
import type { LearnedPair } from './suggest-mappings';

/** The newest mappings first: when two disagree, the more recent choice is the user's current one. */
export const MAX_MAPPINGS = 200;

/** The organization's newest saved mappings into `targetObject` (into any object without one). */
export function savedMappings(db: DataSource, organizationId: string, targetObject?: string): Promise<FieldMappingEntity[]> {
  return db.getRepository(FieldMappingEntity).find({
    where: targetObject === undefined ? { organizationId } : { organizationId, targetObject },
    order: { updatedAt: 'DESC' },
    take: MAX_MAPPINGS,
  });
}

/**
 * Saved rules of the same source object as pairs the suggester ranks above its guesses (rows
 * newest first). Rules of other objects teach through their words (learned-evidence.ts): the
 * same name on another provider's object (`status`, `id`) often means something else.
 */
export function pairsOf(rows: readonly FieldMappingEntity[], sourceObject: string): LearnedPair[] {
  const same = rows.filter((row) => row.sourceObject.toLowerCase() === sourceObject.toLowerCase());
  const pairs = same.flatMap((row) =>
    row.rules.map((rule) => ({
      sourceField: rule.sourceField,
      targetField: rule.targetField,
      transform: rule.transform ?? null,
      mappingName: row.name,
      sameSourceObject: row.sourceObject.toLowerCase() === sourceObject.toLowerCase(),
    })),
  );
  // Same source object first, then newest: the first pair for a (source, target) is the one kept.
  return pairs.sort((a, b) => Number(b.sameSourceObject) - Number(a.sameSourceObject));
}

/** The organization's saved rules into `targetObject`, as pairs the suggester ranks above its guesses. */
export async function learnedPairs(db: DataSource, organizationId: string, sourceObject: string, targetObject: string): Promise<LearnedPair[]> {
  return pairsOf(await savedMappings(db, organizationId, targetObject), sourceObject);
}
