import type { ConnectorCall, ConnectorRecord } from '../../connectors/connector.handler';
import { ProviderError } from '../../connectors/http/provider-error';
import { subscriberHash } from './mailchimp.api';

/** A new member's status when neither the mapping nor config.statusIfNew says: only opted-in contacts should be sent. */
const DEFAULT_STATUS_IF_NEW = 'subscribed';

export type MemberTag = { name: string; status: 'active' | 'inactive' };

export function memberPath(listId: string, hash: string): string {
  return `/lists/${encodeURIComponent(listId)}/members/${hash}`;
}

/**
 * The upsert: PUT at the hash of the email (https://mailchimp.com/developer/marketing/api/list-members/add-or-update-list-member/).
 * status_if_new applies only to a new member; an existing member keeps its status unless
 * `status` is given, so an unsubscribed person is never subscribed again by a sync. PUT does
 * not take tags: they go through the member's tags endpoint.
 */
export async function upsertMember(call: ConnectorCall, listId: string, data: ConnectorRecord): Promise<ConnectorRecord> {
  const email = typeof data.email_address === 'string' ? data.email_address.trim() : '';
  if (!email) {
    // Mailchimp answers a blank email_address with 400 Invalid Resource; without an email there is
    // not even a hash to call with, so the same refusal is raised here: this record fails, the run goes on.
    throw new ProviderError({
      provider: 'mailchimp',
      status: 400,
      providerCode: 'Invalid Resource',
      providerMessage: 'email_address: the record has no email address, which a Mailchimp member needs; nothing was sent',
    });
  }
  const { tags, ...rest } = data;
  const statusIfNew = rest.status_if_new ?? call.config.statusIfNew ?? DEFAULT_STATUS_IF_NEW;
  const hash = subscriberHash(email);
  const { body } = await call.request<ConnectorRecord>({
    method: 'PUT',
    path: memberPath(listId, hash),
    json: { ...rest, email_address: email, status_if_new: statusIfNew },
  });
  if (Array.isArray(tags) && tags.length) {
    await setTags(
      call,
      listId,
      hash,
      tags.map((t) => (typeof t === 'string' ? { name: t, status: 'active' } : (t as MemberTag))),
    );
  }
  return body;
}

/**
 * An update of the member linked as `id` (its hash). A changed email has a new hash: PATCH at the
 * old one moves the address (https://mailchimp.com/developer/marketing/api/list-members/update-list-member/);
 * otherwise the upsert, which also brings back a member deleted in Mailchimp since.
 */
export async function updateMember(call: ConnectorCall, listId: string, id: string, data: ConnectorRecord): Promise<ConnectorRecord> {
  const email = typeof data.email_address === 'string' ? data.email_address : null;
  if (email && subscriberHash(email) !== id) {
    const { tags: _tags, status_if_new: _new, ...changes } = data;
    return (await call.request<ConnectorRecord>({ method: 'PATCH', path: memberPath(listId, encodeURIComponent(id)), json: changes })).body;
  }
  if (email) return upsertMember(call, listId, data);
  // A mapping without the email: the member's own address keeps the PUT at its hash.
  const { body: current } = await call.request<ConnectorRecord>({ method: 'GET', path: memberPath(listId, encodeURIComponent(id)) });
  return upsertMember(call, listId, { ...data, email_address: current.email_address });
}

/** POST /lists/{list_id}/members/{subscriber_hash}/tags: adds (active) or removes (inactive) tags; 204 on success. */
export async function setTags(call: ConnectorCall, listId: string, hash: string, tags: MemberTag[]): Promise<void> {
  await call.request({ method: 'POST', path: `${memberPath(listId, hash)}/tags`, json: { tags } });
}
