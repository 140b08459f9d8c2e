import type { ConnectorRecord } from '../../connectors/connector.handler';
import { readPath } from '../mapping/dot-path';

/**
 * How a provider's mail and calendar records read as HotCRM activities when a config (messages or
 * events → activity) has no field mapping of its own. Direction, participants and contact links
 * are not a view's business: activity-participants.ts derives them from these fields for every
 * activity config, mapped or not. Addresses may come as header text ("Ada <ada@x.com>, bob@y.com")
 * or arrays; activity-participants.ts reduces them to addresses.
 */
export type ActivityView = (record: ConnectorRecord) => Record<string, unknown>;

const text = (value: unknown): string | null => (value === undefined || value === null || value === '' ? null : String(value));
const addressOf = (value: unknown): string | null => text(readPath(value as ConnectorRecord, 'emailAddress.address'));
const addressesOf = (value: unknown): string[] => (Array.isArray(value) ? value : []).map(addressOf).filter((a): a is string => a !== null);

/**
 * A Graph dateTimeTimeZone ({dateTime: "2024-05-01T09:00:00.0000000", timeZone: "UTC"}) as an
 * instant. Graph answers in UTC unless a `Prefer: outlook.timezone` header asks otherwise (this
 * connector sends none), so a zone other than UTC is read as UTC too, and said so in docs/sync.md.
 */
function graphDateTime(value: unknown): string | null {
  const dateTime = text(readPath(value as ConnectorRecord, 'dateTime'));
  if (!dateTime) return null;
  const instant = Date.parse(/[zZ]|[+-]\d{2}:\d{2}$/.test(dateTime) ? dateTime : `${dateTime.slice(0, 23)}Z`);
  return Number.isNaN(instant) ? null : new Date(instant).toISOString();
}

/** Graph message: from, toRecipients, ccRecipients ({emailAddress: {name, address}}), bodyPreview. */
const graphMessage: ActivityView = (r) => ({
  kind: 'email',
  subject: text(r.subject),
  snippet: text(r.bodyPreview),
  from: addressOf(r.from),
  to: addressesOf(r.toRecipients),
  cc: addressesOf(r.ccRecipients),
  occurred_at: text(r.receivedDateTime) ?? text(r.sentDateTime),
});

/** By provider, then external object. */
const VIEWS: Record<string, Record<string, ActivityView>> = {
  gmail: {
    // The connector's record (src/providers/gmail): From/To/Cc/Subject headers, snippet, internalDate (ISO).
    messages: (r) => ({
      kind: 'email',
      subject: text(r.subject),
      snippet: text(r.snippet),
      from: text(r.from),
      to: text(r.to),
      cc: text(r.cc),
      occurred_at: text(r.internalDate) ?? text(r.date),
      // Gmail labels what the mailbox sent SENT: the direction when the mailbox address is unknown.
      sent: Array.isArray(r.labelIds) && r.labelIds.includes('SENT'),
    }),
  },
  outlook: {
    // Graph message (Inbox and Sent Items alike): from, toRecipients, ccRecipients ({emailAddress: {name, address}}), bodyPreview.
    messages: graphMessage,
    // Sent Items holds what the mailbox sent: the direction when its address is unknown.
    sent_messages: (r) => ({ ...graphMessage(r), sent: true }),
    // Graph event: the organizer sends, the attendees receive; it happens at its start.
    events: (r) => ({
      kind: 'meeting',
      subject: text(r.subject),
      snippet: text(r.bodyPreview),
      from: addressOf(r.organizer),
      to: addressesOf(r.attendees),
      cc: [],
      occurred_at: graphDateTime(r.start),
    }),
  },
};

/** The view of an activity config without a mapping, or null (then same-named fields are copied). */
export function activityViewFor(provider: string, externalObject: string): ActivityView | null {
  return VIEWS[provider]?.[externalObject] ?? null;
}
