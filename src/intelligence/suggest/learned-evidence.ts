import type { SuggestionLogRow } from '../sql/suggestion-logs';
import { wordWeight, type FieldProfile } from './field-profile';
import { fieldWords, NOISE } from './field-tokens';
import { explainPair } from './pair-score';
import { LearnedWordPairs } from './learned-word-pairs';
import type { LearnableCandidate, TaughtMapping } from './learning-types';
import type { TypeFit } from './transform-choice';

export type { LearnableCandidate, TaughtMapping } from './learning-types';

/**
 * What an organization's saved mappings teach beyond their exact names (learned-pairs.ts replays
 * those): each rule is a lesson "a field with these words (and this type) fills that target",
 * and each suggestion a saved mapping left out or replaced is a lesson against itself. Built per
 * call from the stored rows (learning-store.ts), so a save counts from the next call on; the
 * lessons are indexed by word so a 1,000-field schema looks up its words, not every lesson.
 */

interface Lesson {
  targetField: string;
  sourceField: string;
  sameObject: boolean;
  words: string[];
  weight: number;
  sourceType: string | null;
  /** The rule's own transform: carried when a field of the very same name is suggested from it. */
  transform: { type: string; params?: unknown } | null;
  positive: boolean;
  /** A negative lesson whose target the mapping filled from another field (or its source elsewhere). */
  replaced: boolean;
  /** Same words, target and sign in several mappings: one lesson, counted. */
  count: number;
  because: string;
}

/** Below this word overlap a lesson says nothing about a field (customer_name is not cust_ref). */
const MIN_SIMILARITY = 0.7;
/** A rejection demotes only fields that read (nearly) like the rejected one. */
const MIN_REJECTION_SIMILARITY = 0.8;
const LESSON_BASE = 0.45;
const LESSON_SPAN = 0.35;
/** Under the 0.96 of a replayed rule: a lesson generalises, a rule is the user's own words. */
const MAX_LESSON_CONFIDENCE = 0.94;
const REPLACED_PENALTY = 0.45;
const LEFT_OUT_PENALTY = 0.25;
const MAX_PENALTY = 0.6;
const MAX_LESSONS_PER_FIELD = 3;
/** Fields of the same words mapped to more targets than this are ambiguous lessons (a wide schema's `amount_1` … `amount_99`). */
const MAX_TARGETS_PER_WORDS = 3;

/** Words of a field name for lessons: the token normaliser's words, `ref` spelled out, wrappers dropped. */
export function lessonWords(name: string): string[] {
  const words = fieldWords(name).map((w) => (w === 'ref' ? 'reference' : w));
  const kept = words.filter((w) => !NOISE.has(w) && !/^\d+$/.test(w));
  return [...new Set(kept.length ? kept : words)];
}

/** Same word, or one an abbreviation of the other by its first letters (ref, reference). */
const wordsMatch = (a: string, b: string) => a === b || (a.length >= 3 && b.length >= 3 && (a.length < b.length ? b.startsWith(a) : a.startsWith(b)));

const weightOf = (words: string[]) => words.reduce((sum, w) => sum + wordWeight(w), 0);
const pairKey = (source: string, target: string) => `${source} ${target}`;

export class LearnedEvidence {
  private readonly lessons: Lesson[] = [];
  private readonly byWord = new Map<string, number[]>();
  /** Lesson words by their first three letters, where abbreviations are looked up. */
  private readonly byPrefix = new Map<string, Set<string>>();
  /** Per target field: how many kept rules read a field of each type. */
  private readonly typeCounts = new Map<string, Map<string, number>>();

  constructor(
    lessons: Lesson[],
    private readonly wordPairs: LearnedWordPairs,
  ) {
    this.lessons = lessons;
    lessons.forEach((lesson, i) => {
      for (const word of lesson.words) {
        const list = this.byWord.get(word) ?? [];
        list.push(i);
        this.byWord.set(word, list);
        if (word.length >= 3) {
          const prefix = word.slice(0, 3);
          this.byPrefix.set(prefix, (this.byPrefix.get(prefix) ?? new Set()).add(word));
        }
      }
      if (lesson.positive && lesson.sourceType) {
        const counts = this.typeCounts.get(lesson.targetField) ?? new Map<string, number>();
        counts.set(lesson.sourceType, (counts.get(lesson.sourceType) ?? 0) + lesson.count);
        this.typeCounts.set(lesson.targetField, counts);
      }
    });
  }

