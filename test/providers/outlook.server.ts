import { randomBytes } from 'node:crypto';
import { bearer, ProviderRequest, ProviderServer, Reply } from './provider-server';

/** messages: the Inbox; sent_messages: Sent Items (a folder of its own, with its own delta). */
type Collection = 'messages' | 'sent_messages' | 'events';
type Fields = Record<string, unknown>;

interface Item {
  id: string;
  /** The change counter when the item last changed: delta rounds return what changed after theirs. */
  version: number;
  removed: boolean;
  /** Why a removed item left: "changed" (in Deleted Items, restorable) or "deleted" (gone for good). */
  reason?: 'changed' | 'deleted';
  /** The item before its last change: an event whose change took it out of the window is reported removed. */
  before?: Fields;
  data: Fields;
}

/** What a $skiptoken or $deltatoken stands for (Graph's tokens are opaque; these are base64url JSON). */
interface DeltaState {
  c: Collection;
  /** Changes after this version belong to the round; 0 for an initial (full) round. */
  since: number;
  /** The version the round was cut at: later changes wait for the next round. */
  upto?: number;
  offset?: number;
  select?: string;
  window?: { start: string; end: string };
  /** Sync-state generation the token was issued in; expireDeltaTokens() starts a new one. */
  gen?: number;
}

/** Graph's error body: {error: {code, message, innerError: {date, request-id, client-request-id}}}. */
function graphError(status: number, code: string, message: string, headers?: Record<string, string>): Reply {
  return {
    status,
    headers,
    body: {
      error: {
        code,
        message,
        innerError: { date: new Date().toISOString(), 'request-id': randomBytes(8).toString('hex'), 'client-request-id': randomBytes(8).toString('hex') },
      },
    },
  };
}

const INBOX_ID = 'AQMkADAwATNiZmYAZC1hZmU2LWE5ZDEtMDACLTAwCgAuAAAD';
const SENT_ITEMS_ID = 'AQMkADAwATNiZmYAZC1hZmU2LWE5ZDEtMDACLTAwCgAuAAAE';
/** The folder id Graph writes into a delta round's links, per mail collection. */
const FOLDER_OF: Partial<Record<Collection, string>> = { messages: INBOX_ID, sent_messages: SENT_ITEMS_ID };
const WINDOWS_ZONES = ['UTC', 'Pacific Standard Time', 'W. Europe Standard Time', 'Eastern Standard Time'];
const encode = (state: DeltaState) => Buffer.from(JSON.stringify(state)).toString('base64url');

/**
 * Microsoft Graph v1.0 as documented for Outlook mail and calendar, under /v1.0: Bearer tokens
 * checked against the OAuth stand-in; delta functions on the inbox's messages and on a calendar
 * view (startDateTime/endDateTime required on the first request), paged by
 * `Prefer: odata.maxpagesize` with @odata.nextLink, closing each round with an @odata.deltaLink;
 * removed items as {"@odata.type", id, "@removed": {reason}} in later rounds, an event that left the
 * calendar view's window among them (reason "deleted"); 410 for a delta token it no longer keeps;
 * sendMail answering 202; drafts created with 201 and sent with 202 (ids immutable only when asked for);
 * events created with 201. Links carry the folder as Graph rewrites it.
 */
export class OutlookServer extends ProviderServer {
  readonly items: Record<Collection, Item[]> = { messages: [], sent_messages: [], events: [] };
  readonly sentMail: Fields[] = [];
  /** Drafts (POST /me/messages) and sent drafts (in Sent Items), by their current id. */
  readonly drafts: Fields[] = [];
  readonly sentItems: Fields[] = [];
  /** The next draft send answers this instead (a 4xx Graph gives when it refuses the message). */
  refuseNextSend: Reply | null = null;
  /** Delta tokens of an earlier generation answer 410 (Graph keeps sync state only for a while). */
  private generation = 0;
  private version = 0;
  private clock = Date.parse('2024-05-01T08:00:00Z');

