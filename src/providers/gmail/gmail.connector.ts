import { BadUserInputError } from '../../errors';
import { ConnectorDefinition, ObjectDefinition, field } from '../../connectors/connector.definition';
import { AuthType, ConnectorCategory, ConnectorType, FieldType } from '../../connectors/connector.enums';
import { ConnectorCall, ConnectorHandler, ConnectorRecord, ListOptions, ListPage, UnsupportedObjectError } from '../../connectors/connector.handler';
import { ProviderError } from '../../connectors/http/provider-error';
import { BATCH_SIZE, batchGet } from './gmail.batch';
import { identifyGmailMailbox } from './gmail.identity';
import { sendEmail } from './gmail.send';

/**
 * Gmail API v1 (https://developers.google.com/gmail/api/reference/rest): OAuth2 bearer tokens;
 * lists return only ids, paged with maxResults + pageToken/nextPageToken, so every listed message
 * is read with format=metadata for the headers a record carries. Incremental reads walk
 * users.history from the largest historyId seen. Errors are Google's
 * {error: {code, message, status, errors: [{reason}]}}.
 */
const f = field;

const OBJECTS: ObjectDefinition[] = [
  {
    name: 'messages',
    supportsIncremental: true,
    supportsWrite: false,
    fields: [
      f('id', FieldType.STRING, true),
      f('threadId', FieldType.STRING, true),
      f('labelIds', FieldType.ARRAY),
      f('snippet', FieldType.STRING),
      f('historyId', FieldType.STRING),
      f('internalDate', FieldType.DATETIME),
      f('sizeEstimate', FieldType.INTEGER),
      f('from', FieldType.STRING),
      f('to', FieldType.STRING),
      f('cc', FieldType.STRING),
      f('subject', FieldType.STRING),
      f('date', FieldType.DATETIME),
    ],
  },
  {
    name: 'threads',
    supportsIncremental: false,
    supportsWrite: false,
    fields: [f('id', FieldType.STRING, true), f('snippet', FieldType.STRING), f('historyId', FieldType.STRING), f('messages', FieldType.ARRAY)],
  },
];

/**
 * The headers records carry; format=metadata returns only those asked for (users.messages.get,
 * repeated metadataHeaders). Cc is read so that communication history links every participant.
 */
const HEADERS = ['From', 'To', 'Cc', 'Subject', 'Date'];
/** Each listed id costs a messages.get against a budget of 250 requests per 100 s: modest pages. */
const DEFAULT_PAGE_SIZE = 25;
const MAX_PAGE_SIZE = 100;
/** Gmail answers 429 "Too many concurrent requests for user" past a handful of parallel calls. */
const GET_CONCURRENCY = 5;

interface GmailMessage {
  id: string;
  threadId: string;
  labelIds?: string[];
  snippet?: string;
  historyId?: string;
  internalDate?: string;
  sizeEstimate?: number;
  payload?: { headers?: { name: string; value: string }[] };
}
interface MessageList {
  messages?: { id: string; threadId: string }[];
  nextPageToken?: string;
}
interface ThreadList {
  threads?: { id: string; snippet?: string; historyId?: string }[];
  nextPageToken?: string;
}
interface HistoryList {
  history?: { id: string; messagesAdded?: { message: { id: string } }[]; messagesDeleted?: { message: { id: string } }[] }[];
  nextPageToken?: string;
  historyId?: string;
}
interface GoogleErrorBody {
  error?: { code?: number; message?: string; status?: string; errors?: { reason?: string }[] };
}

/** Where a messages listing stands: a full listing or a history walk, and the largest historyId so far. */
interface MessagesCursor {
  mode: 'full' | 'history';
  pageToken?: string;
  /** startHistoryId of a history walk: every page of one walk repeats it. */
  start?: string;
  max?: string;
}

function pageSizeOf(pageSize: number | undefined): number {
  return Math.max(1, Math.min(pageSize ?? DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE));
}

