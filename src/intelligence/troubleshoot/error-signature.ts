/**
 * Turns a raw error line into what it is about, so "stripe responded 429 … req_9a8b" and the same
 * error for another record count as one: wrappers the engine adds are peeled off, and the parts
 * that vary per occurrence (ids, numbers, quoted values, emails, URLs) become placeholders.
 */

/** Messages the sync engine wraps around a cause (src/sync/engine/*); the cause is what counts. */
const WRAPPERS: RegExp[] = [
  /^Attempt \d+ failed \(([\s\S]*)\); retrying in \d+ s$/,
  /^Record could not be mapped: ([\s\S]*)$/,
  /^\S+ \S+ could not be written: ([\s\S]*)$/,
];

export function unwrapEngineMessage(message: string): string {
  let current = message.trim();
  for (let changed = true; changed;) {
    changed = false;
    for (const wrapper of WRAPPERS) {
      const match = wrapper.exec(current);
      if (match) {
        current = match[1].trim();
        changed = true;
      }
    }
  }
  return current;
}

export interface ProviderFailure {
  provider: string;
  /** HTTP status, or null when no response arrived. */
  status: number | null;
  /** What the provider said (its message, or its code when it sent no message). */
  detail: string | null;
}

/** ProviderError's message shape: "<provider> responded <status>: <detail>" or "<provider> request failed: <detail>". */
const PROVIDER_FAILURE = /\b([a-z][a-z0-9_-]*) (?:responded (\d{3})|request failed)(?:: ([\s\S]*))?$/;

export function parseProviderFailure(message: string): ProviderFailure | null {
  const match = PROVIDER_FAILURE.exec(message);
  if (!match) return null;
  return { provider: match[1], status: match[2] ? Number(match[2]) : null, detail: match[3]?.trim() || null };
}

/**
 * A leading token of the provider's detail that looks like an error code: snake_case,
 * UPPER_CASE or camelCase (Slack's "missing_scope: needed: …", Graph's "InvalidAuthenticationToken").
 */
export function leadingCode(detail: string | null): string | null {
  const token = detail ? /^([A-Za-z0-9_.]+)(?::|$)/.exec(detail)?.[1] : undefined;
  if (!token) return null;
  return /^[A-Za-z]+(_[A-Za-z0-9]+)+$|^[a-z]+[A-Z]\w+$|^[A-Z][a-z]+[A-Z]\w+$|^[A-Z][A-Z0-9_]{3,}$/.test(token) ? token : null;
}

/** The grouping key: one per kind of message, whatever record, id or value it was about. */
export function normaliseMessage(message: string): string {
  return (
    unwrapEngineMessage(message)
      .replace(/https?:\/\/\S+/gi, '<url>')
      .replace(/[\w.+-]+@[\w-]+(\.[\w-]+)+/g, '<email>')
      .replace(/"[^"]*"|'[^']*'|`[^`]*`|“[^”]*”/g, '<value>')
      .replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<id>')
      // Provider ids: a prefix and an underscore or dash before letters and digits (cus_9s8d, req_X1, in_1Ab).
      .replace(/\b[a-z]{1,6}_[A-Za-z0-9]*\d[A-Za-z0-9]*\b/g, '<id>')
      .replace(/\b[A-Za-z]*\d[A-Za-z0-9]{7,}\b/g, '<id>')
      .replace(/\d+(\.\d+)?/g, '<n>')
      .replace(/\s+/g, ' ')
      .trim()
      .toLowerCase()
  );
}

/** Secrets can reach error text (a key echoed back): mask anything shaped like one before it is shown. */
export function redactSecrets(text: string): string {
  return text
    .replace(/\b(sk|rk|pk)_(live|test)_[A-Za-z0-9*]{4,}/g, '$1_$2_…')
    .replace(/\bwhsec_[A-Za-z0-9+/=]{8,}/g, 'whsec_…')
    .replace(/\bhcrm_[a-z]+_[A-Za-z0-9]{8,}/g, 'hcrm_…')
    .replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}/gi, '$1 …')
    .replace(/\b(xox[abpr])-[A-Za-z0-9-]{8,}/g, '$1-…')
    .slice(0, 500);
}
