import { wordWeight, type FieldProfile } from './field-profile';
import type { LearnableCandidate, TaughtMapping } from './learning-types';
import { explainPair } from './pair-score';
import type { TypeFit } from './transform-choice';

/**
 * Word-for-word lessons: a saved rule whose names differ word for word (`cust_ref` →
 * `account_number`: customer ↔ account, reference ↔ number) teaches that a source word stands
 * for a target word, on any target field that has it (`invoice_ref` → `invoice_number`). Only
 * clean substitutions are learned: the words that do not match each other are as many on both
 * sides, paired in order (English compounds name their head last on both sides).
 */

interface WordPair {
  targetWord: string;
  count: number;
  because: string;
  example: string;
}

/** Word overlap a pair needs, its substitutions counted, to be suggested from them. */
const MIN_OVERLAP = 0.8;
/** Under a lesson from a whole field (learned-evidence.ts): a word is weaker evidence. */
const BASE = 0.4;
const SPAN = 0.35;
const MAX_CONFIDENCE = 0.88;

export type WordsOf = (name: string) => string[];
export type WordsMatch = (a: string, b: string) => boolean;

export class LearnedWordPairs {
  /** Source word → the target words it stood for. */
  private readonly pairs = new Map<string, Map<string, WordPair>>();

  constructor(
    mappings: readonly TaughtMapping[],
    private readonly wordsOf: WordsOf,
    private readonly match: WordsMatch,
  ) {
    for (const mapping of mappings) {
      for (const rule of mapping.rules) {
        const source = wordsOf(rule.sourceField);
        const target = wordsOf(rule.targetField);
        const loneSource = source.filter((w) => !target.some((v) => match(w, v)));
        const loneTarget = target.filter((v) => !source.some((w) => match(w, v)));
        const learn = (word: string, targetWord: string) => {
          const byTarget = this.pairs.get(word) ?? new Map<string, WordPair>();
          const known = byTarget.get(targetWord);
          if (known) known.count++;
          else
            byTarget.set(targetWord, {
              targetWord,
              count: 1,
              because: `learned from mapping "${mapping.name}"`,
              example: `${rule.sourceField} → ${rule.targetField}`,
            });
          this.pairs.set(word, byTarget);
        };
        // The organization's own short forms (`cust` for customer, `addr` for address): a source
        // word that is a shortening of a different target word is learned as standing for it.
        for (const w of source) for (const v of target) if (w !== v && match(w, v)) learn(w, v);
        if (!loneSource.length || loneSource.length !== loneTarget.length) continue;
        loneSource.forEach((word, i) => learn(word, loneTarget[i]));
      }
    }
  }

  get size(): number {
    return this.pairs.size;
  }

  /**
   * Candidates whose words meet a target's once a learned word stands for its target word. Only
   * sources with a learned word and the targets holding its target word are compared.
   */
  apply(
    sources: FieldProfile[],
    targets: FieldProfile[],
    existing: Map<string, LearnableCandidate>,
    candidates: LearnableCandidate[],
    fitOf: (s: FieldProfile, t: FieldProfile) => TypeFit,
  ): void {
    if (!this.pairs.size) return;
    const targetWords = targets.map((t) => this.wordsOf(t.name));
    const targetWeight = targetWords.map((words) => words.reduce((sum, w) => sum + wordWeight(w), 0));
    const targetsByWord = new Map<string, number[]>();
    const byPrefix = new Map<string, Set<string>>();
    targetWords.forEach((words, i) => {
      for (const word of words) {
        const list = targetsByWord.get(word) ?? [];
        list.push(i);
        targetsByWord.set(word, list);
        if (word.length >= 3) byPrefix.set(word.slice(0, 3), (byPrefix.get(word.slice(0, 3)) ?? new Set()).add(word));
      }
    });
    const matching = (word: string) => {
      const found = targetsByWord.has(word) ? [word] : [];
      if (word.length >= 3) for (const other of byPrefix.get(word.slice(0, 3)) ?? []) if (other !== word && this.match(word, other)) found.push(other);
      return found;
    };
    const keysByPrefix = new Map<string, string[]>();
    for (const key of this.pairs.keys()) if (key.length >= 3) keysByPrefix.set(key.slice(0, 3), [...(keysByPrefix.get(key.slice(0, 3)) ?? []), key]);
    const learnedFor = (w: string): WordPair[] => {
      const keys = w.length >= 3 ? (keysByPrefix.get(w.slice(0, 3)) ?? []).filter((key) => this.match(w, key)) : this.pairs.has(w) ? [w] : [];
      return keys.flatMap((key) => [...this.pairs.get(key)!.values()]);
    };
    // Overlaps summed from the target word index, as learned-evidence.ts does for lessons.
    const touched = new Int32Array(targets.length);
    const matched = new Float64Array(targets.length);
    const via = new Array<WordPair | undefined>(targets.length);
    sources.forEach((source, at) => {
      const words = this.wordsOf(source.name);
      const learned = words.map(learnedFor);
      if (!learned.some((l) => l.length)) return;
      const stamp = at + 1;
      const hit: number[] = [];
      const add = (i: number, weight: number, pair?: WordPair) => {
        if (touched[i] !== stamp) {
          touched[i] = stamp;
          matched[i] = 0;
          via[i] = undefined;
          hit.push(i);
        }
        matched[i] += weight;
        if (pair && !via[i]) via[i] = pair;
      };
      let weight = 0;
      words.forEach((w, k) => {
        const own = wordWeight(w);
        weight += own;
        const direct = matching(w);
        // A source word counts once per target, by its first way there.
        const seen = new Set<number>();
        const reach = (i: number, theirs: string, pair?: WordPair) => {
          if (seen.has(i)) return;
          seen.add(i);
          add(i, own + wordWeight(theirs), pair);
        };
        // Learned first, so a short form the organization taught is what reached the target.
        for (const pair of learned[k]) for (const i of targetsByWord.get(pair.targetWord) ?? []) reach(i, pair.targetWord, pair);
        for (const v of direct) for (const i of targetsByWord.get(v)!) reach(i, v);
      });
      for (const i of hit) {
        const pair = via[i];
        if (!pair) continue;
        const overlap = Math.min(1, matched[i] / (weight + targetWeight[i]));
        if (overlap < MIN_OVERLAP) continue;
        const target = targets[i];
        const key = `${source.name} ${target.name}`;
        if (existing.get(key)?.learned) continue;
        const fit = fitOf(source, target);
        const confidence = Math.min(MAX_CONFIDENCE, (BASE + SPAN * overlap + Math.min(0.09, 0.03 * (pair.count - 1))) * fit.factor);
        const word = words[learned.findIndex((l) => l.includes(pair))];
        const reason = `${pair.because}: ${word} stands for ${pair.targetWord} (as in ${pair.example}${pair.count > 1 ? `, ${pair.count} rules` : ''})`;
        const prior = existing.get(key);
        if (prior) {
          if (confidence <= prior.confidence) continue;
          prior.reasons = [reason, ...(prior.reasons ?? explainPair(prior.source, prior.target, prior.score!))];
          prior.confidence = confidence;
        } else {
          const candidate = { source, target, confidence, transform: fit.transform, learned: false, reasons: [reason, `type: ${fit.reason}`] };
          candidates.push(candidate);
          existing.set(key, candidate);
        }
      }
    });
  }
}
