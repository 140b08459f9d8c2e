import { FieldType } from '../../connectors/connector.enums';
import { wordWeight, type ConceptHit, type FieldProfile } from './field-profile';
import { ADDRESS_PARTS, GENERIC_HEADS, NOT_ADDRESS_CONTEXT, OTHER_THINGS } from './mapping-lexicon';
import { literalWords } from './field-tokens';
import { jaroWinkler } from './string-similarity';
import { typeFit, type TypeFit } from './transform-choice';

/** Heuristic confidences stay below learned ones (0.96+), so a saved pairing always wins. */
export const MAX_HEURISTIC_CONFIDENCE = 0.95;

type NameHow = 'same' | 'synonym' | 'mention' | 'words' | 'spelling' | 'none';

interface NameMatch {
  score: number;
  how: NameHow;
}

/**
 * Name evidence weights, shared with candidate-index.ts, whose bounds must never fall below a score:
 * a mention of the target's concept, shared words (times Dice), spelling (times Jaro-Winkler).
 */
export const MENTION_SCORE = 0.55;
export const WORDS_WEIGHT = 0.9;
export const SPELLING_WEIGHT = 0.85;
/** A name scores at least its gate, score × NAME_GATE >= floor, to be scored further. */
export const NAME_GATE = 1.1;
export const synonymScore = (a: ConceptHit, b: ConceptHit) => 0.8 + 0.15 * Math.min(a.coverage, b.coverage);

/** Dice over word sets where common words (id, date, name) weigh little. */
export function weightedDice(a: FieldProfile, b: FieldProfile): number {
  const [small, large] = a.wordSet.size <= b.wordSet.size ? [a, b] : [b, a];
  let shared = 0;
  for (const word of small.wordSet) if (large.wordSet.has(word)) shared += wordWeight(word);
  return shared ? (2 * shared) / (a.wordWeight + b.wordWeight) : 0;
}

function nameMatch(s: FieldProfile, t: FieldProfile): NameMatch {
  if (s.compact === t.compact) return { score: 1, how: 'same' };
  let best: NameMatch = { score: 0, how: 'none' };
  const sp = s.primary;
  const tp = t.primary;
  if (sp && tp && sp.concept === tp.concept) best = { score: synonymScore(sp, tp), how: 'synonym' };
  else if (tp && s.concepts.some((hit) => hit.concept === tp.concept)) best = { score: MENTION_SCORE, how: 'mention' };
  // Two fields that each clearly name a different thing share words by accident (billing_city, billing_state).
  const conflict = sp && tp && sp.concept !== tp.concept && sp.atHead && tp.atHead ? 0.35 : 1;
  const words = weightedDice(s, t) * WORDS_WEIGHT * conflict;
  if (words > best.score) best = { score: words, how: 'words' };
  // Spelling only helps names of similar length that start alike (Jaro-Winkler's prefix bonus).
  const lengths = Math.min(s.compact.length, t.compact.length) / Math.max(s.compact.length, t.compact.length);
  if (lengths >= 0.7 && s.compact[0] === t.compact[0] && SPELLING_WEIGHT * conflict > best.score) {
    const letters = jaroWinkler(s.compact, t.compact);
    if (letters >= 0.9 && letters * SPELLING_WEIGHT * conflict > best.score) best = { score: letters * SPELLING_WEIGHT * conflict, how: 'spelling' };
  }
  return best;
}

/**
 * Where the field sits: billing and mailing are an object's main address and an address with
 * no role is the main one; a country inside a phone or a locale is no address part; a generic
 * name (status, type, number) qualified by another thing (EmailStatus) is that thing's.
 */
function contextFactor(s: FieldProfile, t: FieldProfile): number {
  const tConcept = t.primary?.concept;
  const addressPart = (tConcept !== undefined && ADDRESS_PARTS.has(tConcept)) || t.role !== null;
  let factor = 1;
  if (addressPart) {
    if (s.words.some((word) => NOT_ADDRESS_CONTEXT.has(word))) factor *= 0.3;
    const main = (role: string | null) => role === null || role === 'billing' || role === 'mailing';
    if (s.role !== t.role) {
      if (main(s.role) && main(t.role)) factor *= s.role === null ? 1 : 0.95;
      else if (s.role === null) factor *= t.role === 'shipping' ? 0.85 : 0.6;
      else factor *= 0.4;
    }
    // `state` alone may be a customer's state (enabled, invited): an address path says more.
    if (s.role === null && !s.words.includes('address')) factor *= 0.9;
  } else if (s.role === 'other' && t.role === null) {
    factor *= 0.7;
  } else if (s.role === 'shipping' && t.role === null) {
    // A shipping amount or date is the shipment's, not the record's (PayPal's shipping_amount).
    factor *= 0.5;
  }
  const head = s.words[s.words.length - 1];
  const named = s.primary !== null && s.primary.atHead && s.primary.length > 1;
  if (
    !named &&
    GENERIC_HEADS.has(head) &&
    s.words.length > 1 &&
    s.words.slice(0, -1).some((word) => OTHER_THINGS.has(word)) &&
    !t.words.some((w) => s.words.slice(0, -1).includes(w) && OTHER_THINGS.has(w))
  ) {
    factor *= 0.4;
  }
  return factor;
}

