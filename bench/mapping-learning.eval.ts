/**
 * The learning curve of field-mapping suggestions (issue 19): recall on an organization's unseen
 * schema pairs after 0, 2, 5 and 10 of its own saved mappings, through the service code GraphQL
 * uses (SuggestService.suggest, FieldMappingService.create) on a real database (DATABASE_URL's
 * server, or an embedded Postgres). Each organization takes the fixture pairs in its own order:
 * the first ten are the mappings it saves, each after asking for suggestions as a person would,
 * saved as the expected mapping (suggested transforms kept when the pair is right); the others
 * are its unseen pairs, the same for every step. One organization per (order, step), so a step
 * sees only its own saves. Also times a 1,000 × 1,000-field call with ten saved wide mappings.
 */
import { performance } from 'node:perf_hooks';
import pino from 'pino';
import { createDataSource } from '../src/assembly/data-source';
import { FieldType } from '../src/connectors/connector.enums';
import { migrate } from '../src/db/data-source';
import { crmTargetSchema } from '../src/intelligence/suggest/crm-target-schema';
import type { ObjectSchemaLike, Suggestion } from '../src/intelligence/suggest/suggest-mappings';
import { SuggestService } from '../src/intelligence/suggest/suggest.service';
import { FieldMappingService } from '../src/sync/field-mapping.service';
import { TransformType } from '../src/sync/sync.enums';
import { result } from './result';
import { openBenchDatabase } from './support';

/** The fixture pair shape of bench/mapping.eval.ts, as far as learning reads it. */
export interface LearningPair {
  id: string;
  source: { object: string; fields: [string, FieldType | null, unknown[], string?][] };
  target: string;
  expected: Record<string, string | string[]>;
}

export const LEARNING_STEPS = [0, 2, 5, 10];
/** Organizations (orders of the pairs) averaged: one order's curve depends on which pairs come first. */
const ORGANIZATIONS = 5;
const LEARNED = Math.max(...LEARNING_STEPS);

/** A deterministic shuffle (mulberry32), so every run measures the same orders. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let x = state;
    x = Math.imul(x ^ (x >>> 15), x | 1);
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61);
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

/**
 * The provider's object, named by provider too: Chargebee's and PayPal's `invoice` are different
 * objects, where one organization's mappings would be replayed by name (learned-pairs.ts).
 */
const objectOf = (pair: LearningPair) => `${pair.id.split('-')[0]}_${pair.source.object}`;
const sourceOf = (pair: LearningPair): ObjectSchemaLike => ({
  object: objectOf(pair),
  fields: pair.source.fields.map(([name, type, sampleValues, references]) => ({ name, type, sampleValues, references: references ?? null })),
});
const firstOf = (want: string | string[]) => (Array.isArray(want) ? want[0] : want);

/**
 * The same pair as an organization's in-house system would name it: every word of every field cut
 * to its first four letters (`customer_reference` → `cust_refe`, `BillAddr.PostalCode` →
 * `bill_addr.post_code`). The names carry the same words, written as the lexicon does not know
 * them, consistently across the organization's objects: what an organization teaches, not what a
 * provider's reference documents. Synthetic, printed apart.
 */
