import { ConnectorDefinition, ObjectDefinition, field } from '../../connectors/connector.definition';
import { AuthType, ConnectorCategory, ConnectorType, FieldType } from '../../connectors/connector.enums';
import {
  CallRequest,
  ConnectorCall,
  ConnectorHandler,
  ConnectorRecord,
  ListPage,
  PreviousCall,
  UnsupportedObjectError,
} from '../../connectors/connector.handler';
import { ProviderError } from '../../connectors/http/provider-error';
import { identifySlackTeam } from './slack.identity';

/**
 * Slack Web API (https://docs.slack.dev/reference/methods): one URL per method under
 * https://slack.com/api, a bot or OAuth token as Bearer, reads as GET with query arguments,
 * writes as JSON bodies (`application/json; charset=utf-8`: Slack warns `missing_charset`
 * without it), lists paged with limit + cursor + response_metadata.next_cursor ('' when done).
 * Slack answers most errors with HTTP 200 and {ok:false, error:'<code>'}; only rate limits use
 * a status (429 + Retry-After), which the shared HTTP layer already retries.
 */
const f = field;

const OBJECTS: ObjectDefinition[] = [
  {
    name: 'users',
    // users.list has no changed-since filter: every read is a full one.
    supportsIncremental: false,
    // Users are provisioned through SCIM, not the Web API.
    supportsWrite: false,
    fields: [
      f('id', FieldType.STRING, true),
      f('team_id', FieldType.STRING),
      f('name', FieldType.STRING),
      f('real_name', FieldType.STRING),
      f('deleted', FieldType.BOOLEAN),
      f('is_bot', FieldType.BOOLEAN),
      f('is_admin', FieldType.BOOLEAN),
      f('is_owner', FieldType.BOOLEAN),
      f('tz', FieldType.STRING),
      f('updated', FieldType.DATETIME),
      f('profile.email', FieldType.EMAIL),
      f('profile.display_name', FieldType.STRING),
      f('profile.real_name', FieldType.STRING),
      f('profile.title', FieldType.STRING),
      f('profile.phone', FieldType.PHONE),
      f('profile.image_72', FieldType.URL),
    ],
  },
  {
    name: 'conversations',
    supportsIncremental: false,
    // Channel management (conversations.create/rename) needs channels:manage, which this connector does not ask for.
    supportsWrite: false,
    fields: [
      f('id', FieldType.STRING, true),
      f('name', FieldType.STRING),
      f('is_channel', FieldType.BOOLEAN),
      f('is_group', FieldType.BOOLEAN),
      f('is_im', FieldType.BOOLEAN),
      f('is_mpim', FieldType.BOOLEAN),
      f('is_private', FieldType.BOOLEAN),
      f('is_archived', FieldType.BOOLEAN),
      f('is_general', FieldType.BOOLEAN),
      f('created', FieldType.DATETIME),
      f('creator', FieldType.STRING),
      f('num_members', FieldType.INTEGER),
      f('topic.value', FieldType.STRING),
      f('purpose.value', FieldType.STRING),
      f('user', FieldType.STRING),
    ],
  },
];

/** Slack recommends no more than 200 items per page for every cursor-paged method. */
const MAX_PAGE_SIZE = 200;
const JSON_UTF8 = 'application/json; charset=utf-8';
const DEFAULT_CONVERSATION_TYPES = 'public_channel,private_channel';

interface SlackBody {
  ok?: boolean;
  error?: string;
  needed?: string;
  provided?: string;
  response_metadata?: { next_cursor?: string; messages?: string[] };
  [key: string]: unknown;
}

/** Token errors: answered as 401 so the OAuth layer refreshes (Slack token rotation) or marks the connection. */
const AUTH_ERRORS = new Set(['invalid_auth', 'not_authed', 'token_expired', 'token_revoked']);
const FORBIDDEN_ERRORS = new Set([
  'missing_scope',
  'not_allowed_token_type',
  'no_permission',
  'access_denied',
  'account_inactive',
  'ekm_access_denied',
  'team_access_not_granted',
  'restricted_action',
  'not_in_channel',
  'is_archived',
]);
const NOT_FOUND_ERRORS = new Set(['channel_not_found', 'user_not_found', 'users_not_found', 'team_not_found']);
const SERVER_ERRORS = new Set(['internal_error', 'fatal_error', 'service_unavailable', 'request_timeout']);