  constructor(
    private readonly isValid: (token: string | null) => boolean,
    readonly mail = 'megan@contoso.example',
    readonly userId = '48d31887-5fad-4d73-a9f5-3c356e68a038',
  ) {
    super();
    // GET /me (user-get): the signed-in user; `id` is the user's object id, a GUID.
    this.on('GET', '/v1\\.0/me', (req) => this.authed(req, () => ({ body: this.me(req) })));
    this.on('GET', new RegExp(`^/v1\\.0/me/mailFolders(?:/inbox|\\('${INBOX_ID}'\\))/messages/delta$`, 'i'), (req) =>
      this.authed(req, () => this.delta(req, 'messages')),
    );
    this.on('GET', new RegExp(`^/v1\\.0/me/mailFolders(?:/sentitems|\\('${SENT_ITEMS_ID}'\\))/messages/delta$`, 'i'), (req) =>
      this.authed(req, () => this.delta(req, 'sent_messages')),
    );
    this.on('GET', '/v1\\.0/me/calendarView/delta', (req) => this.authed(req, () => this.delta(req, 'events')));
    this.on('GET', '/v1\\.0/me/messages/:id', (req, [id]) => this.authed(req, () => this.read('messages', id)));
    this.on('GET', '/v1\\.0/me/events/:id', (req, [id]) => this.authed(req, () => this.read('events', id)));
    this.on('PATCH', '/v1\\.0/me/events/:id', (req, [id]) => this.authed(req, () => this.patchEvent(id, req.body as Fields)));
    this.on('POST', '/v1\\.0/me/events', (req) => this.authed(req, () => this.createEvent(req.body as Fields)));
    this.on('POST', '/v1\\.0/me/sendMail', (req) => this.authed(req, () => this.sendMail(req.body as Fields)));
    this.on('POST', '/v1\\.0/me/messages', (req) => this.authed(req, () => this.createDraft(req)));
    this.on('POST', '/v1\\.0/me/messages/:id/send', (req, [id]) => this.authed(req, () => this.sendDraft(id)));
    this.on('DELETE', '/v1\\.0/me/messages/:id', (req, [id]) => this.authed(req, () => this.deleteMessage(id)));
  }

  /** The user object with only the $select-ed properties when $select is given, as Graph answers. */
  private me(req: ProviderRequest): Fields {
    const user: Fields = { id: this.userId, displayName: 'Megan Bowen', mail: this.mail, userPrincipalName: this.mail, givenName: 'Megan', surname: 'Bowen' };
    const select = req.query.get('$select')?.split(',');
    const shown = select ? Object.fromEntries(Object.entries(user).filter(([key]) => select.includes(key))) : user;
    return { '@odata.context': `https://graph.microsoft.com/v1.0/$metadata#users${select ? `(${select.join(',')})` : ''}/$entity`, ...shown };
  }

  /** A message in the inbox; `to` defaults to the mailbox itself, `cc` to nobody (Graph's recipient objects). */
  addMessage(fields: { subject: string; from?: string; isRead?: boolean; to?: string[]; cc?: string[] }): Fields {
    this.clock += 60_000;
    const at = new Date(this.clock).toISOString();
    const from = { emailAddress: { name: fields.from ?? 'Alex Wilber', address: fields.from ?? 'alex@contoso.example' } };
    return this.put('messages', {
      id: `AAMkAGI2${randomBytes(12).toString('hex')}`,
      subject: fields.subject,
      bodyPreview: `About ${fields.subject}`,
      body: { contentType: 'html', content: `<p>About ${fields.subject}</p>` },
      from,
      sender: from,
      toRecipients: fields.to
        ? fields.to.map((address) => ({ emailAddress: { name: address, address } }))
        : [{ emailAddress: { name: 'Megan Bowen', address: this.mail } }],
      ccRecipients: (fields.cc ?? []).map((address) => ({ emailAddress: { name: address, address } })),
      receivedDateTime: at,
      sentDateTime: at,
      isRead: fields.isRead ?? false,
      importance: 'normal',
      conversationId: `AAQkAGI2${randomBytes(6).toString('hex')}`,
      internetMessageId: `<${randomBytes(6).toString('hex')}@contoso.example>`,
      categories: [],
      parentFolderId: INBOX_ID,
      createdDateTime: at,
      webLink: 'https://outlook.office365.com/owa/?ItemID=x',
    });
  }

  seedMessages(count: number): Fields[] {
    return Array.from({ length: count }, (_, i) => this.addMessage({ subject: `Message ${i}` }));
  }

  /** An event `daysFromNow` ahead, one hour long, in UTC. */
  addEvent(subject: string, daysFromNow: number): Fields {
    const start = new Date(Date.now() + daysFromNow * 86_400_000);
    const dt = (d: Date) =>
      d
        .toISOString()
        .replace('Z', '')
        .replace(/\.\d{3}$/, '.0000000');
    return this.put(
      'events',
      this.eventFrom({
        subject,
        start: { dateTime: dt(start), timeZone: 'UTC' },
        end: { dateTime: dt(new Date(start.getTime() + 3_600_000)), timeZone: 'UTC' },
      }),
    );
  }

