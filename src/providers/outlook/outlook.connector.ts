import { randomUUID } from 'node:crypto';
import { ConnectorDefinition, ObjectDefinition, field } from '../../connectors/connector.definition';
import { AuthType, ConnectorCategory, ConnectorType, FieldType } from '../../connectors/connector.enums';
import { ConnectorCall, ConnectorHandler, ConnectorRecord, UnsupportedObjectError } from '../../connectors/connector.handler';
import { ProviderError } from '../../connectors/http/provider-error';
import { GRAPH_BASE_URL, MICROSOFT_OAUTH_URLS } from '../microsoft-graph/microsoft-identity';
import { graphMailboxAddress, identifyGraphUser } from '../microsoft-graph/microsoft-graph.identity';
import { IMMUTABLE_IDS, listDelta, MESSAGE_SELECT } from './outlook.delta';
import { sendMail } from './outlook.send';

/**
 * Outlook mail and calendar through Microsoft Graph v1.0 (https://learn.microsoft.com/graph/api):
 * OAuth2 bearer tokens; inbox messages and calendar-view events are read with delta queries,
 * paged by following @odata.nextLink until an @odata.deltaLink closes the round, and that link
 * (an absolute URL) is the incremental checkpoint the next run starts from (outlook.delta.ts;
 * removed items are deletions). Page size is asked for with `Prefer: odata.maxpagesize`. Errors are {error: {code, message}}; 429 carries Retry-After.
 */
const f = field;

const MESSAGE_FIELDS = [
  f('id', FieldType.STRING, true),
  f('subject', FieldType.STRING),
  f('from.emailAddress.address', FieldType.EMAIL),
  f('from.emailAddress.name', FieldType.STRING),
  f('toRecipients', FieldType.ARRAY),
  f('ccRecipients', FieldType.ARRAY),
  f('receivedDateTime', FieldType.DATETIME),
  f('sentDateTime', FieldType.DATETIME),
  f('bodyPreview', FieldType.STRING),
  f('isRead', FieldType.BOOLEAN),
  f('importance', FieldType.ENUM),
  f('conversationId', FieldType.STRING),
  f('internetMessageId', FieldType.STRING),
  f('categories', FieldType.ARRAY),
  f('webLink', FieldType.URL),
  f('lastModifiedDateTime', FieldType.DATETIME),
];

const OBJECTS: ObjectDefinition[] = [
  // The Inbox and Sent Items: a mailbox's history is both (what it received, what it sent).
  { name: 'messages', supportsIncremental: true, supportsWrite: false, fields: MESSAGE_FIELDS },
  { name: 'sent_messages', supportsIncremental: true, supportsWrite: false, fields: MESSAGE_FIELDS },
  {
    name: 'events',
    supportsIncremental: true,
    supportsWrite: true,
    fields: [
      f('id', FieldType.STRING, true),
      f('subject', FieldType.STRING),
      f('start.dateTime', FieldType.DATETIME),
      f('start.timeZone', FieldType.STRING),
      f('end.dateTime', FieldType.DATETIME),
      f('end.timeZone', FieldType.STRING),
      f('isAllDay', FieldType.BOOLEAN),
      f('isCancelled', FieldType.BOOLEAN),
      f('location.displayName', FieldType.STRING),
      f('organizer.emailAddress.address', FieldType.EMAIL),
      f('attendees', FieldType.ARRAY),
      f('bodyPreview', FieldType.STRING),
      f('showAs', FieldType.ENUM),
      f('webLink', FieldType.URL),
      f('lastModifiedDateTime', FieldType.DATETIME),
    ],
  },
];

interface GraphErrorBody {
  error?: { code?: string; message?: string };
}

function knownObject(object: string): void {
  if (!OBJECTS.some((o) => o.name === object)) throw new UnsupportedObjectError('Outlook', `has no object "${object}" here`);
}

function itemPath(object: string, id: string): string {
  knownObject(object);
  // A message is read by id under /me/messages whichever folder holds it.
  return `/me/${object === 'events' ? 'events' : 'messages'}/${encodeURIComponent(id)}`;
}

function writableEvents(object: string): void {
  if (object !== 'events') throw new UnsupportedObjectError('Outlook', `${object} are read-only here (send mail with the sendMail action)`);
}

interface Attendee {
  email: string;
  name?: string;
  type?: 'required' | 'optional' | 'resource';
}
interface CreateEventInput {
  subject: string;
  start: { dateTime: string; timeZone: string };
  end: { dateTime: string; timeZone: string };
  attendees?: Attendee[];
  body?: string;
  contentType?: 'Text' | 'HTML';
  location?: string;
  isOnlineMeeting?: boolean;
}