/** Slack's HTTP status is 200 for these; this is the status the same failure would have elsewhere. */
function statusFor(code: string): number {
  if (AUTH_ERRORS.has(code)) return 401;
  if (FORBIDDEN_ERRORS.has(code)) return 403;
  if (NOT_FOUND_ERRORS.has(code)) return 404;
  if (code === 'ratelimited' || code === 'rate_limited') return 429;
  if (SERVER_ERRORS.has(code)) return 503;
  return 400;
}

/** Slack's error is a bare code; missing_scope and invalid_arguments add detail worth showing. */
function detailOf(body: SlackBody): string | undefined {
  const parts: string[] = [];
  if (body.needed) parts.push(`needed: ${body.needed}`);
  if (body.provided) parts.push(`provided: ${body.provided}`);
  parts.push(...(body.response_metadata?.messages ?? []));
  return parts.length ? `${body.error}: ${parts.join('; ')}`.slice(0, 500) : undefined;
}

function slackError(body: SlackBody | null): ProviderError {
  const code = typeof body?.error === 'string' ? body.error : 'invalid_response';
  return new ProviderError({
    provider: 'slack',
    status: statusFor(code),
    providerCode: code,
    providerMessage: body ? detailOf(body) : 'Slack sent no JSON body',
  });
}

/** Calls one Web API method and returns its body once Slack said ok:true; ok:false becomes a ProviderError. */
async function slackCall<T extends SlackBody>(call: ConnectorCall, method: string, args: Record<string, unknown>, write = false): Promise<T> {
  const req: CallRequest = write
    ? { method: 'POST', path: `/${method}`, json: args, headers: { 'content-type': JSON_UTF8 } }
    : { method: 'GET', path: `/${method}`, query: args as CallRequest['query'] };
  const { body } = await call.request<T | null>(req);
  if (!body || body.ok !== true) throw slackError(body);
  return body;
}

function listArgs(call: ConnectorCall, cursor: string | null | undefined, pageSize: number | undefined): Record<string, unknown> {
  const args: Record<string, unknown> = { limit: Math.min(pageSize ?? MAX_PAGE_SIZE, MAX_PAGE_SIZE) };
  if (cursor) args.cursor = cursor;
  // Org-wide (Enterprise Grid) tokens must name the workspace.
  if (typeof call.config.teamId === 'string') args.team_id = call.config.teamId;
  return args;
}

/** The metadata event type that marks a message an automation run posted (event_payload.run_id is the run). */
export const RUN_METADATA_TYPE = 'hotcrm_automation_run';
/** Pages of conversations.history read while looking for an interrupted run's message. */
const MAX_HISTORY_PAGES = 5;
const CONVERSATION_ID = /^[CGD][A-Z0-9]+$/;

function runMetadata(runId: string) {
  return { event_type: RUN_METADATA_TYPE, event_payload: { run_id: runId } };
}

/**
 * Whether chat.postMessage with this key took effect at or after `since`: the bot's messages in
 * the channel since then (conversations.history with oldest and include_all_metadata, as
 * https://docs.slack.dev/reference/methods/conversations.history documents), looking for the
 * metadata postMessage attached (https://docs.slack.dev/messaging/message-metadata). Needs the
 * channel's id (history takes no #name) and the channels:history / groups:history scope.
 */
