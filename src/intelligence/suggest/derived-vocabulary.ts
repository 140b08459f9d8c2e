import vocabulary from './mapping-vocabulary.json';

/**
 * The derived vocabulary (mapping-vocabulary.json, built by bench/mapping-vocabulary.build.ts from
 * WordNet and providers' OpenAPI descriptions): a word → the lexicon words it stands for, and a
 * word a field name ends in → the kind of values its OpenAPI format says. A few hundred entries
 * read once at load: no WordNet file is opened at run time.
 */
const SYNONYMS = new Map<string, string[]>([...Object.entries(vocabulary.synonyms), ...Object.entries(vocabulary.explains)]);
const FORMAT_KINDS: Record<string, 'datetime' | 'date' | 'email' | 'url' | 'unix'> = {
  'date-time': 'datetime',
  date: 'date',
  email: 'email',
  uri: 'url',
  'unix-time': 'unix',
};
const FORMAT_OF = new Map(Object.entries(vocabulary.formatOf as Record<string, string>).flatMap(([w, f]) => (FORMAT_KINDS[f] ? [[w, FORMAT_KINDS[f]]] : [])));

/** The lexicon words a word stands for (surname → last name), or undefined. */
export const derivedSynonym = (word: string): string[] | undefined => SYNONYMS.get(word);

/** The kind of values providers' specs give fields whose name ends in `word` (`timestamp` → datetime). */
export const formatKind = (word: string) => FORMAT_OF.get(word);