const handler: ConnectorHandler = {
  async test(call) {
    await call.request({ method: 'GET', path: '/me', query: { $select: 'id,displayName,mail,userPrincipalName' } });
  },

  identify: identifyGraphUser,
  mailboxAddress: graphMailboxAddress,

  list(call, object, { cursor, pageSize, since }) {
    knownObject(object);
    return listDelta(call, object, cursor, pageSize, since);
  },

  async get(call, object, id) {
    const mail = object !== 'events';
    const query = mail ? { $select: MESSAGE_SELECT } : undefined;
    const headers = mail ? { prefer: IMMUTABLE_IDS } : undefined;
    return (await call.request<ConnectorRecord>({ method: 'GET', path: itemPath(object, id), query, headers })).body;
  },

  async create(call, object, data) {
    writableEvents(object);
    return (await call.request<ConnectorRecord>({ method: 'POST', path: '/me/events', json: data })).body;
  },

  async update(call, object, id, data) {
    writableEvents(object);
    return (await call.request<ConnectorRecord>({ method: 'PATCH', path: itemPath(object, id), json: data })).body;
  },

  actions: {
    sendMail,

    async createEvent(call: ConnectorCall, input) {
      const event = input as unknown as CreateEventInput;
      const json = {
        subject: event.subject,
        start: event.start,
        end: event.end,
        attendees: (event.attendees ?? []).map((a) => ({
          emailAddress: { address: a.email, ...(a.name ? { name: a.name } : {}) },
          type: a.type ?? 'required',
        })),
        ...(event.body !== undefined ? { body: { contentType: event.contentType ?? 'Text', content: event.body } } : {}),
        ...(event.location ? { location: { displayName: event.location } } : {}),
        ...(event.isOnlineMeeting !== undefined ? { isOnlineMeeting: event.isOnlineMeeting } : {}),
        // Graph drops a second POST with the same transactionId, should a create ever be repeated.
        transactionId: randomUUID(),
      };
      return (await call.request({ method: 'POST', path: '/me/events', json })).body;
    },
  },

  parseError(body) {
    const error = (body as GraphErrorBody | null)?.error;
    // The token endpoint (Microsoft identity platform) answers OAuth's {error: "invalid_grant", error_description}.
    if (!error || typeof error !== 'object') return ProviderError.parseCommonBody(body);
    return { code: error.code, message: error.message };
  },
};

const emails = { type: 'array', items: { type: 'string', format: 'email' } };
const dateTimeTimeZone = {
  type: 'object',
  required: ['dateTime', 'timeZone'],
  properties: {
    dateTime: {
      type: 'string',
      pattern: '^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?$',
      description: 'Local time in timeZone, without an offset.',
    },
    timeZone: { type: 'string', minLength: 1, description: 'A Windows or IANA time zone name, e.g. "UTC" or "Europe/Berlin".' },
  },
  additionalProperties: false,
};

export const outlook: ConnectorDefinition = {
  key: 'outlook',
  name: 'Outlook',
  description: 'Mail and calendar events of an Outlook mailbox through Microsoft Graph.',
  provider: 'outlook',
  category: ConnectorCategory.EMAIL,
  connectorType: ConnectorType.REST_API,
  authTypes: [AuthType.OAUTH2],
  baseUrl: GRAPH_BASE_URL,
  version: 'v1.0',
  icon: null,
  oauth: {
    ...MICROSOFT_OAUTH_URLS,
    // offline_access for a refresh token; User.Read for GET /me (testConnection); Mail.ReadWrite (which reads too) for the draft a tracked sendMail sends.
    defaultScopes: ['offline_access', 'User.Read', 'Mail.ReadWrite', 'Mail.Send', 'Calendars.ReadWrite'],
  },
  rateLimit: { strategy: 'token_bucket', limit: 30, windowSeconds: 1 },
  objects: OBJECTS,
  actions: [
    {
      name: 'sendMail',
      description: 'Sends a message from the mailbox (POST /me/sendMail; with track, a draft POST /me/messages sent with POST /me/messages/{id}/send).',
      inputSchema: {
        type: 'object',
        required: ['to', 'subject', 'body'],
        properties: {
          to: { ...emails, minItems: 1 },
          cc: emails,
          bcc: emails,
          subject: { type: 'string', maxLength: 255 },
          body: { type: 'string' },
          contentType: { enum: ['Text', 'HTML'] },
          saveToSentItems: { type: 'boolean', description: 'Ignored with track: a sent draft is always kept in Sent Items.' },
          track: {
            type: 'boolean',
            description: 'Adds an open-tracking pixel (docs/tracking.md); the body goes as HTML, the result gains messageId and trackingId.',
          },
        },
        additionalProperties: false,
      },
    },
    {
      name: 'createEvent',
      description: 'Creates an event in the calendar and invites its attendees (POST /me/events).',
      inputSchema: {
        type: 'object',
        required: ['subject', 'start', 'end'],
        properties: {
          subject: { type: 'string', minLength: 1, maxLength: 255 },
          start: dateTimeTimeZone,
          end: dateTimeTimeZone,
          attendees: {
            type: 'array',
            items: {
              type: 'object',
              required: ['email'],
              properties: { email: { type: 'string', format: 'email' }, name: { type: 'string' }, type: { enum: ['required', 'optional', 'resource'] } },
              additionalProperties: false,
            },
          },
          body: { type: 'string' },
          contentType: { enum: ['Text', 'HTML'] },
          location: { type: 'string' },
          isOnlineMeeting: { type: 'boolean' },
        },
        additionalProperties: false,
      },
    },
  ],
  handler,
};
