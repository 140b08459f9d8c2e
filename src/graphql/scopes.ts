/**
 * Scopes are `<action>:<resource>` (read:connections, write:sync, publish:events, read:contacts).
 * A granted `*` allows everything, `read:*` every read; otherwise the match is exact.
 */
export function scopeAllows(granted: string, required: string): boolean {
  if (granted === '*' || granted === required) return true;
  if (IMPLIED_BY[required]?.includes(granted)) return true;
  if (granted.endsWith(':*')) {
    const action = granted.slice(0, -2);
    return required.startsWith(`${action}:`);
  }
  return false;
}

/**
 * An automation is a webhook subscription whose target is a connector action (DESIGN.md
 * "Automations"), and DESIGN.md's scope list names webhooks but no automations resource: the
 * webhooks scopes cover automations too, beside their own read:/write:automations. Stored
 * documents likewise: read:sync covers read:documents.
 */
const IMPLIED_BY: Record<string, readonly string[]> = {
  'read:automations': ['read:webhooks'],
  'write:automations': ['write:webhooks'],
  // Stored documents come from syncs and provider events; whoever reads syncs reads what they kept.
  'read:documents': ['read:sync'],
};

/** True when any granted scope allows any of the required ones (required lists alternatives). */
export function hasAnyScope(granted: readonly string[], required: readonly string[]): boolean {
  if (required.length === 0) return true;
  return required.some((need) => granted.some((have) => scopeAllows(have, need)));
}

/** The scope each stored resource needs to be read; resolvers and `_entities` share it. */
export const READ_SCOPE = {
  connections: 'read:connections',
  sync: 'read:sync',
  mappings: 'read:mappings',
  webhooks: 'read:webhooks',
  apiKeys: 'read:api_keys',
  automations: 'read:automations',
  documents: 'read:documents',
} as const;

/** The scope each capability's mutations need. */
export const WRITE_SCOPE = {
  connections: 'write:connections',
  sync: 'write:sync',
  mappings: 'write:mappings',
  webhooks: 'write:webhooks',
  apiKeys: 'write:api_keys',
  automations: 'write:automations',
} as const;

/** publishEvent: other clouds announce CRM events (opportunity.won) without any other right here. */
export const PUBLISH_EVENTS_SCOPE = 'publish:events';
