import { wordWeight, type FieldProfile } from './field-profile';
import { SAMPLE_ONLY } from './pair-score';

/**
 * Which source fields can score at least `floor` against a target field, found through indexes
 * instead of scoring all n × m pairs (1,000 × 1,000 fields is a million pairs; a handful per
 * target can score). Every way scorePair (pair-score.ts) gives a name a score has an index here,
 * with a bound that never rejects a pair scorePair would keep, so the suggestions are the same
 * as scoring every pair — only the hopeless pairs are skipped:
 * - same compact name, or a concept the target names among the source's concepts (synonym, mention);
 * - shared words whose weighted Dice could clear the floor (summed through a word → sources index);
 * - values alone (email addresses into an EMAIL field), by sample kind;
 * - similar spelling: same first letter, lengths within 0.7, and a Jaro-Winkler bound from the
 *   letters the two names share (a match needs the same letter on both sides) that reaches 0.9.
 */
export class CandidateIndex {
  private readonly byCompact = new Map<string, number[]>();
  private readonly byConcept = new Map<string, number[]>();
  private readonly byWord = new Map<string, number[]>();
  private readonly bySampleKind = new Map<string, number[]>();
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

  constructor(private readonly sources: readonly FieldProfile[], private readonly floor: number) {
    this.letters = new Int32Array(sources.length * LETTER_SLOTS);
    this.marked = new Int32Array(sources.length);
    this.bounds = new Float64Array(sources.length);
    this.summed = new Int32Array(sources.length);
    this.shared = new Float64Array(sources.length);
    sources.forEach((s, i) => {
      push(this.byCompact, s.compact, i);
      for (const hit of s.concepts) push(this.byConcept, hit.concept, i);
      for (const word of s.wordSet) push(this.byWord, word, i);
      if (s.values.fromSamples) push(this.bySampleKind, s.values.kind, i);
      if (s.compact.length) {
        const byLength = this.byFirstLetter.get(s.compact[0]) ?? new Map<number, number[]>();
        this.byFirstLetter.set(s.compact[0], byLength);
        push(byLength, s.compact.length, i);
        for (let k = 0; k < s.compact.length; k++) this.letters[i * LETTER_SLOTS + slot(s.compact.charCodeAt(k))]++;
      }
    });
  }

  /**
   * Indexes of the sources worth scoring against `t`, ascending. Until the next call,
   * nameBound(i) is at least the name score scorePair gives source i (when it clears the floor).
   */
  candidates(t: FieldProfile): number[] {
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
    // A synonym (the same primary concept) scores at most 0.95, a mention 0.55 (pair-score.ts nameMatch).
    const concept = t.primary?.concept;
    if (concept) for (const i of this.byConcept.get(concept) ?? []) mark(i, this.sources[i].primary?.concept === concept ? 0.95 : 0.55);
    // Values alone count whatever the name says, and a name short of the floor may still add to them.
    const sampleKind = t.type ? SAMPLE_ONLY[t.type] : undefined;
    if (sampleKind) for (const i of this.bySampleKind.get(sampleKind) ?? []) mark(i, Math.min(1, this.floor / 1.1));
    this.sharedWords(t, mark);
    // Spelling scores at most 0.85, and the gate there is score × 1.1.
    if (0.85 * 1.1 >= this.floor - EPSILON) this.similarSpelling(t, mark);
    return found.sort((a, b) => a - b);
  }

  /** See candidates(): an upper bound of source i's name score against the last target asked about. */
  nameBound(i: number): number {
    return this.bounds[i] + EPSILON;
  }

  /** Weighted Dice (pair-score.ts) of t with every source sharing a word, summed word by word. */
  private sharedWords(t: FieldProfile, mark: (i: number, bound: number) => void): void {
    const stamp = this.stamp;
    const touched: number[] = [];
    for (const word of t.wordSet) {
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
      const dice = (2 * this.shared[i]) / (this.sources[i].wordWeight + t.wordWeight);
      if (dice * 0.9 * 1.1 >= this.floor - EPSILON) mark(i, dice * 0.9);
    }
  }

  private similarSpelling(t: FieldProfile, mark: (i: number, bound: number) => void): void {
    const b = t.compact;
    const byLength = b.length ? this.byFirstLetter.get(b[0]) : undefined;
    if (!byLength) return;
    const mine = new Int32Array(LETTER_SLOTS);
    for (let k = 0; k < b.length; k++) mine[slot(b.charCodeAt(k))]++;
    for (let length = Math.floor(b.length * 0.7); length <= Math.ceil(b.length / 0.7); length++) {
      if (Math.min(length, b.length) / Math.max(length, b.length) < 0.7) continue;
      for (const i of byLength.get(length) ?? []) {
        if (this.marked[i] === this.stamp && this.bounds[i] >= 0.85) continue;
        const letters = jaroWinklerBound(this.sources[i].compact, b, this.letters, i * LETTER_SLOTS, mine);
        if (letters >= 0.9 - EPSILON) mark(i, Math.min(1, letters) * 0.85);
      }
    }
  }
}

/** Float sums in another order than pair-score.ts: a margin so a pair on the edge is still scored. */
const EPSILON = 1e-9;
/** Digits and letters one slot each; anything else shares the rest (which only raises the bound). */
const LETTER_SLOTS = 40;
const slot = (code: number) => (code >= 48 && code <= 57 ? code - 48 : code >= 97 && code <= 122 ? code - 87 : 36 + (code % 4));

function push<K>(map: Map<K, number[]>, key: K, i: number): void {
  const list = map.get(key);
  if (list) list.push(i);
  else map.set(key, [i]);
}

/**
 * At least jaroWinkler(a, b): Jaro's matches are pairs of equal letters, so at most the letters
 * the two share; transpositions at best none; the prefix bonus exact.
 */
function jaroWinklerBound(a: string, b: string, letters: Int32Array, at: number, mine: Int32Array): number {
  let common = 0;
  for (let k = 0; k < LETTER_SLOTS; k++) common += Math.min(letters[at + k], mine[k]);
  if (!common) return 0;
  const jaro = Math.min(1, (common / a.length + common / b.length + 1) / 3);
  let prefix = 0;
  while (prefix < Math.min(4, a.length, b.length) && a[prefix] === b[prefix]) prefix++;
  return jaro + prefix * 0.1 * (1 - jaro);
}
