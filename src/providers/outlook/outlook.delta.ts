import { BadUserInputError } from '../../errors';
import { recordVersions } from '../../connectors/event-change';
import type { CallRequest, ConnectorCall, ConnectorRecord, ListPage } from '../../connectors/connector.handler';

/**
 * Outlook's reads, through Graph delta queries (https://learn.microsoft.com/graph/delta-query-overview):
 * a round starts at the Inbox's or Sent Items' `messages/delta` or a `calendarView/delta` window, pages by
 * following @odata.nextLink until an @odata.deltaLink closes it, and that link is the checkpoint
 * the next round starts from, answering only what changed since: created and updated items, and
 * removed ones as `{"id": …, "@removed": {"reason": …}}`, which become deletions. The first round
 * is the current state (nothing removed in it). A token Graph no longer keeps (410 Gone) starts a
 * new round.
 */

/** Message delta takes $select on the first request; Graph carries it inside the links it hands back. */
export const MESSAGE_SELECT =
  'subject,from,toRecipients,ccRecipients,receivedDateTime,sentDateTime,bodyPreview,isRead,importance,conversationId,internetMessageId,' +
  'categories,webLink,lastModifiedDateTime';
const DEFAULT_PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 100;
const DAY_MS = 86_400_000;
/** The calendar-view window of a first delta request (Graph requires one), unless config says otherwise. */
const DEFAULT_PAST_DAYS = 30;
const DEFAULT_FUTURE_DAYS = 365;
/** Graph rewrites the folder into the links it returns (mailFolders('AAMk…')/messages/delta), so links are matched on their tail. */
const DELTA_PATH: Record<string, RegExp> = { messages: /\/messages\/delta$/i, sent_messages: /\/messages\/delta$/i, events: /\/calendarView\/delta$/i };
/** Where each mail object's rounds start (well-known folder names). */
const MAIL_FOLDER: Record<string, string> = { messages: 'inbox', sent_messages: 'sentitems' };
/**
 * Message ids that survive a move between folders (https://learn.microsoft.com/graph/outlook-immutable-id):
 * a message sent from a draft changes id when it lands in Sent Items unless every request asks for
 * immutable ids, so mail is always read with them (open tracking keeps the draft's immutable id).
 */
export const IMMUTABLE_IDS = 'IdType="ImmutableId"';

interface DeltaPage {
  value?: ConnectorRecord[];
  '@odata.nextLink'?: string;
  '@odata.deltaLink'?: string;
}

/** By shape rather than instanceof, which fails for errors from another realm (jest, workers). */
function statusOf(error: unknown): number | null {
  const status = (error as { status?: unknown } | null)?.status;
  return (error as Error | null)?.name === 'ProviderError' && typeof status === 'number' ? status : null;
}

function days(config: Record<string, unknown>, key: string, fallback: number): number {
  const value = config[key];
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : fallback;
}

/** The first request of a delta round: where it starts and the parameters Graph then keeps in its links. */
function firstRequest(call: ConnectorCall, object: string): Pick<CallRequest, 'path' | 'query'> {
  if (MAIL_FOLDER[object]) return { path: `/me/mailFolders/${MAIL_FOLDER[object]}/messages/delta`, query: { $select: MESSAGE_SELECT } };
  const now = Date.now();
  const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return {
    path: '/me/calendarView/delta',
    query: {
      startDateTime: iso(now - days(call.config, 'calendarPastDays', DEFAULT_PAST_DAYS) * DAY_MS),
      endDateTime: iso(now + days(call.config, 'calendarFutureDays', DEFAULT_FUTURE_DAYS) * DAY_MS),
    },
  };
}

/**
 * Next and delta links are followed with the connection's token, and a cursor is caller input:
 * only links under the connection's own base URL, to this object's delta function, are followed,
 * so no other host can be handed the token.
 */
function isOwnLink(call: ConnectorCall, object: string, link: string): boolean {
  const base = new URL(call.baseUrl);
  const basePath = base.pathname.replace(/\/+$/, '');
  try {
    const url = new URL(link);
    return url.origin === base.origin && url.pathname.startsWith(`${basePath}/`) && DELTA_PATH[object].test(url.pathname);
  } catch {
    return false;
  }
}

async function deltaPage(call: ConnectorCall, object: string, link: string | null, size: number): Promise<DeltaPage> {
  // Graph honours the page-size preference on every request of a round, so it is sent each time;
  // preferences are one comma-separated Prefer header (RFC 7240).
  const headers = { prefer: MAIL_FOLDER[object] ? `odata.maxpagesize=${size}, ${IMMUTABLE_IDS}` : `odata.maxpagesize=${size}` };
  const req: CallRequest = link ? { method: 'GET', path: link, headers } : { method: 'GET', ...firstRequest(call, object), headers };
  return (await call.request<DeltaPage>(req)).body ?? {};
}

/** One page of a delta round: the changed items, the removed ones' ids, and the deltaLink with the last page. */
export async function listDelta(
  call: ConnectorCall,
  object: string,
  cursor: string | null | undefined,
  pageSize: number | undefined,
  since: unknown,
): Promise<ListPage> {
  const size = Math.max(1, Math.min(pageSize ?? DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE));
  if (cursor && !isOwnLink(call, object, cursor)) throw new BadUserInputError(`cursor is not a delta link of Outlook ${object} for this connection`, 'cursor');
  // A checkpoint from before the connection's base URL changed points elsewhere: start a new round.
  const deltaLink = typeof since === 'string' && isOwnLink(call, object, since) ? since : null;
  let body: DeltaPage;
  try {
    body = await deltaPage(call, object, cursor || deltaLink, size);
  } catch (error) {
    // A delta token Graph no longer knows (expired, or the mailbox's sync state was reset) is a
    // 410 Gone; Graph's documented remedy is a new full round, so start one instead of failing.
    if (statusOf(error) !== 410 || cursor) throw error;
    body = await deltaPage(call, object, null, size);
  }
  // Removed items come as {id, "@removed": {reason: "changed" | "deleted"}}: "changed" is deleted
  // but restorable (in Deleted Items; a restored one comes back as a new item), "deleted" is gone
  // for good, and for a calendar view it also means the event left the window. Either way it is no
  // longer in what this object reads, so its id is a deletion, never a record.
  const items = body.value ?? [];
  const removed = (item: ConnectorRecord) => item['@removed'] !== undefined && item['@removed'] !== null;
  return {
    records: items.filter((item) => !removed(item)),
    deleted: items.filter(removed).map((item) => String(item.id)),
    // @removed entries carry no time: a deletion applies whatever the link's version.
    ...recordVersions(
      items.filter((item) => !removed(item)),
      (item) => item.id,
      (item) => item.lastModifiedDateTime,
    ),
    nextCursor: body['@odata.nextLink'] ?? null,
    checkpoint: body['@odata.deltaLink'],
  };
}
