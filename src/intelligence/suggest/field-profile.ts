import type { FieldType } from '../../connectors/connector.enums';
import { fieldWords, meaningfulWords } from './field-tokens';
import { CONCEPTS, ROLE_WORDS, WEAK_WORDS, type Phrase } from './mapping-lexicon';
import { profileValues, type ValueProfile } from './sample-kinds';

export interface ConceptHit {
  concept: string;
  /** Share of the field's content words the phrase covers. */
  coverage: number;
  /** The phrase ends at the field's last word: English compounds name their head last. */
  atHead: boolean;
  length: number;
  /** The phrase is one the lexicon keeps for the target object (a case's `state` is its status). */
  scoped: boolean;
}

export interface FieldProfile {
  name: string;
  type: FieldType | null;
  words: string[];
  /** The distinct words, and their summed weight (see WEAK_WORDS): what name comparison reads. */
  wordSet: Set<string>;
  wordWeight: number;
  compact: string;
  role: string | null;
  concepts: ConceptHit[];
  /** The hit that says what the field is: at the head, then longest, then widest. */
  primary: ConceptHit | null;
  values: ValueProfile;
  /** What typeFit depends on besides the source: computed once per target field. */
  fitKey: string;
}

/** How much a word counts when comparing names: common words (id, date, name) little. */
export const wordWeight = (word: string) => (WEAK_WORDS.has(word) ? 0.3 : 1);

/** Phrases by their first word, so a field is checked only against phrases it can contain. */
const PHRASES_BY_FIRST_WORD = new Map<string, { concept: string; phrase: Phrase }[]>();
for (const [concept, phrases] of Object.entries(CONCEPTS)) {
  for (const phrase of phrases) {
    const list = PHRASES_BY_FIRST_WORD.get(phrase.words[0]) ?? [];
    list.push({ concept, phrase });
    PHRASES_BY_FIRST_WORD.set(phrase.words[0], list);
  }
}

function indexOfRun(words: string[], run: string[]): number {
  for (let start = words.length - run.length; start >= 0; start--) {
    if (run.every((word, i) => words[start + i] === word)) return start;
  }
  return -1;
}

/** `deals` → deal, `Opportunity` → opportunity: the object names the lexicon scopes phrases by. */
export function objectWord(object: string): string {
  const words = fieldWords(object);
  return words[words.length - 1] ?? object.toLowerCase();
}

export function profileField(
  name: string,
  type: FieldType | null | undefined,
  samples: readonly unknown[] | null | undefined,
  targetObject: string,
): FieldProfile {
  const words = meaningfulWords(fieldWords(name));
  const role = words.map((word) => ROLE_WORDS.get(word)).find(Boolean) ?? null;
  const content = words.filter((word) => !ROLE_WORDS.has(word) && word !== 'address').length || 1;
  const best = new Map<string, ConceptHit>();
  for (const word of new Set(words)) {
    for (const { concept, phrase } of PHRASES_BY_FIRST_WORD.get(word) ?? []) {
      if (phrase.objects && !phrase.objects.includes(targetObject)) continue;
      if (phrase.needsRole && !role) continue;
      const at = indexOfRun(words, phrase.words);
      if (at < 0) continue;
      if (phrase.whole && phrase.words.length !== words.length) continue;
      const hit = {
        concept,
        coverage: Math.min(1, phrase.words.length / content),
        atHead: at + phrase.words.length === words.length,
        length: phrase.words.length,
        scoped: phrase.objects !== undefined,
      };
      const current = best.get(concept);
      if (!current || rank(hit) > rank(current)) best.set(concept, hit);
    }
  }
  const concepts = [...best.values()];
  const primary = concepts.reduce<ConceptHit | null>((top, hit) => (!top || rank(hit) > rank(top) ? hit : top), null);
  const wordSet = new Set(words);
  let weight = 0;
  for (const word of wordSet) weight += wordWeight(word);
  return {
    name,
    type: type ?? null,
    words,
    wordSet,
    wordWeight: weight,
    compact: words.join(''),
    role,
    concepts,
    primary,
    values: profileValues(type, samples, words),
    // The target words typeFit reads (transform-choice.ts): currency, country, and a key's id or number.
    fitKey: `${type ?? ''}|${wordSet.has('currency')}|${wordSet.has('country')}|${wordSet.has('id') || wordSet.has('number')}`,
  };
}

// Among phrases of one length, the one kept for the target object says what the field is there.
const rank = (hit: ConceptHit) => (hit.atHead ? 100 : 0) + hit.length * 10 + (hit.scoped ? 5 : 0) + hit.coverage;
