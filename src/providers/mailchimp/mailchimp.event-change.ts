import type { EventChangeReader } from '../../connectors/event-change';
import { epochMs } from '../../connectors/event-change';
import { isObject, stringOrNull } from '../../webhooks/inbound/inbound-verifier';
import { subscriberHash } from './mailchimp.api';

const MEMBER_EVENTS = new Set(['subscribe', 'unsubscribe', 'profile', 'upemail', 'cleaned']);

/**
 * Audience webhooks name one member (mailchimp.verifier.ts): subscribe, unsubscribe, profile and
 * cleaned by its hash (`data[id]`; cleaned carries only `data[email]`), upemail by its new one
 * (`data[new_id]`). They carry only part of the member (no status on profile, no merge fields on
 * cleaned), so a realtime sync reads the member itself; unsubscribe and cleaned change its status,
 * they delete nothing. The version is the member's `last_changed`, else the event's `fired_at`.
 */
export const mailchimpEventChange: EventChangeReader = {
  read(event) {
    if (!MEMBER_EVENTS.has(event.type)) return null;
    const payload = event.data as { data?: unknown } | null;
    const data = isObject(payload?.data) ? payload.data : null;
    if (!data) return null;
    const email = stringOrNull(data.email);
    const externalId = stringOrNull(data.new_id) ?? stringOrNull(data.id) ?? (email ? subscriberHash(email) : null);
    if (!externalId || !event.occurredAt) return null;
    return { externalObject: 'members', externalId, version: event.occurredAt.getTime(), deleted: false };
  },
  versionOf(record) {
    return epochMs(record.last_changed);
  },
};