  get size(): number {
    return this.lessons.length;
  }

  /**
   * Adds the candidates lessons find, raises the ones they confirm and demotes the ones a saved
   * mapping rejected. Rules replayed by name (`learned`) are left alone: they already win.
   */
  apply(
    sources: FieldProfile[],
    targets: FieldProfile[],
    candidates: LearnableCandidate[],
    fitOf: (s: FieldProfile, t: FieldProfile) => TypeFit,
    minConfidence: number,
  ): void {
    if (!this.lessons.length && !this.wordPairs.size) return;
    const targetByName = new Map(targets.map((t) => [t.name, t]));
    const existing = new Map<string, LearnableCandidate>();
    for (const c of candidates) {
      const key = pairKey(c.source.name, c.target.name);
      if (!existing.has(key)) existing.set(key, c);
    }
    // Lessons into fields this target has; the others cannot be suggested.
    const live = Uint8Array.from(this.lessons, (lesson) => Number(targetByName.has(lesson.targetField)));
    // Word overlaps are summed from the index, lesson by lesson, never compared word list against word list.
    const touched = new Int32Array(this.lessons.length);
    const lastWord = new Int32Array(this.lessons.length);
    const fromSource = new Float64Array(this.lessons.length);
    const fromLesson = new Float64Array(this.lessons.length);
    sources.forEach((source, at) => {
      const words = lessonWords(source.name);
      const weight = weightOf(words);
      const stamp = at + 1;
      const hit: number[] = [];
      words.forEach((word, w) => {
        const own = wordWeight(word);
        for (const lessonWord of this.matchingWords(word)) {
          const theirs = wordWeight(lessonWord);
          for (const i of this.byWord.get(lessonWord)!) {
            if (!live[i]) continue;
            if (touched[i] !== stamp) {
              touched[i] = stamp;
              lastWord[i] = -1;
              fromSource[i] = fromLesson[i] = 0;
              hit.push(i);
            }
            if (lastWord[i] !== w) fromSource[i] += own;
            lastWord[i] = w;
            fromLesson[i] += theirs;
          }
        }
      });
      if (!hit.length) return;
      /** Per target field: the best lesson for and against, with how many agree. */
      const verdicts = new Map<string, { pro?: [Lesson, number]; pros: number; con?: [Lesson, number] }>();
      for (const i of hit) {
        const lesson = this.lessons[i];
        // The same name on the same object is replayed as a rule (learned-pairs.ts).
        if (lesson.positive && lesson.sameObject && lesson.sourceField === source.name) continue;
        const overlap = (Math.min(fromSource[i], weight) + Math.min(fromLesson[i], lesson.weight)) / (weight + lesson.weight);
        if (lesson.positive && !generalises(lesson, words, source.name)) continue;
        const sim = lesson.positive ? overlap : rejectionWeight(source.name, overlap, lesson);
        if (sim < (lesson.positive ? MIN_SIMILARITY : Number.MIN_VALUE)) continue;
        const verdict = verdicts.get(lesson.targetField) ?? { pros: 0 };
        if (lesson.positive) {
          verdict.pros += lesson.count;
          if (!verdict.pro || sim > verdict.pro[1]) verdict.pro = [lesson, sim];
        } else if (!verdict.con || sim > verdict.con[1]) verdict.con = [lesson, sim];
        verdicts.set(lesson.targetField, verdict);
      }
      // A field fills one target: the few best lessons for it are enough (a wide schema's words are shared by many).
      const pros = [...verdicts].filter(([, v]) => v.pro).sort(([, a], [, b]) => b.pro![1] - a.pro![1]);
      for (const [targetField] of pros.slice(MAX_LESSONS_PER_FIELD)) verdicts.get(targetField)!.pro = undefined;
      for (const [targetField, verdict] of verdicts) {
        const target = targetByName.get(targetField)!;
        const prior = existing.get(pairKey(source.name, targetField));
        if (verdict.pro && (!verdict.con || verdict.pro[1] >= verdict.con[1])) this.teach(source, target, verdict.pro, verdict.pros, prior, candidates, fitOf);
        else if (verdict.con && prior && !prior.learned) demote(prior, verdict.con);
      }
    });
    for (const c of candidates) if (!existing.has(pairKey(c.source.name, c.target.name))) existing.set(pairKey(c.source.name, c.target.name), c);
    this.wordPairs.apply(sources, targets, existing, candidates, fitOf);
    // A demoted guess can fall under the floor, and a weak lesson never reached it.
    let kept = 0;
    for (const c of candidates) if (c.confidence >= minConfidence) candidates[kept++] = c;
    candidates.length = kept;
  }