  update(c: Collection, id: string, changes: Fields): Fields {
    const item = this.items[c].find((i) => i.id === id && !i.removed)!;
    return this.put(c, { ...item.data, ...changes });
  }

  /** Deletes an item: `changed` moves it to Deleted Items (restorable), `deleted` removes it for good. */
  remove(c: Collection, id: string, reason: 'changed' | 'deleted' = 'deleted'): void {
    const item = this.items[c].find((i) => i.id === id)!;
    Object.assign(item, { removed: true, reason, version: ++this.version });
  }

  /** Forgets every sync state handed out so far, as Graph does when a delta token expires. */
  expireDeltaTokens(): void {
    this.generation++;
  }

  private put(c: Collection, data: Fields): Fields {
    const stamped = { '@odata.etag': `W/"${randomBytes(6).toString('base64')}"`, ...data, lastModifiedDateTime: new Date().toISOString() };
    const existing = this.items[c].find((i) => i.id === data.id);
    if (existing) Object.assign(existing, { before: existing.data, data: stamped, version: ++this.version });
    else this.items[c].push({ id: String(data.id), data: stamped, version: ++this.version, removed: false });
    return stamped;
  }

  private authed(req: ProviderRequest, then: () => Reply): Reply {
    if (this.isValid(bearer(req))) return then();
    return graphError(401, 'InvalidAuthenticationToken', 'Access token has expired or is not yet valid.', {
      'www-authenticate': 'Bearer realm="", error="invalid_token"',
    });
  }

  private delta(req: ProviderRequest, c: Collection): Reply {
    const q = new Map([...req.query].map(([k, v]) => [k.toLowerCase(), v]));
    const token = q.get('$skiptoken') ?? q.get('$deltatoken');
    let state: DeltaState;
    if (token) {
      try {
        state = JSON.parse(Buffer.from(token, 'base64url').toString()) as DeltaState;
      } catch {
        return graphError(400, 'BadRequest', 'Invalid delta or skip token.');
      }
      if (state.c !== c) return graphError(400, 'BadRequest', 'The token does not belong to this resource.');
      if (q.has('$deltatoken') && (state.gen ?? 0) < this.generation) return graphError(410, 'SyncStateNotFound', 'The sync state generation is not found.');
    } else if (c === 'events') {
      const [start, end] = [q.get('startdatetime'), q.get('enddatetime')];
      if (!start || !end)
        return graphError(
          400,
          'ErrorInvalidParameter',
          'This request requires a time window specified by the query string parameters StartDateTime and EndDateTime.',
        );
      state = { c, since: 0, window: { start, end } };
    } else {
      state = { c, since: 0, select: q.get('$select') };
    }
    const upto = state.upto ?? this.version;
    const size = Number(/odata\.maxpagesize=(\d+)/.exec(String(req.headers.prefer ?? ''))?.[1] ?? 10);
    const changes = this.items[c].filter((i) => i.version > state.since && i.version <= upto && this.reported(i, state)).sort((a, b) => a.version - b.version);
    const offset = state.offset ?? 0;
    const page = changes.slice(offset, offset + size).map((i) =>
      i.removed || !this.inWindow(i.data, state.window)
        ? {
            '@odata.type': `#microsoft.graph.${c === 'events' ? 'event' : 'message'}`,
            id: this.idAsAsked(i.data, req),
            '@removed': { reason: i.reason ?? 'deleted' },
          }
        : { ...this.project(i.data, state.select), id: this.idAsAsked(i.data, req) },
    );
    const path = c === 'events' ? '/v1.0/me/calendarView/delta' : `/v1.0/me/mailFolders('${FOLDER_OF[c]}')/messages/delta`;
    const more = offset + size < changes.length;
    const link = more
      ? { '@odata.nextLink': `${this.url}${path}?$skiptoken=${encode({ ...state, upto, offset: offset + size })}` }
      : {
          '@odata.deltaLink': `${this.url}${path}?$deltatoken=${encode({ c, since: upto, select: state.select, window: state.window, gen: this.generation })}`,
        };
    const context = `${this.url}/v1.0/$metadata#Collection(${c === 'events' ? 'event' : 'message'})`;
    return { headers: { 'preference-applied': `odata.maxpagesize=${size}` }, body: { '@odata.context': context, ...link, value: page } };
  }