/** historyIds are unsigned 64-bit integers sent as strings: compared as BigInt, not Number. */
function maxHistoryId(a: string | undefined, b: string | undefined): string | undefined {
  if (!a || !/^\d+$/.test(a)) return b && /^\d+$/.test(b) ? b : undefined;
  if (!b || !/^\d+$/.test(b)) return a;
  return BigInt(a) >= BigInt(b) ? a : b;
}

function encodeCursor(cursor: MessagesCursor): string {
  return Buffer.from(JSON.stringify(cursor)).toString('base64url');
}

function decodeCursor(cursor: string): MessagesCursor {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as MessagesCursor;
    if (parsed.mode === 'full' || (parsed.mode === 'history' && typeof parsed.start === 'string')) return parsed;
  } catch {
    // fall through: not a cursor this connector handed out
  }
  throw new BadUserInputError('cursor is not one the Gmail connector returned', 'cursor');
}

/** By shape rather than instanceof, which fails for errors from another realm (jest, workers). */
function statusOf(error: unknown): number | null {
  const status = (error as { name?: unknown; status?: unknown } | null)?.status;
  return (error as Error | null)?.name === 'ProviderError' && typeof status === 'number' ? status : null;
}

/** A path with repeated metadataHeaders parameters, which CallRequest.query (one value per name) cannot express. */
function metadataPath(resource: 'messages' | 'threads', id: string): string {
  return `/users/me/${resource}/${encodeURIComponent(id)}?format=metadata&${HEADERS.map((h) => `metadataHeaders=${h}`).join('&')}`;
}

function toRecord(message: GmailMessage): ConnectorRecord {
  const header = (name: string) => message.payload?.headers?.find((h) => h.name.toLowerCase() === name.toLowerCase())?.value ?? null;
  const date = header('Date');
  const parsed = date ? new Date(date) : null;
  return {
    id: message.id,
    threadId: message.threadId,
    labelIds: message.labelIds ?? [],
    snippet: message.snippet ?? null,
    historyId: message.historyId ?? null,
    internalDate: message.internalDate ? new Date(Number(message.internalDate)).toISOString() : null,
    sizeEstimate: message.sizeEstimate ?? null,
    from: header('From'),
    to: header('To'),
    cc: header('Cc'),
    subject: header('Subject'),
    date: parsed && !Number.isNaN(parsed.getTime()) ? parsed.toISOString() : date,
  };
}

async function getMessage(call: ConnectorCall, id: string): Promise<ConnectorRecord> {
  return toRecord((await call.request<GmailMessage>({ method: 'GET', path: metadataPath('messages', id) })).body);
}

/** Reads one message by itself; a message deleted since it was listed (404) is skipped. */
async function getListed(call: ConnectorCall, id: string): Promise<ConnectorRecord | null> {
  return getMessage(call, id).catch((error: unknown) => {
    if (statusOf(error) === 404) return null;
    throw error;
  });
}

/**
 * Reads listed ids in list order, BATCH_SIZE messages.get calls per batch request, the batches a
 * few at a time (gmail.batch.ts); a message deleted since it was listed (404) is skipped.
 */
async function fetchMessages(call: ConnectorCall, ids: string[]): Promise<ConnectorRecord[]> {
  const batches: string[][] = [];
  for (let i = 0; i < ids.length; i += BATCH_SIZE) batches.push(ids.slice(i, i + BATCH_SIZE));
  const out: (ConnectorRecord | null)[][] = batches.map(() => []);
  let next = 0;
  const worker = async () => {
    while (next < batches.length) {
      const i = next++;
      const answers = await batchGet<GmailMessage>(
        call,
        batches[i].map((id) => metadataPath('messages', id)),
      );
      // A call the batch could not answer (429, 5xx) is read by itself, with the usual retries.
      out[i] = await Promise.all(
        answers.map((answer, j) =>
          answer.status === 200 ? toRecord(answer.body as GmailMessage) : answer.status === 404 ? null : getListed(call, batches[i][j]),
        ),
      );
    }
  };
  await Promise.all(Array.from({ length: Math.min(GET_CONCURRENCY, batches.length) }, worker));
  return out.flat().filter((r): r is ConnectorRecord => r !== null);
}