export function inHouseStyle(pair: LearningPair): LearningPair {
  const renamed = new Map<string, string>();
  const taken = new Set<string>();
  const rename = (name: string) =>
    name
      .split('.')
      .map((part) =>
        /^\d+$/.test(part)
          ? part
          : (part.split(/[_\-\s$]+/).flatMap((w) => w.match(/[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+/g) ?? []) as string[])
              .map((w) => w.toLowerCase().slice(0, 4))
              .join('_') || part,
      )
      .join('.');
  for (const [name] of pair.source.fields) {
    let next = rename(name);
    for (let n = 2; taken.has(next); n++) next = `${rename(name)}_${n}`;
    taken.add(next);
    renamed.set(name, next);
  }
  const to = (name: string) => renamed.get(name) ?? name;
  return {
    ...pair,
    source: { object: pair.source.object, fields: pair.source.fields.map(([name, type, samples, references]) => [to(name), type, samples, references]) },
    expected: Object.fromEntries(Object.entries(pair.expected).map(([target, want]) => [target, Array.isArray(want) ? want.map(to) : to(want)])),
  };
}

interface Counts {
  suggested: number;
  correct: number;
  expected: number;
}

function score(pair: LearningPair, suggestions: Suggestion[], counts: Counts): void {
  counts.suggested += suggestions.length;
  counts.expected += Object.keys(pair.expected).length;
  for (const s of suggestions) {
    const want = pair.expected[s.targetField];
    if (want !== undefined && (Array.isArray(want) ? want : [want]).includes(s.sourceField)) counts.correct++;
  }
}

class LearningRun {
  constructor(
    private readonly suggestions: SuggestService,
    readonly mappings: FieldMappingService,
  ) {}

  /** Asks for suggestions, then saves the mapping a person would keep: the expected one. */
  async teach(org: string, pair: LearningPair): Promise<void> {
    const target = crmTargetSchema(pair.target)!;
    const suggested = await this.suggestions.suggest(org, sourceOf(pair), target);
    const rules = Object.entries(pair.expected).map(([targetField, want]) => {
      const sourceField = firstOf(want);
      const same = suggested.find((s) => s.sourceField === sourceField && s.targetField === targetField);
      return { sourceField, targetField, transform: same?.transform ? { type: same.transform.type as TransformType, params: same.transform.params } : null };
    });
    await this.mappings.create(org, { name: pair.id, sourceObject: objectOf(pair), targetObject: pair.target, rules });
  }

  async measure(org: string, unseen: LearningPair[]): Promise<Counts> {
    const counts: Counts = { suggested: 0, correct: 0, expected: 0 };
    for (const pair of unseen) {
      const got = await this.suggestions.suggest(org, sourceOf(pair), crmTargetSchema(pair.target)!);
      score(pair, got, counts);
      if (process.env.LEARNING_DEBUG && !(pair as { heldOut?: boolean }).heldOut)
        for (const s of got) {
          const want = pair.expected[s.targetField];
          if (!(want !== undefined && (Array.isArray(want) ? want : [want]).includes(s.sourceField)))
            console.log(`  ${org} ${pair.id}: wrong ${s.sourceField} → ${s.targetField} ${s.confidence} ${s.reasons.join('; ')}`);
        }
    }
    return counts;
  }
}

/** The 1,000 × 1,000 call of bench/mapping.eval.ts through the service, after ten saved wide mappings. */
async function timeWideWithLearning(run: LearningRun, service: SuggestService): Promise<number> {
  const words = ['account', 'amount', 'billing', 'city', 'code', 'customer', 'date', 'email', 'name', 'phone', 'status', 'total', 'value', 'x'];
  const field = (i: number) => ({
    name: `${words[i % words.length]}_${words[(i * 7) % words.length]}_${i}`,
    type: i % 3 ? FieldType.STRING : FieldType.NUMBER,
    sampleValues: [`v${i}`],
  });
  const source = { object: 'wide', fields: Array.from({ length: 1000 }, (_, i) => field(i)) };
  const target = { object: 'wide_target', fields: Array.from({ length: 1000 }, (_, i) => field(i + 5000)) };
  const org = 'eval-wide';
  // Saved mappings of other wide objects, each after a suggestion (its log is read too): 100 rules each.
  for (let m = 0; m < 10; m++) {
    const rules = Array.from({ length: 100 }, (_, r) => ({
      sourceField: `${field(r * 10 + m).name}_old`,
      targetField: target.fields[(r * 37 + m) % 1000].name,
    }));
    await service.suggest(org, { object: `wide_${m}`, fields: rules.map((r) => ({ name: r.sourceField, type: FieldType.STRING })) }, target);
    await run.mappings.create(org, { name: `wide ${m}`, sourceObject: `wide_${m}`, targetObject: 'wide_target', rules });
  }
  await service.suggest(org, source, target); // warm-up, and the log a later call reads
  const runs: number[] = [];
  for (let i = 0; i < 5; i++) {
    const start = performance.now();
    await service.suggest(org, source, target);
    runs.push(performance.now() - start);
  }
  return runs.sort((a, b) => a - b)[2];
}

/** One curve: ORGANIZATIONS orders of `pairs`, each org learning from its first k, measured on the rest. */
async function curve(run: LearningRun, name: string, pairs: LearningPair[]): Promise<{ recall: number[]; precision: number[] }> {
  const perStep = LEARNING_STEPS.map(() => ({ suggested: 0, correct: 0, expected: 0 }));
  console.log(`\nlearning curve, ${name}: recall (precision) on an organization's ${pairs.length - LEARNED} unseen pairs after k of its own saved mappings`);
  console.log(`org   ${LEARNING_STEPS.map((k) => `k=${k}`.padStart(15)).join('')}`);
  for (let o = 0; o < ORGANIZATIONS; o++) {
    const order = shuffled(pairs, 19 + o);
    const unseen = order.slice(LEARNED);
    const cells: string[] = [];
    for (const [s, k] of LEARNING_STEPS.entries()) {
      const org = `eval-learning-${name.replace(/\W+/g, '-')}-${o}-${k}`;
      for (const pair of order.slice(0, k)) await run.teach(org, pair);
      const counts = await run.measure(org, unseen);
      for (const key of ['suggested', 'correct', 'expected'] as const) perStep[s][key] += counts[key];
      cells.push(`${(counts.correct / counts.expected).toFixed(3)} (${(counts.correct / counts.suggested).toFixed(3)})`.padStart(15));
    }
    console.log(`${String(o + 1).padEnd(5)} ${cells.join('')}`);
  }
  const recall = perStep.map((c) => c.correct / c.expected);
  const precision = perStep.map((c) => c.correct / c.suggested);
  console.log(`mean  ${LEARNING_STEPS.map((_, s) => `${recall[s].toFixed(3)} (${precision[s].toFixed(3)})`.padStart(15)).join('')}`);
  return { recall, precision };
}

/** Prints the learning section of npm run eval:mapping and its RESULT lines. */
export async function printLearningCurve(pairs: LearningPair[]): Promise<void> {
  const database = await openBenchDatabase();
  const db = createDataSource(database.url, pino({ level: 'silent' }));
  try {
    await db.initialize();
    await migrate(db);
    const service = new SuggestService(db, null as never, null as never);
    const run = new LearningRun(service, new FieldMappingService(db));
    const usable = pairs.filter((p) => crmTargetSchema(p.target));
    for (const [name, set] of [
      ['fixture pairs', usable],
      ['in-house names', usable.map(inHouseStyle)],
    ] as const) {
      const { recall, precision } = await curve(run, name, set);
      for (const [s, k] of LEARNING_STEPS.entries()) {
        result({ name: `mapping suggestions learning (${name}): recall on unseen pairs after ${k} saved mappings`, value: recall[s], unit: 'ratio' });
        result({ name: `mapping suggestions learning (${name}): precision on unseen pairs after ${k} saved mappings`, value: precision[s], unit: 'ratio' });
      }
      const gain = recall[LEARNING_STEPS.indexOf(5)] - recall[0];
      const rising = recall.every((r, i) => i === 0 || r >= recall[i - 1]);
      result({
        name: `mapping suggestions learning (${name}): recall gain after 5 saved mappings`,
        value: gain,
        unit: 'ratio',
        goal: '>= 0.05, rising',
        met: gain >= 0.05 && rising,
      });
    }
    const wide = await timeWideWithLearning(run, service);
    console.log(`1,000 × 1,000 fields through the service with 10 saved 100-rule mappings: median ${wide.toFixed(0)} ms of 5`);
    result({ name: 'mapping suggestions, 1,000 x 1,000 fields with learning (service, DB)', value: wide, unit: 'ms', goal: '< 1,000', met: wide < 1000 });
  } finally {
    if (db.isInitialized) await db.destroy();
    await database.dispose();
  }
}
