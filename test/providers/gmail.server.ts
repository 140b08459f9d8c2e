import { randomBytes } from 'node:crypto';
import { bearer, ProviderRequest, ProviderServer, Reply } from './provider-server';

export interface StoredMessage {
  id: string;
  threadId: string;
  labelIds: string[];
  snippet: string;
  historyId: string;
  internalDate: string;
  sizeEstimate: number;
  headers: { name: string; value: string }[];
  raw?: string;
}

interface HistoryRecord {
  id: string;
  messages: { id: string; threadId: string }[];
  messagesAdded?: { message: { id: string; threadId: string; labelIds: string[] } }[];
  messagesDeleted?: { message: { id: string; threadId: string } }[];
}

/** Google's error body: {error: {code, message, errors: [{message, domain, reason}], status}}. */
function googleError(code: number, status: string, reason: string, message: string, extra: Record<string, string> = {}): Reply {
  return { status: code, body: { error: { code, message, errors: [{ message, domain: 'global', reason, ...extra }], status } } };
}

const notFound = () => googleError(404, 'NOT_FOUND', 'notFound', 'Requested entity was not found.');

/**
 * The Gmail API v1 as documented (https://developers.google.com/gmail/api/reference/rest) under
 * /gmail/v1: Bearer tokens checked against the OAuth stand-in, lists of ids newest first with
 * maxResults (default 100, at most 500) + pageToken/nextPageToken, messages.get with
 * format=metadata and repeated metadataHeaders, history.list from a startHistoryId (404 once it
 * is older than the retained history), messages.send taking a base64url RFC 2822 message.
 */
export class GmailServer extends ProviderServer {
  readonly messages: StoredMessage[] = [];
  readonly history: HistoryRecord[] = [];
  readonly sent: { raw: string; mime: string; threadId?: string }[] = [];
  /** history.list answers 404 for a startHistoryId below this (Gmail keeps about a week). */
  oldestHistoryId = 0n;
  private historyCounter = 100_000n;
  private clock = Date.parse('2024-05-01T08:00:00Z');

  constructor(
    private readonly isValid: (token: string | null) => boolean,
    readonly emailAddress = 'owner@example.com',
  ) {
    super();
    const at = (path: string) => `/gmail/v1/users/me${path}`;
    this.on('GET', at('/profile'), (req) => this.authed(req, () => this.profile()));
    this.on('GET', at('/messages'), (req) => this.authed(req, () => this.listMessages(req)));
    this.on('GET', at('/messages/:id'), (req, [id]) => this.authed(req, () => this.getMessage(id, req)));
    this.on('POST', at('/messages/send'), (req) => this.authed(req, () => this.send(req)));
    this.on('GET', at('/threads'), (req) => this.authed(req, () => this.listThreads(req)));
    this.on('GET', at('/threads/:id'), (req, [id]) => this.authed(req, () => this.getThread(id, req)));
    this.on('GET', at('/history'), (req) => this.authed(req, () => this.listHistory(req)));
    this.on('POST', '/batch/gmail/v1', (req) => this.authed(req, () => this.batch(req)));
  }

  /** How many calls each batch request answered. */
  readonly batches: number[] = [];
  /** Message ids whose call inside a batch answers 429 rateLimitExceeded (on its own it succeeds). */
  readonly throttledInBatch = new Set<string>();

