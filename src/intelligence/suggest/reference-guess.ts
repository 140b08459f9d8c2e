import type { FieldProfile } from './field-profile';
import type { ValueKind } from './sample-kinds';

/** Kinds an id of another record comes as: keys (cus_…, UUIDs), numbers, or unknown. */
const ID_KINDS = new Set<ValueKind>(['id', 'integer', 'numeric_text', 'unknown', 'text']);
/** Words before `id` that say which id, not which object (`external_id`, `hs_object_id`). */
const NOT_OBJECTS = new Set(['external', 'object', 'record', 'unique', 'internal', 'remote', 'source', 'sync', 'version', 'api', 'public', 'global']);

/**
 * The connector object a source field's ids probably point at, from its name when the schema
 * does not say (`references`): `requester_id` → requesters, `AccountId` → Account,
 * `primary_recipient.customer_id` → customers, or a one-word name whose samples are record keys
 * (`customer: "cus_…"`). Spelled like the source object's own name (Stripe's `subscriptions` →
 * `customers`, Salesforce's `Case` → `Account`), a guess the reasons say to check. Null when the
 * name names no other object (the record's own `id`, `external_id`).
 */
export function guessedReference(field: FieldProfile, sourceObject: string, sourceObjectWord: string): string | null {
  const words = field.words;
  let stem: string | undefined;
  if (words.length >= 2 && words[words.length - 1] === 'id' && ID_KINDS.has(field.values.kind)) stem = words[words.length - 2];
  else if (words.length === 1 && field.values.kind === 'id' && field.values.fromSamples) stem = words[0];
  if (!stem || stem === 'id' || NOT_OBJECTS.has(stem) || stem === sourceObjectWord) return null;
  if (/^[A-Z]/.test(sourceObject) && !/s$/.test(sourceObject)) return stem[0].toUpperCase() + stem.slice(1);
  return /s$/.test(sourceObject) ? plural(stem) : stem;
}

function plural(word: string): string {
  if (/[^aeiou]y$/.test(word)) return `${word.slice(0, -1)}ies`;
  if (/(s|x|ch|sh)$/.test(word)) return `${word}es`;
  return `${word}s`;
}
