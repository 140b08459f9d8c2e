/** Small pieces the REST engine builds requests and reads responses with. */

const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** The `{name}` placeholders of a path, in order. */
export function placeholders(path: string): string[] {
  return [...path.matchAll(PLACEHOLDER)].map((m) => m[1]);
}

/** Fills placeholders with URL-encoded values, so a value can never add a path segment or query. */
export function fillPath(path: string, values: Record<string, unknown>): string {
  return path.replace(PLACEHOLDER, (_, name: string) => encodeURIComponent(String(values[name])));
}

const CONFIG_PLACEHOLDER = /\{config\.([A-Za-z][A-Za-z0-9_]*)\}/g;

/** The `{config.<name>}` placeholders of a path: settings taken from the connection's config. */
export function configPlaceholders(path: string): string[] {
  return [...path.matchAll(CONFIG_PLACEHOLDER)].map((m) => m[1]);
}

/** Fills `{config.<name>}` from a connection's config, URL-encoded like fillPath; missing is refused. */
export function fillConfig(path: string, config: Record<string, unknown> | null | undefined, missing: (name: string) => never): string {
  return path.replace(CONFIG_PLACEHOLDER, (_, name: string) => {
    const value = config?.[name];
    if ((typeof value !== 'string' || !value.trim()) && typeof value !== 'number') missing(name);
    return encodeURIComponent(String(value).trim());
  });
}

/** `data.items` → body.data.items; an absent path is the value itself; array indexes work too. */
export function readPath(value: unknown, path: string | undefined): unknown {
  if (!path) return value;
  let node: unknown = value;
  for (const part of path.split('.')) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

/** Bracket-nested form encoding (`address[city]`, `tags[0]`), the common convention for form APIs. */
export function formEncode(data: Record<string, unknown>, prefix = '', out: Record<string, string> = {}): Record<string, string> {
  for (const [key, value] of Object.entries(data)) {
    if (value === undefined) continue;
    const name = prefix ? `${prefix}[${key}]` : key;
    if (value !== null && typeof value === 'object') formEncode(value as Record<string, unknown>, name, out);
    else out[name] = value === null ? '' : String(value);
  }
  return out;
}

/** Query values the HTTP client accepts; nested values are sent as JSON text. */
export function queryEncode(data: Record<string, unknown>): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(data)) {
    if (value === undefined || value === null) continue;
    out[key] = typeof value === 'object' ? JSON.stringify(value) : (value as string | number | boolean);
  }
  return out;
}

/** The `rel="next"` target of an RFC 8288 Link header, resolved against the request URL. */
export function nextLink(header: string | null, requestUrl: string): string | null {
  if (!header) return null;
  for (const part of header.split(/,(?=\s*<)/)) {
    const match = /^\s*<([^>]*)>(.*)$/.exec(part);
    if (!match) continue;
    const rel = /;\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,]+))/i.exec(match[2]);
    const rels = (rel?.[1] ?? rel?.[2] ?? '').toLowerCase().split(/\s+/);
    if (rels.includes('next')) {
      try {
        return new URL(match[1], requestUrl).href;
      } catch {
        return null;
      }
    }
  }
  return null;
}

/** Orders updated-at values: numbers (epoch) as numbers, dates as instants, else as text. */
export function laterOf(a: unknown, b: unknown): unknown {
  if (a === undefined || a === null) return b;
  if (b === undefined || b === null) return a;
  if (typeof a === 'number' && typeof b === 'number') return b > a ? b : a;
  const ta = Date.parse(String(a));
  const tb = Date.parse(String(b));
  if (!Number.isNaN(ta) && !Number.isNaN(tb)) return tb > ta ? b : a;
  return String(b) > String(a) ? b : a;
}