async function fullPage(call: ConnectorCall, state: MessagesCursor, size: number): Promise<ListPage> {
  const { body } = await call.request<MessageList>({ method: 'GET', path: '/users/me/messages', query: { maxResults: size, pageToken: state.pageToken } });
  const records = await fetchMessages(
    call,
    (body.messages ?? []).map((m) => m.id),
  );
  const max = records.reduce<string | undefined>((m, r) => maxHistoryId(m, r.historyId as string | undefined), state.max);
  return { records, nextCursor: body.nextPageToken ? encodeCursor({ mode: 'full', pageToken: body.nextPageToken, max }) : null, checkpoint: max };
}

/**
 * history.list with both kinds of change (https://developers.google.com/workspace/gmail/api/reference/rest/v1/users.history/list):
 * messageAdded records are read (50 per batch), messageDeleted ones (a message deleted for good,
 * not one moved to Trash, which is a label change) are the page's deletions. historyTypes is a
 * repeated parameter, so it is written into the path as metadataPath does.
 */
async function historyPage(call: ConnectorCall, state: MessagesCursor, size: number): Promise<ListPage> {
  const { body } = await call.request<HistoryList>({
    method: 'GET',
    path: '/users/me/history?historyTypes=messageAdded&historyTypes=messageDeleted',
    query: { startHistoryId: state.start, maxResults: size, pageToken: state.pageToken },
  });
  const history = body.history ?? [];
  const deleted = [...new Set(history.flatMap((h) => (h.messagesDeleted ?? []).map((gone) => gone.message.id)))];
  const gone = new Set(deleted);
  // A message added and deleted within the walk is only a deletion (a get would be a 404).
  const ids = [...new Set(history.flatMap((h) => (h.messagesAdded ?? []).map((added) => added.message.id)))].filter((id) => !gone.has(id));
  const records = await fetchMessages(call, ids);
  // Checkpoints follow the history records' ids, not the fetched messages' own historyIds: a
  // message changed later carries an id beyond records not read yet, and resuming there would
  // skip them. On the last page the mailbox's current historyId covers everything read.
  let max = history.reduce<string | undefined>((m, h) => maxHistoryId(m, h.id), state.max);
  if (!body.nextPageToken) max = maxHistoryId(max, body.historyId);
  return { records, deleted, nextCursor: body.nextPageToken ? encodeCursor({ ...state, pageToken: body.nextPageToken, max }) : null, checkpoint: max };
}

async function listMessages(call: ConnectorCall, { cursor, pageSize, since }: ListOptions): Promise<ListPage> {
  const size = pageSizeOf(pageSize);
  const sinceId = typeof since === 'string' || typeof since === 'number' ? String(since) : undefined;
  const state: MessagesCursor = cursor ? decodeCursor(cursor) : sinceId ? { mode: 'history', start: sinceId, max: sinceId } : { mode: 'full' };
  if (state.mode === 'full') return fullPage(call, state, size);
  try {
    return await historyPage(call, state, size);
  } catch (error) {
    // Gmail keeps history for about a week (sometimes only hours); an older startHistoryId is a
    // 404, and Google's documented remedy is a full sync: start one rather than fail the run.
    if (statusOf(error) !== 404) throw error;
    return fullPage(call, { mode: 'full' }, size);
  }
}

async function listThreads(call: ConnectorCall, { cursor, pageSize }: ListOptions): Promise<ListPage> {
  // threads.list already carries snippet and historyId, enough for a record without a get each.
  const { body } = await call.request<ThreadList>({
    method: 'GET',
    path: '/users/me/threads',
    query: { maxResults: pageSizeOf(pageSize), pageToken: cursor ?? undefined },
  });
  return {
    records: (body.threads ?? []).map((t) => ({ id: t.id, snippet: t.snippet ?? null, historyId: t.historyId ?? null })),
    nextCursor: body.nextPageToken ?? null,
  };
}

