import { derivedSynonym } from './derived-vocabulary';

/**
 * Field names as words: `BillAddr.PostalCode`, `properties.firstname`, `merge_fields.FNAME` and
 * `billing_postal_code` all become lists of lower-case canonical words, so names written in
 * camelCase, snake_case, dot paths, run-together lower case or abbreviations compare as words.
 */

/** Abbreviations providers use, spelled out (dob becomes "birth date" so it meets "birthdate"). */
const ABBREVIATIONS = new Map<string, string[]>(
  Object.entries({
    addr: ['address'],
    adr: ['address'],
    qty: ['quantity'],
    amt: ['amount'],
    dob: ['birth', 'date'],
    num: ['number'],
    no: ['number'],
    nbr: ['number'],
    nr: ['number'],
    tel: ['phone'],
    telephone: ['phone'],
    ph: ['phone'],
    mob: ['mobile'],
    cell: ['mobile'],
    cellphone: ['mobile', 'phone'],
    desc: ['description'],
    descr: ['description'],
    org: ['organization'],
    organisation: ['organization'],
    acct: ['account'],
    acc: ['account'],
    cust: ['customer'],
    inv: ['invoice'],
    fname: ['first', 'name'],
    lname: ['last', 'name'],
    zip: ['postal', 'code'],
    zipcode: ['postal', 'code'],
    postcode: ['postal', 'code'],
    dt: ['date'],
    ts: ['timestamp'],
    ccy: ['currency'],
    curr: ['currency'],
    uri: ['url'],
    msg: ['message'],
    emp: ['employee'],
    pct: ['percent'],
    prob: ['probability'],
    dept: ['department'],
    txn: ['transaction'],
    e: [],
    mail: ['email'],
    fax: ['fax'],
    bday: ['birth', 'date'],
    birthday: ['birth', 'date'],
    birthdate: ['birth', 'date'],
    surname: ['last', 'name'],
    forename: ['first', 'name'],
    headcount: ['employee'],
    homepage: ['website'],
    www: ['website'],
    web: ['website'],
    iso: [],
    hs: [],
    sfdc: [],
    mgr: ['manager'],
    cancelled: ['canceled'],
    hired: ['hire'],
    seats: ['seat'],
  }),
);

/**
 * Words that run-together names are cut into (`numberofemployees`, `jobtitle`, `closedate`).
 * Longest match first, so `address` wins over `add` + `ress`.
 */
const VOCABULARY = [
  'account',
  'address',
  'amount',
  'annual',
  'analytics',
  'balance',
  'billing',
  'bill',
  'birth',
  'business',
  'city',
  'close',
  'closed',
  'code',
  'company',
  'contact',
  'country',
  'create',
  'created',
  'currency',
  'customer',
  'date',
  'day',
  'deal',
  'department',
  'description',
  'display',
  'due',
  'email',
  'employee',
  'employees',
  'expected',
  'family',
  'fax',
  'first',
  'free',
  'form',
  'full',
  'given',
  'home',
  'id',
  'industry',
  'invoice',
  'job',
  'last',
  'lead',
  'line',
  'mailing',
  'middle',
  'mobile',
  'modified',
  'name',
  'number',
  'of',
  'opportunity',
  'other',
  'owner',
  'paid',
  'payment',
  'phone',
  'pipeline',
  'postal',
  'primary',
  'probability',
  'province',
  'region',
  'revenue',
  'shipping',
  'ship',
  'source',
  'stage',
  'state',
  'status',
  'street',
  'sub',
  'division',
  'title',
  'total',
  'type',
  'update',
  'updated',
  'value',
  'website',
  'zip',
  'lifecycle',
  'object',
  'owner',
  'salutation',
  'secondary',
  'term',
  'time',
  'on',
  'start',
  'end',
  'period',
  'current',
].sort((a, b) => b.length - a.length);
const VOCABULARY_SET = new Set(VOCABULARY);

/** Path segments that wrap the real field (HubSpot's `properties.`, Mailchimp's `merge_fields.`, QuickBooks' `.value`). */
export const NOISE = new Set([
  'properties',
  'property',
  'merge',
  'fields',
  'field',
  'detail',
  'details',
  'payload',
  'headers',
  'header',
  'value',
  'ref',
  'attributes',
  'data',
  'free',
  'form',
  'localized',
]);

const PLURALS = new Map(
  Object.entries({ addresses: 'address', employees: 'employee', phones: 'phone', emails: 'email', properties: 'property', notes: 'note', payments: 'payment' }),
);

/** `firstname` → first name, when the whole word is covered by at most three vocabulary words. */
function segment(word: string): string[] {
  if (word.length < 6 || VOCABULARY_SET.has(word)) return [word];
  const best: (string[] | null)[] = new Array(word.length + 1).fill(null);
  best[0] = [];
  for (let end = 1; end <= word.length; end++) {
    for (const part of VOCABULARY) {
      const start = end - part.length;
      if (start < 0 || best[start] === null || word.slice(start, end) !== part) continue;
      const candidate = [...(best[start] as string[]), part];
      if (best[end] === null || candidate.length < (best[end] as string[]).length) best[end] = candidate;
    }
  }
  const parts = best[word.length];
  return parts && parts.length <= 3 ? parts : [word];
}

function singular(word: string): string {
  const plural = PLURALS.get(word);
  if (plural) return plural;
  if (word.length > 4 && word.endsWith('s') && !word.endsWith('ss') && VOCABULARY_SET.has(word.slice(0, -1))) return word.slice(0, -1);
  return word;
}

/** Raw words of one path segment: camelCase humps, acronyms, digits, and `_`/`-` separated parts. */
function rawWords(segmentText: string): string[] {
  return segmentText
    .split(/[_\-\s$]+/)
    .flatMap((part) => part.match(/[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+/g) ?? [])
    .map((word) => word.toLowerCase());
}

/** A word as the lexicon says it: a written-out abbreviation, else (for a word it does not know) a derived synonym. */
const canonical = (word: string): string[] => ABBREVIATIONS.get(word) ?? (VOCABULARY_SET.has(word) ? undefined : derivedSynonym(word)) ?? [word];

/**
 * Canonical words of a dot path: index segments (`Addresses.0.City`) dropped, each word singular,
 * abbreviations spelled out, run-together words cut, and a word repeated by nesting
 * (`PrimaryEmailAddr.Address`) kept once.
 */
export function fieldWords(path: string): string[] {
  const words: string[] = [];
  for (const part of path.split('.')) {
    if (/^\d+$/.test(part)) continue;
    for (const raw of rawWords(part)) {
      const expanded = ABBREVIATIONS.get(raw) ?? segment(singular(raw)).flatMap(canonical);
      for (const word of expanded.map(singular)) if (words[words.length - 1] !== word) words.push(word);
    }
  }
  return words;
}

/** A path's words as written, wrappers and indexes left out: to tell a same name from one the lexicon reads as the same. */
export function literalWords(path: string): string {
  return path
    .split('.')
    .filter((part) => !/^\d+$/.test(part))
    .flatMap(rawWords)
    .filter((word) => !NOISE.has(word))
    .join('');
}

/** The words without wrapper noise; the words themselves when nothing else is left. */
export function meaningfulWords(words: string[]): string[] {
  const kept = words.filter((word) => !NOISE.has(word));
  return kept.length ? kept : words;
}
