import { isSupportedCountry } from 'libphonenumber-js';
import type { FieldType } from '../../connectors/connector.enums';
import { referencedCrmObject } from '../../sync/mapping/reference-target';
import { TransformType } from '../../sync/sync.enums';
import { CandidateIndex } from './candidate-index';
import { objectWord, profileField, type FieldProfile } from './field-profile';
import type { LearnedEvidence } from './learned-evidence';
import { guessedReference } from './reference-guess';
import { cachedTypeFit, confidenceBound, explainPair, scorePair, type PairScore } from './pair-score';
import { typeFit, type SuggestedTransform, type TypeFit } from './transform-choice';

export interface SchemaFieldLike {
  name: string;
  type?: FieldType | null;
  sampleValues?: readonly unknown[] | null;
  /** The connector object this field's ids point at (a Stripe invoice's `customer` → customers). */
  references?: string | null;
}

export interface ObjectSchemaLike {
  object: string;
  fields: readonly SchemaFieldLike[];
}

/** A rule of one of the organization's saved mappings into the same target object. */
export interface LearnedPair {
  sourceField: string;
  targetField: string;
  transform: { type: string; params?: unknown } | null;
  mappingName: string;
  /** Saved for the same source object (stronger than the same field name on another object). */
  sameSourceObject: boolean;
}

export interface Suggestion {
  sourceField: string;
  targetField: string;
  confidence: number;
  transform: { type: TransformType; params: unknown } | null;
  reasons: string[];
}

/** Below this a guess is more often wrong than right on the tuning pairs (bench/mapping.eval.ts). */
export const MIN_CONFIDENCE = 0.5;
const LEARNED_SAME_OBJECT = 0.99;
const LEARNED_OTHER_OBJECT = 0.96;
const FULL_NAME_SPLIT = 0.8;

interface Candidate {
  source: FieldProfile;
  target: FieldProfile;
  confidence: number;
  transform: SuggestedTransform | { type: string; params?: unknown } | null;
  learned: boolean;
  /** Given for learned pairs and splits; heuristic pairs explain their score once kept. */
  reasons?: string[];
  score?: PairScore;
}

/** Candidates kept per target field: the assignment rarely reaches past the first few. */
const PER_TARGET = 8;
const byConfidence = (a: Candidate, b: Candidate) =>
  b.confidence - a.confidence || Number(b.learned) - Number(a.learned) || a.source.name.length - b.source.name.length;

/** A country for national phone numbers: the ISO code (or USA) most country samples show. */
function phoneCountry(fields: FieldProfile[], raw: readonly SchemaFieldLike[]): string | null {
  for (const [i, field] of fields.entries()) {
    if (!field.words.includes('country')) continue;
    for (const sample of raw[i].sampleValues ?? []) {
      const text = typeof sample === 'string' ? sample.trim() : '';
      if (/^(USA|United States)$/i.test(text)) return 'US';
      if (/^[A-Z]{2}$/.test(text) && isSupportedCountry(text)) return text;
    }
  }
  return null;
}

/**
 * Suggestions for filling `target`'s fields from `source`'s: every pair that can score (learned
 * pairs first; candidate-index.ts finds the others without scoring all n × m), then assigned
 * greedily by confidence so each target field gets at most one source and each source fills one
 * target (a full name may fill first and last name through SPLIT).
 * Pure: the service adds the organization's learned pairs and evidence and checks input.
 */