  /** A first round is the current state; later ones report removed items, and events a change took out of the window (event-delta.md). */
  private reported(item: Item, state: DeltaState): boolean {
    if (this.inWindow(item.data, state.window)) return !item.removed || state.since > 0;
    return state.since > 0 && item.before !== undefined && this.inWindow(item.before, state.window);
  }

  /** Calendar-view membership: the event overlaps the window (times compared as UTC here). */
  private inWindow(data: Fields, window: DeltaState['window']): boolean {
    if (!window) return true;
    const time = (key: 'start' | 'end') => Date.parse(`${String((data[key] as { dateTime: string }).dateTime).slice(0, 19)}Z`);
    return time('start') < Date.parse(window.end) && time('end') > Date.parse(window.start);
  }

  private project(data: Fields, select: string | undefined): Fields {
    const { immutableId: _hidden, ...shown } = data;
    if (!select) return shown;
    data = shown;
    const keep = new Set(['id', '@odata.etag', ...select.split(',')]);
    return Object.fromEntries(Object.entries(data).filter(([key]) => keep.has(key)));
  }

  /**
   * An item's id as the request asks for it: a sent message was given a new id when it moved from
   * Drafts to Sent Items, and only `Prefer: IdType="ImmutableId"` gets the one it had as a draft.
   */
  private idAsAsked(data: Fields, req: ProviderRequest): unknown {
    const immutable = /IdType="ImmutableId"/i.test(String(req.headers.prefer ?? ''));
    return immutable && typeof data.immutableId === 'string' ? data.immutableId : data.id;
  }

  private read(c: Collection, id: string): Reply {
    const item = this.items[c].find((i) => i.id === id && !i.removed)?.data ?? (c === 'messages' ? this.outgoing(id) : undefined);
    return item ? { body: item } : graphError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
  }

  private outgoing(id: string): Fields | undefined {
    return [...this.drafts, ...this.sentItems].find((m) => m.id === id);
  }

  /**
   * Create message (user-post-messages.md): 201 with the draft, isDraft true, in Drafts. Its id is
   * immutable only when the request asked for `Prefer: IdType="ImmutableId"` (outlook-immutable-id.md);
   * otherwise it changes when the sent draft moves to Sent Items, as Graph's default ids do.
   */
  private createDraft(req: ProviderRequest): Reply {
    const body = req.body as Fields;
    if (!body || typeof body !== 'object' || !Object.keys(body).length) return graphError(400, 'ErrorInvalidRequest', 'Empty Payload. JSON content expected.');
    const immutable = /IdType="ImmutableId"/i.test(String(req.headers.prefer ?? ''));
    const at = new Date().toISOString();
    const draft: Fields = {
      '@odata.context': `${this.url}/v1.0/$metadata#users('${this.userId}')/messages/$entity`,
      '@odata.etag': `W/"${randomBytes(6).toString('base64')}"`,
      id: `${immutable ? 'AAkALgAA' : 'AAMkAGI2'}${randomBytes(12).toString('hex')}`,
      createdDateTime: at,
      lastModifiedDateTime: at,
      subject: body.subject ?? '',
      body: body.body ?? { contentType: 'text', content: '' },
      toRecipients: body.toRecipients ?? [],
      ccRecipients: body.ccRecipients ?? [],
      bccRecipients: body.bccRecipients ?? [],
      from: { emailAddress: { name: 'Megan Bowen', address: this.mail } },
      isDraft: true,
      isRead: true,
      internetMessageId: `<${randomBytes(6).toString('hex')}@contoso.example>`,
      conversationId: `AAQkAGI2${randomBytes(6).toString('hex')}`,
      immutableId: immutable,
    };
    this.drafts.push(draft);
    const { immutableId: _hidden, ...shown } = draft;
    return { status: 201, headers: immutable ? { 'preference-applied': 'IdType="ImmutableId"' } : undefined, body: shown };
  }

