import { BadUserInputError, ForbiddenError } from '../errors';
import { scopeAllows } from '../graphql/scopes';

/** The subgraph's own resources (DESIGN.md "Auth and tenancy"). */
const SERVICE_RESOURCES = ['connections', 'sync', 'mappings', 'webhooks', 'api_keys', 'automations'] as const;
/** HotCRM's objects the built-in record store knows; the gateway checks these for the clouds. */
const CRM_RESOURCES = ['accounts', 'contacts', 'invoices', 'opportunities'] as const;

/** Every scope a key may be given; anything else is a typo that would silently grant nothing. */
export const KNOWN_SCOPES: ReadonlySet<string> = new Set([
  ...['read', 'write'].flatMap((action) => [...SERVICE_RESOURCES, ...CRM_RESOURCES].map((resource) => `${action}:${resource}`)),
  'publish:events',
  'read:*',
  'write:*',
  '*',
]);

const MAX_SCOPES = 50;

/** Trims and de-duplicates; an empty list or an unknown scope is BAD_USER_INPUT on `field`. */
export function parseScopes(scopes: readonly string[] | null | undefined, field = 'scopes'): string[] {
  const list = [...new Set((scopes ?? []).map((scope) => (typeof scope === 'string' ? scope.trim() : '')))];
  if (list.length === 0) throw new BadUserInputError('a key needs at least one scope', field);
  if (list.length > MAX_SCOPES) throw new BadUserInputError(`at most ${MAX_SCOPES} scopes`, field);
  const unknown = list.filter((scope) => !KNOWN_SCOPES.has(scope));
  if (unknown.length) {
    throw new BadUserInputError(
      `unknown scope ${unknown.map((s) => JSON.stringify(s.slice(0, 100))).join(', ')}; known: ${[...KNOWN_SCOPES].join(', ')}`,
      field,
    );
  }
  return list;
}

/** True when `granted` covers every one of `required` (verifyApiKey's requiredScopes: all needed). */
export function grantsAll(granted: readonly string[], required: readonly string[]): boolean {
  return required.every((need) => granted.some((have) => scopeAllows(have, need)));
}

/**
 * A caller may only hand out what it holds: without this, a key with write:api_keys alone could
 * mint (or rotate into view) a key with `*`. FORBIDDEN names the scopes it lacks.
 */
export function assertCanGrant(callerScopes: readonly string[], scopes: readonly string[]): void {
  const missing = scopes.filter((scope) => !grantsAll(callerScopes, [scope]));
  if (missing.length) throw new ForbiddenError(missing);
}

/**
 * verifyApiKey's requiredScopes: not checked against KNOWN_SCOPES (the gateway may ask for a
 * cloud's scope this subgraph has never heard of; only `*` grants it), only bounded in size.
 */
export function parseRequiredScopes(scopes: readonly string[] | null | undefined): string[] {
  const list = scopes ?? [];
  if (list.length > MAX_SCOPES) throw new BadUserInputError(`at most ${MAX_SCOPES} requiredScopes`, 'requiredScopes');
  if (list.some((scope) => scope.length === 0 || scope.length > 100)) {
    throw new BadUserInputError('each required scope is 1 to 100 characters', 'requiredScopes');
  }
  return [...list];
}
