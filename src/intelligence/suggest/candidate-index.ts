import { wordWeight, type FieldProfile } from './field-profile';
import { MENTION_SCORE, NAME_GATE, SAMPLE_ONLY, SPELLING_WEIGHT, synonymScore, weightedDice, WORDS_WEIGHT } from './pair-score';

/**
 * Which source fields can score at least `floor` against a target field, found through indexes
 * instead of scoring all n × m pairs (1,000 × 1,000 fields is a million pairs; a handful per
 * target can score). Every way scorePair (pair-score.ts) gives a name a score has an index here,
 * with a test that never drops a pair scorePair would keep, so the suggestions are the same as
 * scoring every pair; only hopeless pairs are skipped:
 * - same compact name, or a concept the target names among the source's concepts (synonym, mention);
 * - shared words whose weighted Dice could clear the floor (through a word → sources index);
 * - values alone (email addresses into an EMAIL field), by sample kind;
 * - similar spelling: same first letter, lengths within 0.7, and a Jaro-Winkler bound from the
 *   letters the two names share (a match needs the same letter on both sides) that reaches 0.9.
 * Each candidate also gets a bound of its name score, computed with the same float operations as
 * the score where it can be exact, so bestSources (suggest-mappings.ts) can stop early, ties included.
 */
export class CandidateIndex {
  private readonly byCompact = new Map<string, number[]>();
  private readonly byWord = new Map<string, number[]>();
  /** Concept and sample candidates come as groups whose members share one bound (see SourceGroup). */
  private readonly byPrimary = new Map<string, Map<string, number[]>>();
  private readonly byMention = new Map<string, Map<string, number[]>>();
  private readonly bySampleKind = new Map<string, Map<string, number[]>>();
  /** Spelling candidates: first letter → compact length → sources. */
  private readonly byFirstLetter = new Map<string, Map<number, number[]>>();
  /** Letter counts per source (LETTER_SLOTS each), for the spelling bound. */
  private readonly letters: Int32Array;
  /** Per-target scratch, reused: a stamp per source instead of a fresh Set per target. */
  private readonly marked: Int32Array;
  private readonly bounds: Float64Array;
  private readonly summed: Int32Array;
  private readonly shared: Float64Array;
  private stamp = 0;

  constructor(
    private readonly sources: readonly FieldProfile[],
    private readonly floor: number,
  ) {
    this.letters = new Int32Array(sources.length * LETTER_SLOTS);
    this.marked = new Int32Array(sources.length);
    this.bounds = new Float64Array(sources.length);
    this.summed = new Int32Array(sources.length);
    this.shared = new Float64Array(sources.length);
    sources.forEach((s, i) => {
      push(this.byCompact, s.compact, i);
      for (const word of s.wordSet) push(this.byWord, word, i);
      // What a group's bound reads of its members: the coverage (synonyms) and the values' kind.
      const values = `${s.values.kind}|${s.values.fromSamples}`;
      for (const hit of s.concepts) {
        if (hit === s.primary) group(this.byPrimary, hit.concept, `${hit.coverage}|${values}`, i);
        else if (hit.concept !== s.primary?.concept) group(this.byMention, hit.concept, values, i);
      }
      if (s.values.fromSamples) group(this.bySampleKind, s.values.kind, values, i);
      if (s.compact.length) {
        const byLength = this.byFirstLetter.get(s.compact[0]) ?? new Map<number, number[]>();
        this.byFirstLetter.set(s.compact[0], byLength);
        push(byLength, s.compact.length, i);
        for (let k = 0; k < s.compact.length; k++) this.letters[i * LETTER_SLOTS + slot(s.compact.charCodeAt(k))]++;
      }
    });
  }

  /**
   * The groups of sources that share a bound of their name score against `t`: synonyms of its
   * concept, mentions of it, and (whatever the name says) sources whose sample values alone fill it.
   */
  groups(t: FieldProfile): SourceGroup[] {
    const found: SourceGroup[] = [];
    const tp = t.primary;
    if (tp) {
      for (const members of this.byPrimary.get(tp.concept)?.values() ?? [])
        found.push({ members, nameBound: synonymScore(this.sources[members[0]].primary!, tp) });
      for (const members of this.byMention.get(tp.concept)?.values() ?? []) found.push({ members, nameBound: MENTION_SCORE });
    }
    // A name short of its gate may still add to what values alone give.
    const sampleKind = t.type ? SAMPLE_ONLY[t.type] : undefined;
    if (sampleKind)
      for (const members of this.bySampleKind.get(sampleKind)?.values() ?? []) found.push({ members, nameBound: Math.min(1, this.floor / NAME_GATE + MARGIN) });
    return found;
  }

  /**
   * Positions (ascending) of the sources `t` meets by name (same name, shared words, spelling);
   * until the next call, nameBound(i) is at least the name score scorePair gives source i that way.
   */
  candidates(t: FieldProfile): Int32Array {
    const stamp = ++this.stamp;
    const found: number[] = [];
    const mark = (i: number, bound: number) => {
      if (this.marked[i] === stamp) {
        if (bound > this.bounds[i]) this.bounds[i] = bound;
        return;
      }
      this.marked[i] = stamp;
      this.bounds[i] = bound;
      found.push(i);
    };
    if (this.floor <= 0) this.sources.forEach((_, i) => mark(i, 1));
    for (const i of this.byCompact.get(t.compact) ?? []) mark(i, 1);
    this.sharedWords(t, mark);
    if (SPELLING_WEIGHT * NAME_GATE >= this.floor - MARGIN) this.similarSpelling(t, mark);
    return Int32Array.from(found).sort();
  }