  /**
   * The batch endpoint (https://developers.google.com/gmail/api/guides/batch): a multipart/mixed
   * body of application/http parts, each one request with only the URL's path, at most 100; the
   * answer is multipart/mixed, each part `Content-ID: <response-…>` and the HTTP response to that
   * call. The outer request's Authorization applies to every call. Each call is also recorded in
   * `requests`, as Google counts every call of a batch. Only messages.get is served inside one.
   */
  private batch(req: ProviderRequest): Reply {
    const boundary = /boundary="?([^";]+)"?/i.exec(String(req.headers['content-type'] ?? ''))?.[1];
    if (!boundary || typeof req.body !== 'string') return googleError(400, 'INVALID_ARGUMENT', 'badRequest', 'Failed to parse batch request');
    const parts = req.body.split(`--${boundary}`).filter((part) => /application\/http/i.test(part));
    if (parts.length > 100) return googleError(400, 'INVALID_ARGUMENT', 'badRequest', 'A batch request cannot contain more than 100 requests');
    this.batches.push(parts.length);
    const out = `batch_${randomBytes(8).toString('hex')}`;
    const answers = parts.map((part) => {
      const id = /^content-id:\s*<([^>]+)>/im.exec(part)?.[1] ?? '';
      const line = /^(GET|POST|PUT|PATCH|DELETE) (\S+)/m.exec(part);
      const url = new URL(line?.[2] ?? '/', 'http://batch.local');
      const inner: ProviderRequest = {
        method: line?.[1] ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        rawQuery: url.search.slice(1),
        headers: req.headers,
        body: {},
        raw: '',
        bytes: Buffer.alloc(0),
      };
      this.requests.push(inner);
      const match = /^\/gmail\/v1\/users\/me\/messages\/([^/]+)$/.exec(url.pathname);
      const messageId = match ? decodeURIComponent(match[1]) : null;
      const reply =
        inner.method !== 'GET' || !messageId
          ? notFound()
          : this.throttledInBatch.has(messageId)
            ? googleError(429, 'RESOURCE_EXHAUSTED', 'rateLimitExceeded', 'Too many concurrent requests for user')
            : this.getMessage(messageId, inner);
      const status = reply.status ?? 200;
      return (
        `--${out}\r\nContent-Type: application/http\r\nContent-ID: <response-${id}>\r\n\r\n` +
        `HTTP/1.1 ${status} ${status === 200 ? 'OK' : 'Error'}\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n${JSON.stringify(reply.body)}\r\n`
      );
    });
    return { body: `${answers.join('')}--${out}--\r\n`, headers: { 'content-type': `multipart/mixed; boundary=${out}` } };
  }

  get currentHistoryId(): string {
    return String(this.historyCounter);
  }

  /** A message arriving in the mailbox: a new history record (ids grow with random gaps, as Gmail's do). */
  addMessage(fields: { from: string; to: string; cc?: string; subject: string; threadId?: string; labelIds?: string[] }): StoredMessage {
    this.historyCounter += BigInt(1 + Math.floor(Math.random() * 20));
    this.clock += 60_000;
    const id = randomBytes(8).toString('hex');
    const message: StoredMessage = {
      id,
      threadId: fields.threadId ?? id,
      labelIds: fields.labelIds ?? ['INBOX', 'UNREAD'],
      snippet: `About ${fields.subject}`,
      historyId: this.currentHistoryId,
      internalDate: String(this.clock),
      sizeEstimate: 2048,
      headers: [
        { name: 'From', value: fields.from },
        { name: 'To', value: fields.to },
        ...(fields.cc ? [{ name: 'Cc', value: fields.cc }] : []),
        { name: 'Subject', value: fields.subject },
        { name: 'Date', value: new Date(this.clock).toUTCString().replace('GMT', '+0000') },
        { name: 'Message-ID', value: `<${id}@mail.example.com>` },
      ],
    };
    this.messages.push(message);
    const ref = { id, threadId: message.threadId };
    this.history.push({ id: this.currentHistoryId, messages: [ref], messagesAdded: [{ message: { ...ref, labelIds: message.labelIds } }] });
    return message;
  }

  /** A message deleted for good (not trashed): gone from the mailbox, a messageDeleted history record. */
  deleteMessage(id: string): void {
    const index = this.messages.findIndex((m) => m.id === id);
    const [message] = this.messages.splice(index, 1);
    this.historyCounter += BigInt(1 + Math.floor(Math.random() * 20));
    const ref = { id, threadId: message.threadId };
    this.history.push({ id: this.currentHistoryId, messages: [ref], messagesDeleted: [{ message: ref }] });
  }

  seedMessages(count: number): StoredMessage[] {
    return Array.from({ length: count }, (_, i) =>
      this.addMessage({ from: `Sender ${i} <sender${i}@example.com>`, to: this.emailAddress, subject: `Message ${i}` }),
    );
  }

  /** Forgets every history record so far, as Gmail does after about a week. */
  expireHistory(): void {
    this.oldestHistoryId = this.historyCounter + 1n;
  }

  private authed(req: ProviderRequest, then: () => Reply): Reply {
    if (!this.isValid(bearer(req))) {
      const reply = googleError(
        401,
        'UNAUTHENTICATED',
        'authError',
        'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.',
        { location: 'Authorization', locationType: 'header' },
      );
      return { ...reply, headers: { 'www-authenticate': 'Bearer realm="https://accounts.google.com/", error="invalid_token"' } };
    }
    return then();
  }

  private profile(): Reply {
    const threads = new Set(this.messages.map((m) => m.threadId));
    return { body: { emailAddress: this.emailAddress, messagesTotal: this.messages.length, threadsTotal: threads.size, historyId: this.currentHistoryId } };
  }

  /** maxResults + an opaque pageToken (an offset here); a token Gmail did not issue is a 400. */
  private page<T>(items: T[], req: ProviderRequest): { slice: T[]; nextPageToken?: string } | { error: Reply } {
    const maxResults = Math.min(Number(req.query.get('maxResults') ?? 100), 500);
    if (!Number.isInteger(maxResults) || maxResults < 1) return { error: googleError(400, 'INVALID_ARGUMENT', 'invalidArgument', 'Invalid maxResults') };
    const token = req.query.get('pageToken');
    const offset = token
      ? Number(
          Buffer.from(token, 'base64url')
            .toString()
            .replace(/^offset:/, ''),
        )
      : 0;
    if (!Number.isInteger(offset) || offset < 0) return { error: googleError(400, 'INVALID_ARGUMENT', 'invalidArgument', 'Invalid pageToken') };
    const slice = items.slice(offset, offset + maxResults);
    const more = offset + maxResults < items.length;
    return { slice, nextPageToken: more ? Buffer.from(`offset:${offset + maxResults}`).toString('base64url') : undefined };
  }

  private newestFirst(): StoredMessage[] {
    return [...this.messages].sort((a, b) => Number(b.internalDate) - Number(a.internalDate));
  }

  private listMessages(req: ProviderRequest): Reply {
    const page = this.page(this.newestFirst(), req);
    if ('error' in page) return page.error;
    return {
      body: {
        messages: page.slice.map((m) => ({ id: m.id, threadId: m.threadId })),
        nextPageToken: page.nextPageToken,
        resultSizeEstimate: this.messages.length,
      },
    };
  }

  private render(message: StoredMessage, req: ProviderRequest): Record<string, unknown> {
    const format = req.query.get('format') ?? 'full';
    const wanted = req.query.getAll('metadataHeaders').map((h) => h.toLowerCase());
    const headers = format === 'metadata' && wanted.length ? message.headers.filter((h) => wanted.includes(h.name.toLowerCase())) : message.headers;
    const { headers: _all, raw: _raw, ...rest } = message;
    return format === 'minimal' ? rest : { ...rest, payload: { partId: '', mimeType: 'text/plain', filename: '', headers } };
  }

  private getMessage(id: string, req: ProviderRequest): Reply {
    const message = this.messages.find((m) => m.id === id);
    return message ? { body: this.render(message, req) } : notFound();
  }

  private threads(): { id: string; messages: StoredMessage[] }[] {
    const byThread = new Map<string, StoredMessage[]>();
    for (const m of this.newestFirst()) byThread.set(m.threadId, [...(byThread.get(m.threadId) ?? []), m]);
    return [...byThread].map(([id, messages]) => ({ id, messages: messages.reverse() }));
  }

  private listThreads(req: ProviderRequest): Reply {
    const threads = this.threads();
    const page = this.page(threads, req);
    if ('error' in page) return page.error;
    const latest = (t: { messages: StoredMessage[] }) => t.messages[t.messages.length - 1];
    return {
      body: {
        threads: page.slice.map((t) => ({ id: t.id, snippet: latest(t).snippet, historyId: latest(t).historyId })),
        nextPageToken: page.nextPageToken,
        resultSizeEstimate: threads.length,
      },
    };
  }

  private getThread(id: string, req: ProviderRequest): Reply {
    const thread = this.threads().find((t) => t.id === id);
    if (!thread) return notFound();
    return { body: { id, historyId: thread.messages[thread.messages.length - 1].historyId, messages: thread.messages.map((m) => this.render(m, req)) } };
  }

  private listHistory(req: ProviderRequest): Reply {
    const start = req.query.get('startHistoryId');
    if (!start || !/^\d+$/.test(start)) return googleError(400, 'INVALID_ARGUMENT', 'invalidArgument', 'Invalid startHistoryId');
    if (BigInt(start) < this.oldestHistoryId) return notFound();
    const types = req.query.getAll('historyTypes');
    // historyTypes (repeatable) keeps only those kinds of change in each record.
    const wanted = (type: string) => !types.length || types.includes(type);
    const records = this.history
      .filter((h) => BigInt(h.id) > BigInt(start))
      .map(({ messagesAdded, messagesDeleted, ...h }) => ({
        ...h,
        ...(messagesAdded && wanted('messageAdded') ? { messagesAdded } : {}),
        ...(messagesDeleted && wanted('messageDeleted') ? { messagesDeleted } : {}),
      }));
    const page = this.page(records, req);
    if ('error' in page) return page.error;
    // `history` is absent, not empty, when nothing changed: clients must cope with both.
    return { body: { ...(page.slice.length ? { history: page.slice } : {}), nextPageToken: page.nextPageToken, historyId: this.currentHistoryId } };
  }

  /** messages.send: the RFC 2822 text arrives base64url-encoded in `raw`; a missing recipient is a 400. */
  private send(req: ProviderRequest): Reply {
    const raw = (req.body as { raw?: unknown; threadId?: unknown }).raw;
    if (typeof raw !== 'string' || !raw)
      return googleError(400, 'INVALID_ARGUMENT', 'invalidArgument', "'raw' RFC822 payload message string or uploading message via /upload/* URL required");
    const mime = Buffer.from(raw, 'base64url').toString('utf8');
    const [head] = mime.split('\r\n\r\n');
    const header = (name: string) => new RegExp(`^${name}: (.*)$`, 'mi').exec(head)?.[1];
    if (!header('To')) return googleError(400, 'INVALID_ARGUMENT', 'invalidArgument', 'Recipient address required');
    const threadId = (req.body as { threadId?: string }).threadId;
    if (threadId && !this.messages.some((m) => m.threadId === threadId)) return notFound();
    this.sent.push({ raw, mime, threadId });
    const message = this.addMessage({
      from: header('From') ?? this.emailAddress,
      to: header('To')!,
      cc: header('Cc'),
      subject: header('Subject') ?? '',
      threadId,
      labelIds: ['SENT'],
    });
    message.raw = raw;
    return { body: { id: message.id, threadId: message.threadId, labelIds: message.labelIds } };
  }
}