export function suggestMappings(
  source: ObjectSchemaLike,
  target: ObjectSchemaLike,
  learned: readonly LearnedPair[] = [],
  minConfidence = MIN_CONFIDENCE,
  evidence: LearnedEvidence | null = null,
): Suggestion[] {
  const into = objectWord(target.object);
  const sources = source.fields.map((f) => profileField(f.name, f.type, f.sampleValues, into));
  const targets = target.fields.map((f) => profileField(f.name, f.type, f.sampleValues, into));
  const fitOf = cachedTypeFit(phoneCountry(sources, source.fields));
  const candidates: Candidate[] = [];

  const sourceByName = new Map(sources.map((s) => [s.name, s]));
  const targetByName = new Map(targets.map((t) => [t.name, t]));
  for (const pair of learned) {
    const s = sourceByName.get(pair.sourceField);
    const t = targetByName.get(pair.targetField);
    if (!s || !t) continue;
    candidates.push({
      source: s,
      target: t,
      learned: true,
      transform: pair.transform,
      confidence: pair.sameSourceObject ? LEARNED_SAME_OBJECT : LEARNED_OTHER_OBJECT,
      reasons: [`learned from mapping "${pair.mappingName}": ${pair.sourceField} → ${pair.targetField} (the same field of this object)`],
    });
  }
  // Only sources that can make a target's cut are scored: the same result as scoring all n × m pairs.
  const ranked = [...sources].sort((a, b) => a.name.length - b.name.length);
  const index = new CandidateIndex(ranked, minConfidence);
  const scored = new Int32Array(ranked.length);
  targets.forEach((t, at) => candidates.push(...bestSources(t, ranked, index, fitOf, minConfidence, scored, at + 1)));
  // Learning beyond exact names (learned-evidence.ts): lessons add, raise and demote candidates.
  evidence?.apply(sources, targets, candidates, fitOf, minConfidence);
  candidates.sort(byConfidence);

  const usedTargets = new Set<string>();
  const usedSources = new Set<string>();
  const learnedSources = new Set<string>();
  const chosen: Candidate[] = [];
  for (const c of candidates) {
    if (usedTargets.has(c.target.name)) continue;
    // A user may fill two targets from one source (a name split in two); a guess may not.
    if (usedSources.has(c.source.name) && !(c.learned && learnedSources.has(c.source.name))) continue;
    usedTargets.add(c.target.name);
    usedSources.add(c.source.name);
    if (c.learned) learnedSources.add(c.source.name);
    chosen.push(c);
  }
  chosen.push(...fullNameSplit(sources, targets, usedSources, usedTargets, minConfidence));

  const pointsAt = new Map(source.fields.flatMap((f) => (f.references ? [[f.name, f.references] as const] : [])));
  return chosen
    .map((c) => {
      const suggestion: Suggestion = {
        sourceField: c.source.name,
        targetField: c.target.name,
        confidence: Math.round(c.confidence * 1000) / 1000,
        // Learned transforms were checked by validate-rules.ts when saved, so their type is a TransformType.
        transform: c.transform ? { type: c.transform.type as TransformType, params: c.transform.params ?? null } : null,
        reasons: c.reasons ?? explainPair(c.source, c.target, c.score!),
      };
      if (c.learned) return suggestion;
      const declared = pointsAt.get(c.source.name);
      const object = declared ?? guessedReference(c.source, source.object, objectWord(source.object));
      return asReference(suggestion, object ?? undefined, target.object, !declared);
    })
    .sort((a, b) => b.confidence - a.confidence || a.targetField.localeCompare(b.targetField));
}

/** Confidence bounds are bucketed (not sorted) to be scored from the highest bucket down. */
type FitOf = (s: FieldProfile, t: FieldProfile) => TypeFit;
const BOUND_BUCKETS = 64;

interface Ranked {
  rank: number;
  candidate: Candidate;
}

/** `confidence` from source `rank` falls after `than` in byConfidence order (ties: the shorter name, then the earlier field). */
const fallsAfter = (confidence: number, rank: number, than: Ranked) =>
  confidence < than.candidate.confidence || (confidence === than.candidate.confidence && rank > than.rank);

/**
 * The PER_TARGET best sources for `t`, exactly those scoring every source would keep. `ranked`
 * holds the sources by name length, then schema order, byConfidence's tie-break, so a position
 * decides a tie. Candidates are scored from the highest confidence bound down, and one whose bound
 * already falls after the PER_TARGET-th pair found is skipped: its score cannot make the cut.
 * `scored` marks (with `stamp`) the sources scored for this target, as one may come by two ways.
 */