async function findPostedMessage(call: ConnectorCall, input: Record<string, unknown>, key: string, since: Date): Promise<PreviousCall> {
  const channel = String(input.channel ?? '');
  if (!CONVERSATION_ID.test(channel)) return { unknown: `conversations.history needs a channel id, not ${channel.slice(0, 80)}` };
  // A second of slack for clocks: Slack's ts is its own clock, the attempt's start is ours.
  const oldest = (Math.floor(since.getTime() / 1000) - 1).toFixed(6);
  let cursor: string | undefined;
  try {
    for (let page = 0; page < MAX_HISTORY_PAGES; page++) {
      const args: Record<string, unknown> = { channel, oldest, inclusive: true, include_all_metadata: true, limit: 100, ...(cursor ? { cursor } : {}) };
      const body = await slackCall<SlackBody & { messages?: SlackMessage[] }>(call, 'conversations.history', args);
      const message = (body.messages ?? []).find((m) => m.metadata?.event_type === RUN_METADATA_TYPE && m.metadata.event_payload?.run_id === key);
      if (message) return { found: true, result: { channel, ts: message.ts, message } };
      cursor = body.response_metadata?.next_cursor || undefined;
      if (!cursor) return { found: false };
    }
    return { unknown: `more than ${MAX_HISTORY_PAGES * 100} messages since the attempt` };
  } catch (error) {
    return { unknown: error instanceof ProviderError ? error.message : String(error) };
  }
}

interface SlackMessage {
  ts?: string;
  metadata?: { event_type?: string; event_payload?: { run_id?: string } };
}

const handler: ConnectorHandler = {
  /**
   * Slack refuses a token with HTTP 200 and {ok: false, error: 'invalid_auth'}: raised here as a
   * 401, the runtime refreshes the OAuth token and resends once (a refused call did nothing at
   * Slack, so resending a POST is safe).
   */
  checkResponse(response) {
    const body = response.body as SlackBody | null;
    if (body?.ok === false && AUTH_ERRORS.has(String(body.error))) throw slackError(body);
  },

  async test(call) {
    await slackCall(call, 'auth.test', {}, true);
  },

  identify: identifySlackTeam,

  async list(call, object, { cursor, pageSize }): Promise<ListPage> {
    const args = listArgs(call, cursor, pageSize);
    let records: ConnectorRecord[];
    let body: SlackBody;
    if (object === 'users') {
      body = await slackCall<SlackBody & { members?: ConnectorRecord[] }>(call, 'users.list', args);
      records = (body.members as ConnectorRecord[] | undefined) ?? [];
    } else if (object === 'conversations') {
      args.types = typeof call.config.conversationTypes === 'string' ? call.config.conversationTypes : DEFAULT_CONVERSATION_TYPES;
      body = await slackCall<SlackBody & { channels?: ConnectorRecord[] }>(call, 'conversations.list', args);
      records = (body.channels as ConnectorRecord[] | undefined) ?? [];
    } else {
      throw new UnsupportedObjectError('Slack', `has no object "${object}" here`);
    }
    // An empty next_cursor is Slack's "no more pages"; a short page is not.
    return { records, nextCursor: body.response_metadata?.next_cursor || null };
  },

  async get(call, object, id) {
    if (object === 'users') return (await slackCall<SlackBody & { user: ConnectorRecord }>(call, 'users.info', { user: id })).user;
    if (object === 'conversations') return (await slackCall<SlackBody & { channel: ConnectorRecord }>(call, 'conversations.info', { channel: id })).channel;
    throw new UnsupportedObjectError('Slack', `has no object "${object}" here`);
  },

  actions: {
    async postMessage(call, input, options) {
      // With a key (an automation run), the message carries it as metadata so recovery can find it.
      const args = options?.idempotencyKey ? { ...input, metadata: runMetadata(options.idempotencyKey) } : input;
      const { ok: _ok, ...sent } = await slackCall(call, 'chat.postMessage', args, true);
      return sent;
    },
    async openConversation(call, input) {
      const { users, ...rest } = input as { users: string[] };
      // conversations.open takes the members as one comma-separated string.
      const { ok: _ok, ...opened } = await slackCall(call, 'conversations.open', { ...rest, users: users.join(',') }, true);
      return opened;
    },
  },

  actionRecovery: { postMessage: { findPrevious: findPostedMessage } },

  parseError(body) {
    // HTTP-level failures (429, 5xx) still carry {ok:false, error} when Slack sent JSON.
    const slack = body as SlackBody | null;
    if (slack && typeof slack === 'object' && typeof slack.error === 'string') return { code: slack.error, message: detailOf(slack) };
    return ProviderError.parseCommonBody(body);
  },
};