/** Target types whose fill values alone can show (email addresses, URLs), and the sample kind that shows it. */
export const SAMPLE_ONLY: Partial<Record<FieldType, string>> = { EMAIL: 'email', URL: 'url' };
const SAMPLE_ONLY_CONFIDENCE = 0.6;

function nameReason(how: NameHow, s: FieldProfile, t: FieldProfile): string | null {
  switch (how) {
    case 'same':
      return literalWords(s.name) === literalWords(t.name)
        ? `same name (${t.words.join(' ')})`
        : `same meaning: "${s.name}" reads as ${t.words.join(' ')} (abbreviations, WordNet and provider-spec synonyms)`;
    case 'synonym':
      return `synonyms: "${s.name}" and "${t.name}" both name ${t.primary!.concept.replace(/_/g, ' ')}`;
    case 'mention':
      return `"${s.name}" mentions ${t.primary!.concept.replace(/_/g, ' ')}`;
    case 'words':
      return `shared words: ${s.words.filter((w) => t.words.includes(w)).join(', ')}`;
    case 'spelling':
      return `similar spelling: ${s.compact} ~ ${t.compact}`;
    default:
      return null;
  }
}

export interface PairScore {
  confidence: number;
  bySamples: boolean;
  how: NameHow;
  typed: TypeFit;
  context: number;
}

/**
 * Confidence that `s` fills `t`: name evidence (same words, lexicon synonyms, spelling) times
 * how well the values fit the target type and where the field sits; values alone (email
 * addresses into an email field) count when the name says nothing. Null below `floor`; the
 * reasons are built later (explainPair) for the pairs that are kept: a wide schema scores a
 * million pairs.
 */
export function scorePair(s: FieldProfile, t: FieldProfile, fitOf: (s: FieldProfile, t: FieldProfile) => TypeFit, floor: number): PairScore | null {
  const sampleKind = t.type ? SAMPLE_ONLY[t.type] : undefined;
  const samples = sampleKind !== undefined && s.values.fromSamples && s.values.kind === sampleKind;
  const name = nameMatch(s, t);
  if (name.score * NAME_GATE < floor && !samples) return null;
  const typed = fitOf(s, t);
  const context = contextFactor(s, t);
  let confidence = name.score * typed.factor * context;
  let bySamples = false;
  if (samples && SAMPLE_ONLY_CONFIDENCE * context > confidence) {
    confidence = SAMPLE_ONLY_CONFIDENCE * context;
    bySamples = true;
  } else if (s.values.fromSamples && typed.factor >= 1) {
    confidence += (1 - confidence) * 0.1;
  }
  if (confidence < floor) return null;
  // At the cap, the same name still outranks a synonym (priority over urgency).
  const cap = name.how === 'same' ? MAX_HEURISTIC_CONFIDENCE : MAX_HEURISTIC_CONFIDENCE - 0.001;
  return { confidence: Math.min(cap, confidence), bySamples, how: name.how, typed, context };
}

/**
 * At least the confidence scorePair gives `s` into `t` when its name score is at most
 * `nameBound`: the same float operations with the context (a factor at most 1) left out, so an
 * exact name bound gives exactly the confidence of a pair in no special context.
 */
export function confidenceBound(s: FieldProfile, t: FieldProfile, nameBound: number, typed: TypeFit): number {
  const sampleKind = t.type ? SAMPLE_ONLY[t.type] : undefined;
  const samples = sampleKind !== undefined && s.values.fromSamples && s.values.kind === sampleKind;
  let confidence = nameBound * typed.factor;
  if (s.values.fromSamples && typed.factor >= 1) confidence += (1 - confidence) * 0.1;
  return Math.min(MAX_HEURISTIC_CONFIDENCE, Math.max(confidence, samples ? SAMPLE_ONLY_CONFIDENCE : 0));
}

/** The reasons behind a kept pair's score, in the order they weighed. */
export function explainPair(s: FieldProfile, t: FieldProfile, score: PairScore): string[] {
  const reasons: string[] = [];
  if (score.bySamples) reasons.push(`sample values are ${t.type === FieldType.URL ? 'URLs' : 'email addresses'}`);
  else
    reasons.push(
      nameReason(score.how, s, t)!,
      s.values.fromSamples && score.typed.factor >= 1 ? `sample values fit ${t.type}: ${score.typed.reason}` : `type: ${score.typed.reason}`,
    );
  if (score.context < 1)
    reasons.push(`context: ${s.role ?? 'main'} ${s.words.join(' ')} into ${t.role ?? 'main'} ${t.words.join(' ')} (x${score.context.toFixed(2)})`);
  return reasons;
}

/** typeFit per (source, target type, target words): the same answer for every target of one type. */
export function cachedTypeFit(phoneCountry: string | null): (s: FieldProfile, t: FieldProfile) => TypeFit {
  const cache = new Map<FieldProfile, Map<string, TypeFit>>();
  return (s, t) => {
    let perSource = cache.get(s);
    if (!perSource) cache.set(s, (perSource = new Map()));
    let hit = perSource.get(t.fitKey);
    if (!hit) perSource.set(t.fitKey, (hit = typeFit(s.values.kind, t.type, s.values.distinct, { phoneCountry, targetWords: t.words })));
    return hit;
  };
}