  /** message: send (message-send.md): 202 Accepted with no body; the draft moves to Sent Items. */
  private sendDraft(id: string): Reply {
    const index = this.drafts.findIndex((m) => m.id === id);
    if (index < 0) return graphError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
    const draft = this.drafts[index];
    const refusal = this.refuseNextSend;
    this.refuseNextSend = null;
    if (refusal) return refusal;
    if (!(draft.toRecipients as unknown[]).length)
      return graphError(400, 'ErrorInvalidRecipients', 'At least one recipient is not valid., A message can\u2019t be sent because it contains no recipients.');
    this.drafts.splice(index, 1);
    const movedId = draft.immutableId ? draft.id : `AAMkAGI2${randomBytes(12).toString('hex')}`;
    this.sentItems.push({ ...draft, id: movedId, isDraft: false, sentDateTime: new Date().toISOString() });
    this.fileSent({ ...draft, immutableId: draft.id });
    return { status: 202 };
  }

  private deleteMessage(id: string): Reply {
    const index = this.drafts.findIndex((m) => m.id === id);
    if (index < 0) return graphError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
    this.drafts.splice(index, 1);
    return { status: 204 };
  }

  private eventFrom(body: Fields): Fields {
    const attendees = ((body.attendees as Fields[] | undefined) ?? []).map((a) => ({ ...a, status: { response: 'none', time: '0001-01-01T00:00:00Z' } }));
    const id = `AAMkAGViNDU${randomBytes(12).toString('hex')}`;
    return {
      id,
      isAllDay: false,
      isCancelled: false,
      showAs: 'busy',
      isOnlineMeeting: false,
      location: { displayName: '' },
      bodyPreview: '',
      organizer: { emailAddress: { name: 'Megan Bowen', address: this.mail } },
      webLink: `https://outlook.office365.com/owa/?itemid=${id}`,
      ...body,
      attendees,
      createdDateTime: new Date().toISOString(),
    };
  }

  private badTimeZone(body: Fields): Reply | null {
    const known = new Set([...WINDOWS_ZONES, ...Intl.supportedValuesOf('timeZone')]);
    for (const key of ['start', 'end']) {
      const zone = (body[key] as { timeZone?: string } | undefined)?.timeZone;
      if (zone !== undefined && !known.has(zone))
        return graphError(
          400,
          'TimeZoneNotSupportedException',
          `A valid TimeZone value must be specified. The following TimeZone value is not supported: '${zone}'.`,
        );
    }
    return null;
  }

  private createEvent(body: Fields): Reply {
    if (!body.start || !body.end)
      return graphError(400, 'ErrorInvalidRequest', 'Your request can\u2019t be completed. The start and end of an event are required.');
    const bad = this.badTimeZone(body);
    if (bad) return bad;
    return { status: 201, body: this.put('events', this.eventFrom(body)) };
  }

  private patchEvent(id: string, changes: Fields): Reply {
    if (!this.items.events.some((i) => i.id === id && !i.removed)) return this.read('events', id);
    return this.badTimeZone(changes) ?? { body: this.update('events', id, changes) };
  }

  private sendMail(body: Fields): Reply {
    const message = body.message as { toRecipients?: unknown[] } | undefined;
    if (!message) return graphError(400, 'ErrorInvalidRequest', 'Empty Payload. JSON content expected.');
    if (!message.toRecipients?.length)
      return graphError(400, 'ErrorInvalidRecipients', 'At least one recipient is not valid., A message can\u2019t be sent because it contains no recipients.');
    this.sentMail.push(body);
    // saveToSentItems defaults to true: the message is kept in Sent Items.
    if (body.saveToSentItems !== false) this.fileSent({ ...(message as Fields), immutableId: `AAkALgAA${randomBytes(12).toString('hex')}` });
    return { status: 202 };
  }

  /** A sent message as Sent Items keeps it: from the mailbox, a Sent Items id, and its immutable id (hidden unless asked for). */
  private fileSent(message: Fields): void {
    this.clock += 60_000;
    const at = new Date(this.clock).toISOString();
    const from = { emailAddress: { name: 'Megan Bowen', address: this.mail } };
    const { immutableId, ...rest } = message;
    this.put('sent_messages', {
      subject: '',
      toRecipients: [],
      ccRecipients: [],
      ...rest,
      id: `AAMkAGI2${randomBytes(12).toString('hex')}`,
      immutableId,
      from,
      sender: from,
      bodyPreview:
        typeof (rest.body as Fields | undefined)?.content === 'string'
          ? String((rest.body as Fields).content)
              .replace(/<[^>]+>/g, '')
              .slice(0, 255)
          : '',
      sentDateTime: at,
      receivedDateTime: at,
      isDraft: false,
      parentFolderId: SENT_ITEMS_ID,
      createdDateTime: at,
    });
  }
}