const handler: ConnectorHandler = {
  async test(call) {
    await call.request({ method: 'GET', path: '/users/me/profile' });
  },

  identify: identifyGmailMailbox,
  // The provider account is the mailbox's own address: what tells sent mail from received.
  mailboxAddress: identifyGmailMailbox,

  async list(call, object, options): Promise<ListPage> {
    if (object === 'messages') return listMessages(call, options);
    if (object === 'threads') return listThreads(call, options);
    throw new UnsupportedObjectError('Gmail', `has no object "${object}" here`);
  },

  async get(call, object, id) {
    if (object === 'messages') return getMessage(call, id);
    if (object !== 'threads') throw new UnsupportedObjectError('Gmail', `has no object "${object}" here`);
    const { body } = await call.request<{ id: string; historyId?: string; messages?: GmailMessage[] }>({ method: 'GET', path: metadataPath('threads', id) });
    const messages = (body.messages ?? []).map(toRecord);
    return { id: body.id, historyId: body.historyId ?? null, snippet: messages[messages.length - 1]?.snippet ?? null, messages };
  },

  actions: {
    sendEmail,
  },

  parseError(body) {
    const error = (body as GoogleErrorBody | null)?.error;
    // Token endpoint errors are OAuth's {error: "invalid_grant"}; the common parser reads those.
    if (!error || typeof error !== 'object') return ProviderError.parseCommonBody(body);
    return { code: error.errors?.[0]?.reason ?? error.status ?? (error.code ? String(error.code) : undefined), message: error.message };
  },
};

const emails = { type: 'array', items: { type: 'string', format: 'email' } };

export const gmail: ConnectorDefinition = {
  key: 'gmail',
  name: 'Gmail',
  description: 'Messages and threads of a Gmail mailbox.',
  provider: 'gmail',
  category: ConnectorCategory.EMAIL,
  connectorType: ConnectorType.REST_API,
  authTypes: [AuthType.OAUTH2],
  baseUrl: 'https://gmail.googleapis.com/gmail/v1',
  version: 'v1',
  icon: null,
  oauth: {
    authorizationUrl: 'https://accounts.google.com/o/oauth2/v2/auth',
    tokenUrl: 'https://oauth2.googleapis.com/token',
    defaultScopes: ['https://www.googleapis.com/auth/gmail.readonly', 'https://www.googleapis.com/auth/gmail.send'],
    // Google issues a refresh token only for offline access, and again only with prompt=consent.
    authorizeParams: { access_type: 'offline', prompt: 'consent' },
  },
  rateLimit: { strategy: 'token_bucket', limit: 250, windowSeconds: 100 },
  objects: OBJECTS,
  actions: [
    {
      name: 'sendEmail',
      description: 'Sends an email from the mailbox (POST users/me/messages/send with an RFC 2822 message).',
      inputSchema: {
        type: 'object',
        required: ['to', 'subject', 'body'],
        properties: {
          to: { ...emails, minItems: 1 },
          cc: emails,
          bcc: emails,
          from: { type: 'string', format: 'email', description: "A send-as address of the mailbox; Gmail uses the account's own when omitted." },
          // No line breaks: a CR/LF in a header value would let input add headers of its own.
          subject: { type: 'string', maxLength: 900, pattern: '^[^\\r\\n]*$' },
          body: { type: 'string' },
          contentType: { enum: ['text/plain', 'text/html'] },
          threadId: { type: 'string', pattern: '^[0-9a-f]+$', description: 'Adds the message to this thread.' },
          track: { type: 'boolean', description: 'Adds an open-tracking pixel (docs/tracking.md); the result gains trackingId.' },
        },
        additionalProperties: false,
      },
    },
  ],
  handler,
};