function bestSources(
  t: FieldProfile,
  ranked: FieldProfile[],
  index: CandidateIndex,
  fitOf: FitOf,
  floor: number,
  scored: Int32Array,
  stamp: number,
): Candidate[] {
  const bucket = (bound: number) => Math.min(BOUND_BUCKETS - 1, Math.floor(bound * BOUND_BUCKETS));
  /** Per bucket: sources met by name as [position, bound] pairs, and groups sharing a bound. */
  const singles: number[][] = [];
  const groups: { members: number[]; bound: number }[][] = [];
  for (const i of index.candidates(t)) {
    const bound = confidenceBound(ranked[i], t, index.nameBound(i), fitOf(ranked[i], t));
    if (bound >= floor) (singles[bucket(bound)] ??= []).push(i, bound);
  }
  for (const { members, nameBound } of index.groups(t)) {
    const bound = confidenceBound(ranked[members[0]], t, nameBound, fitOf(ranked[members[0]], t));
    if (bound >= floor) (groups[bucket(bound)] ??= []).push({ members, bound });
  }
  const top: Ranked[] = [];
  const full = () => top.length === PER_TARGET;
  const consider = (i: number) => {
    if (scored[i] === stamp) return;
    scored[i] = stamp;
    const score = scorePair(ranked[i], t, fitOf, floor);
    if (!score || (full() && fallsAfter(score.confidence, i, top[PER_TARGET - 1]))) return;
    let at = top.length;
    while (at > 0 && (top[at - 1].candidate.confidence < score.confidence || (top[at - 1].candidate.confidence === score.confidence && top[at - 1].rank > i)))
      at--;
    top.splice(at, 0, {
      rank: i,
      candidate: { source: ranked[i], target: t, confidence: score.confidence, transform: score.typed.transform, learned: false, score },
    });
    if (top.length > PER_TARGET) top.pop();
  };
  for (let k = Math.max(singles.length, groups.length) - 1; k >= 0; k--) {
    // Every bound in bucket k is below (k + 1) / BOUND_BUCKETS.
    if (full() && (k + 1) / BOUND_BUCKETS <= top[PER_TARGET - 1].candidate.confidence) break;
    const pairs = singles[k] ?? [];
    for (let j = 0; j < pairs.length; j += 2) if (!(full() && fallsAfter(pairs[j + 1], pairs[j], top[PER_TARGET - 1]))) consider(pairs[j]);
    for (const { members, bound } of groups[k] ?? []) {
      for (const i of members) {
        // Members share the bound and come by position: once one cannot make the cut, none after it can.
        if (full() && fallsAfter(bound, i, top[PER_TARGET - 1])) break;
        consider(i);
      }
    }
  }
  return top.map((r) => r.candidate);
}

/**
 * A person's full name (`name`, `from.emailAddress.name`) into first and last name when the
 * source has neither: SPLIT on spaces, the first word and the last.
 */
function fullNameSplit(
  sources: FieldProfile[],
  targets: FieldProfile[],
  usedSources: Set<string>,
  usedTargets: Set<string>,
  minConfidence: number,
): Candidate[] {
  const first = targets.find((t) => t.primary?.concept === 'first_name' && !usedTargets.has(t.name));
  const last = targets.find((t) => t.primary?.concept === 'last_name' && !usedTargets.has(t.name));
  if (!first || !last) return [];
  const full = sources
    .filter((s) => s.primary?.concept === 'full_name' && s.primary.atHead && !usedSources.has(s.name))
    .map((s) => ({
      s,
      fit: typeFit(s.values.kind, last.type, [], { phoneCountry: null, targetWords: last.words }).factor * FULL_NAME_SPLIT * s.primary!.coverage,
    }))
    .filter(({ fit }) => fit >= minConfidence)
    .sort((a, b) => b.fit - a.fit || a.s.name.length - b.s.name.length)[0];
  if (!full) return [];
  const reason = `"${full.s.name}" holds a full name and the source has no separate first or last name`;
  const split = (target: FieldProfile, index: number, part: string): Candidate => ({
    source: full.s,
    target,
    learned: false,
    confidence: full.fit,
    transform: { type: TransformType.SPLIT, params: { separator: ' ', index } },
    reasons: [reason, `SPLIT on spaces: the ${part} word`],
  });
  return [split(first, 0, 'first'), split(last, -1, 'last')];
}

/**
 * An id of another object of the same connector into a HotCRM reference field (account_id): a
 * REFERENCE, so HotCRM stores its own id of the linked record, never the provider's.
 */
function asReference(suggestion: Suggestion, object: string | undefined, targetObject: string, guessed: boolean): Suggestion {
  const crmObject = object ? referencedCrmObject(suggestion.targetField, null, targetObject) : null;
  if (!object || !crmObject) return suggestion;
  const guess = guessed ? ` (object guessed from the name: set params.object to the connector's object whose ids these are)` : '';
  return {
    ...suggestion,
    transform: { type: TransformType.REFERENCE, params: { object } },
    reasons: [...suggestion.reasons, `${suggestion.sourceField} holds ${object} ids: REFERENCE stores the id of the HotCRM ${crmObject} linked to it${guess}`],
  };
}