export const slack: ConnectorDefinition = {
  key: 'slack',
  name: 'Slack',
  description: 'Users, conversations and messages in a Slack workspace.',
  provider: 'slack',
  category: ConnectorCategory.MESSAGING,
  connectorType: ConnectorType.REST_API,
  authTypes: [AuthType.OAUTH2, AuthType.TOKEN],
  baseUrl: 'https://slack.com/api',
  version: null,
  icon: null,
  oauth: {
    authorizationUrl: 'https://slack.com/oauth/v2/authorize',
    tokenUrl: 'https://slack.com/api/oauth.v2.access',
    // Bot scopes for every call here: users.list (+ email), conversations.list for public and
    // private channels, chat.postMessage, conversations.open for DMs and group DMs.
    // channels:history and groups:history let an automation run whose worker died mid-post check
    // whether the message went out (conversations.history) instead of posting twice.
    defaultScopes: [
      'users:read',
      'users:read.email',
      'channels:read',
      'groups:read',
      'chat:write',
      'im:write',
      'mpim:write',
      'channels:history',
      'groups:history',
    ],
    // Slack's OAuth v2 takes a comma-separated scope list.
    scopeSeparator: ',',
  },
  rateLimit: { strategy: 'token_bucket', limit: 1, windowSeconds: 1 },
  // TOKEN: a bot token (xoxb-…) from the app's settings page, for workspaces without the OAuth flow.
  credentialFields: { [AuthType.TOKEN]: ['token'] },
  objects: OBJECTS,
  actions: [
    {
      name: 'postMessage',
      description:
        'Posts a message to a channel, DM or thread (chat.postMessage). The bot must be in the channel (/invite @app) unless the app has chat:write.public; Slack takes about 1 message per second per channel.',
      inputSchema: {
        type: 'object',
        required: ['channel', 'text'],
        properties: {
          channel: { type: 'string', minLength: 1, description: 'Conversation ID (C…, G…, D…) or #name.' },
          // Slack needs text, blocks or attachments; text is required here because it is what
          // notifications and screen readers show when blocks are given.
          text: { type: 'string', minLength: 1, maxLength: 40000, description: 'The message, or the notification fallback when blocks are given.' },
          blocks: {
            type: 'array',
            maxItems: 50,
            description: 'Block Kit layout blocks (at most 50).',
            items: { type: 'object', required: ['type'], properties: { type: { type: 'string', minLength: 1 } } },
          },
          thread_ts: { type: 'string', pattern: '^\\d+\\.\\d+$', description: 'Reply in the thread of this message.' },
          reply_broadcast: { type: 'boolean', description: 'With thread_ts: show the reply in the channel too.' },
          mrkdwn: { type: 'boolean', description: 'false turns off Slack markup in text.' },
          unfurl_links: { type: 'boolean' },
          unfurl_media: { type: 'boolean' },
          metadata: {
            type: 'object',
            description:
              'Message metadata other apps can read (docs.slack.dev/messaging/message-metadata). An automation run sends its own instead (event_type hotcrm_automation_run, its run id), which is how an interrupted run finds out whether it posted.',
            required: ['event_type', 'event_payload'],
            properties: {
              event_type: { type: 'string', pattern: '^[A-Za-z0-9_]+$', maxLength: 255 },
              event_payload: { type: 'object' },
            },
            additionalProperties: false,
          },
        },
        additionalProperties: false,
      },
    },
    {
      name: 'openConversation',
      description: 'Opens (or resumes) a DM with one user or a group DM with up to 8 (conversations.open).',
      inputSchema: {
        type: 'object',
        required: ['users'],
        properties: {
          users: { type: 'array', minItems: 1, maxItems: 8, uniqueItems: true, items: { type: 'string', pattern: '^[UW][A-Z0-9]+$' } },
          return_im: { type: 'boolean', description: 'Return the full DM channel object.' },
        },
        additionalProperties: false,
      },
    },
  ],
  handler,
};