  /** The lesson words `word` matches: itself and its abbreviations or spelled-out forms. */
  private matchingWords(word: string): string[] {
    const found = this.byWord.has(word) ? [word] : [];
    if (word.length >= 3) for (const other of this.byPrefix.get(word.slice(0, 3)) ?? []) if (other !== word && wordsMatch(word, other)) found.push(other);
    return found;
  }

  private teach(
    source: FieldProfile,
    target: FieldProfile,
    [lesson, sim]: [Lesson, number],
    agreeing: number,
    prior: LearnableCandidate | undefined,
    candidates: LearnableCandidate[],
    fitOf: (s: FieldProfile, t: FieldProfile) => TypeFit,
  ): void {
    const fit = fitOf(source, target);
    const types = this.typeCounts.get(target.name);
    let typeShift = 0;
    let typeNote = '';
    if (types && source.type) {
      const seen = types.get(source.type) ?? 0;
      typeShift = seen ? 0.03 : -0.05;
      typeNote = seen
        ? `; ${source.type} fields filled ${target.name} ${seen} time${seen > 1 ? 's' : ''}`
        : `; your mappings fill ${target.name} from ${[...types.keys()].join(', ')}, not ${source.type}`;
    }
    const base = LESSON_BASE + LESSON_SPAN * sim + Math.min(0.09, 0.03 * (agreeing - 1)) + typeShift;
    const confidence = Math.min(MAX_LESSON_CONFIDENCE, base * fit.factor);
    const reason = `${lesson.because}: ${lesson.sourceField} → ${lesson.targetField} (${agreeing > 1 ? `${agreeing} rules, ` : ''}words ${Math.round(sim * 100)} % alike${typeNote})`;
    if (prior) {
      if (prior.learned) return;
      prior.reasons = [reason, ...(prior.reasons ?? explainPair(prior.source, prior.target, prior.score!))];
      prior.confidence = Math.max(prior.confidence, confidence);
      return;
    }
    const transform = lesson.sourceField === source.name && lesson.transform ? lesson.transform : fit.transform;
    candidates.push({ source, target, confidence, transform, learned: false, reasons: [reason, `type: ${fit.reason}`] });
  }
}

/**
 * Whether a rule says something about a field of other words or another object: its words must
 * name more than a common word (`id` of Chargebee's invoice is its number, Stripe's is not), and
 * the field's head (its last word) must be the rule's (`company_id` says nothing of `companyName`).
 */
function generalises(lesson: Lesson, words: string[], name: string): boolean {
  if (lesson.weight < 1 && !(lesson.sameObject && lesson.sourceField === name)) return false;
  const head = words[words.length - 1];
  const theirs = lesson.words[lesson.words.length - 1];
  return head !== undefined && theirs !== undefined && wordsMatch(head, theirs);
}

/**
 * How much a rejection weighs on a field: in full for the very field on the same source object,
 * half on another object, and half again for a field that only reads nearly like it.
 */
function rejectionWeight(name: string, overlap: number, lesson: Lesson): number {
  const object = lesson.sameObject ? 1 : 0.5;
  if (lesson.sourceField === name) return object;
  return overlap >= MIN_REJECTION_SIMILARITY ? overlap * 0.5 * object : 0;
}