  /** See candidates(): an upper bound of source i's name score against the last target asked about. */
  nameBound(i: number): number {
    return this.bounds[i];
  }

  /**
   * Sources whose weighted Dice with `t` may pass the gate, with the exact Dice (pair-score.ts).
   * The words with the longest source lists are left out of the search while a source sharing
   * only those could not pass (prefix filtering): a source must share one of the others.
   */
  private sharedWords(t: FieldProfile, mark: (i: number, bound: number) => void): void {
    const stamp = this.stamp;
    const minDice = (this.floor - MARGIN) / (WORDS_WEIGHT * NAME_GATE);
    const words = [...t.wordSet].sort((a, b) => (this.byWord.get(b)?.length ?? 0) - (this.byWord.get(a)?.length ?? 0));
    // Dice of a source sharing words of weight w is at most 2w / (w + t.wordWeight): the source has at least those words.
    let skipped = 0;
    let from = 0;
    for (; from < words.length; from++) {
      const w = skipped + wordWeight(words[from]);
      if ((2 * w) / (w + t.wordWeight) >= minDice - MARGIN) break;
      skipped = w;
    }
    const touched: number[] = [];
    for (const word of words.slice(from)) {
      const weight = wordWeight(word);
      for (const i of this.byWord.get(word) ?? []) {
        if (this.summed[i] !== stamp) {
          this.summed[i] = stamp;
          this.shared[i] = 0;
          touched.push(i);
        }
        this.shared[i] += weight;
      }
    }
    for (const i of touched) {
      // At most what it shares of the searched words plus all the skipped ones; exact only for those that may pass.
      if ((2 * (this.shared[i] + skipped)) / (this.sources[i].wordWeight + t.wordWeight) < minDice - MARGIN) continue;
      const dice = weightedDice(this.sources[i], t);
      if (dice >= minDice - MARGIN) mark(i, dice * WORDS_WEIGHT);
    }
  }

  private similarSpelling(t: FieldProfile, mark: (i: number, bound: number) => void): void {
    const b = t.compact;
    const byLength = b.length ? this.byFirstLetter.get(b[0]) : undefined;
    if (!byLength) return;
    const counts = new Int32Array(LETTER_SLOTS);
    for (let k = 0; k < b.length; k++) counts[slot(b.charCodeAt(k))]++;
    // The target's letters as (slot, count) pairs: a name has a dozen distinct letters, not LETTER_SLOTS.
    const mine: number[] = [];
    counts.forEach((count, k) => count && mine.push(k, count));
    for (let length = Math.floor(b.length * 0.7); length <= Math.ceil(b.length / 0.7); length++) {
      if (Math.min(length, b.length) / Math.max(length, b.length) < 0.7) continue;
      for (const i of byLength.get(length) ?? []) {
        if (this.marked[i] === this.stamp && this.bounds[i] >= SPELLING_WEIGHT) continue;
        const letters = jaroWinklerBound(this.sources[i].compact, b, this.letters, i * LETTER_SLOTS, mine);
        if (letters >= 0.9 - MARGIN) mark(i, letters * SPELLING_WEIGHT);
      }
    }
  }
}

/** Float sums in another order than pair-score.ts: a margin so a pair on the edge of a gate is still scored. */
const MARGIN = 1e-9;
/** Digits and letters one slot each; anything else shares the rest (which only raises the bound). */
const LETTER_SLOTS = 40;
const slot = (code: number) => (code >= 48 && code <= 57 ? code - 48 : code >= 97 && code <= 122 ? code - 87 : 36 + (code % 4));

/**
 * Sources (positions ascending) whose name score against a target is at most `nameBound` and whose
 * confidence bound is the same (pair-score.ts confidenceBound reads the kind of values and whether
 * samples showed it), so once one falls short of a target's cut, every later one does.
 */
export interface SourceGroup {
  members: number[];
  nameBound: number;
}

function group(map: Map<string, Map<string, number[]>>, key: string, sub: string, i: number): void {
  const groups = map.get(key) ?? new Map<string, number[]>();
  map.set(key, groups);
  push(groups, sub, i);
}

function push<K>(map: Map<K, number[]>, key: K, i: number): void {
  const list = map.get(key);
  if (list) list.push(i);
  else map.set(key, [i]);
}

/**
 * At least jaroWinkler(a, b) (string-similarity.ts), with its operations: Jaro's matches are pairs
 * of equal letters, so at most the letters the two share, and at best no transpositions.
 */
function jaroWinklerBound(a: string, b: string, letters: Int32Array, at: number, mine: number[]): number {
  let common = 0;
  for (let k = 0; k < mine.length; k += 2) common += Math.min(letters[at + mine[k]], mine[k + 1]);
  if (!common) return 0;
  const jaro = (common / a.length + common / b.length + common / common) / 3;
  let prefix = 0;
  while (prefix < Math.min(4, a.length, b.length) && a[prefix] === b[prefix]) prefix++;
  return jaro + prefix * 0.1 * (1 - jaro);
}