function demote(candidate: LearnableCandidate, [lesson, sim]: [Lesson, number]): void {
  const penalty = Math.min(MAX_PENALTY, (lesson.replaced ? REPLACED_PENALTY : LEFT_OUT_PENALTY) * sim * (1 + 0.25 * (lesson.count - 1)));
  const how = lesson.replaced ? 'replaced' : 'left out';
  candidate.reasons = [
    ...(candidate.reasons ?? explainPair(candidate.source, candidate.target, candidate.score!)),
    `${lesson.because}: it ${how} the suggested ${lesson.sourceField} → ${lesson.targetField} (x${(1 - penalty).toFixed(2)})`,
  ];
  candidate.confidence *= 1 - penalty;
}

/**
 * Lessons from the organization's mappings into one target object (newest first) and what was
 * suggested to it before each was saved. `sourceObject` is the object being suggested for: a
 * rejection there counts in full, one on another object at half. `anyObject`: the newest mappings
 * into any object, for word-for-word lessons (learned-word-pairs.ts).
 */
export function buildLearnedEvidence(
  mappings: readonly TaughtMapping[],
  logs: readonly SuggestionLogRow[],
  sourceObject: string,
  anyObject: readonly TaughtMapping[] = mappings,
): LearnedEvidence {
  const logOf = new Map(logs.map((log) => [log.sourceObject.toLowerCase(), log]));
  const merged = new Map<string, Lesson>();
  const add = (lesson: Omit<Lesson, 'words' | 'weight' | 'count'>) => {
    const words = lessonWords(lesson.sourceField);
    const key = `${lesson.positive}|${lesson.sameObject}|${lesson.targetField}|${lesson.positive ? words.join(' ') : lesson.sourceField}`;
    const known = merged.get(key);
    if (known) known.count++;
    else merged.set(key, { ...lesson, words, weight: weightOf(words), count: 1 });
  };
  const kept = new Set<string>();
  for (const mapping of mappings)
    for (const rule of mapping.rules) kept.add(`${mapping.sourceObject.toLowerCase()} ${pairKey(rule.sourceField, rule.targetField)}`);
  for (const mapping of mappings) {
    const object = mapping.sourceObject.toLowerCase();
    const log = logOf.get(object);
    const because = `learned from mapping "${mapping.name}"`;
    const sameObject = object === sourceObject.toLowerCase();
    for (const rule of mapping.rules) {
      const { sourceField, targetField } = rule;
      add({
        sourceField,
        targetField,
        transform: rule.transform ?? null,
        sameObject,
        sourceType: log?.sourceTypes[sourceField] ?? null,
        positive: true,
        replaced: false,
        because,
      });
    }
    if (!log) continue;
    const filled = new Set(mapping.rules.map((r) => r.targetField));
    const read = new Set(mapping.rules.map((r) => r.sourceField));
    for (const [key, firstSuggested] of Object.entries(log.suggested)) {
      // Suggested after this save: the mapping could not have rejected it. Kept by any mapping: not rejected.
      if (new Date(firstSuggested) > mapping.updatedAt || kept.has(`${object} ${key}`)) continue;
      const [sourceField, targetField] = key.split(' ');
      if (!sourceField || !targetField) continue;
      const replaced = filled.has(targetField) || read.has(sourceField);
      add({ sourceField, targetField, transform: null, sameObject, sourceType: null, positive: false, replaced, because });
    }
  }
  // Words the mappings sent to many different targets say nothing about which one a field fills.
  const targetsOfWords = new Map<string, Set<string>>();
  for (const lesson of merged.values()) {
    if (!lesson.positive) continue;
    const key = lesson.words.join(' ');
    targetsOfWords.set(key, (targetsOfWords.get(key) ?? new Set()).add(lesson.targetField));
  }
  const lessons = [...merged.values()].filter((l) => !l.positive || targetsOfWords.get(l.words.join(' '))!.size <= MAX_TARGETS_PER_WORDS);
  return new LearnedEvidence(lessons, new LearnedWordPairs(anyObject, lessonWords, wordsMatch));
}
