import { BadUserInputError } from '../../errors';
import { ConnectorDefinition, ObjectDefinition, field } from '../../connectors/connector.definition';
import { AuthType, ConnectorCategory, ConnectorType, FieldType } from '../../connectors/connector.enums';
import { ConnectorCall, ConnectorHandler, ConnectorRecord, ListPage, UnsupportedObjectError } from '../../connectors/connector.handler';
import { ProviderError } from '../../connectors/http/provider-error';
import { GRAPH_BASE_URL, MICROSOFT_OAUTH_URLS } from '../microsoft-graph/microsoft-identity';
import { identifyGraphUser } from '../microsoft-graph/microsoft-graph.identity';
import { cardAttachmentId, cardTarget, findPostedCard } from './teams.card-recovery';

/**
 * Microsoft Teams through Microsoft Graph v1.0 (https://learn.microsoft.com/graph/api/resources/teams-api-overview):
 * delegated OAuth2 tokens from the Microsoft identity platform as Bearer; collections as
 * {value, @odata.nextLink} where the next link is an absolute URL to follow as-is; errors as
 * {error: {code, message, innerError}}; throttling as 429 + Retry-After (retried by the shared
 * HTTP layer).
 *
 * Channels: with config.teamId, that team's channels; without it, every joined team's channels,
 * one team per page (the cursor names the team), so a sync needs no setup and a team joined
 * later is picked up. Each channel record gains `teamId`, since Graph's channel has none and a
 * channel cannot be addressed without its team. Channel messages need config.teamId and
 * config.channelId: reading every channel of every team would cost a request per channel per run.
 */
const f = field;

const OBJECTS: ObjectDefinition[] = [
  {
    name: 'teams',
    supportsIncremental: false,
    supportsWrite: false,
    fields: [
      f('id', FieldType.STRING, true),
      f('displayName', FieldType.STRING),
      f('description', FieldType.STRING),
      f('isArchived', FieldType.BOOLEAN),
      f('tenantId', FieldType.STRING),
      f('webUrl', FieldType.URL),
    ],
  },
  {
    name: 'channels',
    supportsIncremental: false,
    supportsWrite: false,
    fields: [
      f('id', FieldType.STRING, true),
      f('teamId', FieldType.STRING, true),
      f('displayName', FieldType.STRING),
      f('description', FieldType.STRING),
      f('email', FieldType.EMAIL),
      f('membershipType', FieldType.ENUM),
      f('createdDateTime', FieldType.DATETIME),
      f('webUrl', FieldType.URL),
    ],
  },
  {
    name: 'messages',
    // Incremental through GET .../messages/delta?$filter=lastModifiedDateTime gt <checkpoint>.
    supportsIncremental: true,
    // create posts a new message (ChannelMessage.Send); Graph edits of others' messages are not a sync's business.
    supportsWrite: true,
    fields: [
      f('id', FieldType.STRING, true),
      f('replyToId', FieldType.STRING),
      f('messageType', FieldType.ENUM),
      f('subject', FieldType.STRING),
      f('body.contentType', FieldType.ENUM),
      f('body.content', FieldType.STRING),
      f('from.user.id', FieldType.STRING),
      f('from.user.displayName', FieldType.STRING),
      f('importance', FieldType.ENUM),
      f('webUrl', FieldType.URL),
      f('createdDateTime', FieldType.DATETIME),
      f('lastModifiedDateTime', FieldType.DATETIME),
      f('deletedDateTime', FieldType.DATETIME),
      f('channelIdentity.teamId', FieldType.STRING),
      f('channelIdentity.channelId', FieldType.STRING),
      f('attachments', FieldType.ARRAY),
    ],
  },
];

/** Graph's documented maximum $top for channel messages (default 20). */
const MAX_MESSAGES_PAGE = 50;
const ADAPTIVE_CARD = 'application/vnd.microsoft.card.adaptive';

interface GraphCollection {
  value?: ConnectorRecord[];
  '@odata.nextLink'?: string;
}

interface GraphErrorBody {
  error?: { code?: string; message?: string; innerError?: { 'request-id'?: string } };
}

const enc = encodeURIComponent;

/**
 * Cursors come back from callers, and a link is fetched with the connection's token: only links
 * under the connection's own Graph base URL are followed, so a crafted cursor cannot send the
 * token elsewhere.
 */
function ownLink(call: ConnectorCall, link: string): string {
  const base = new URL(call.baseUrl);
  let url: URL | null = null;
  try {
    url = new URL(link);
  } catch {
    // reported below
  }
  if (!url || url.origin !== base.origin || !url.pathname.startsWith(`${base.pathname.replace(/\/$/, '')}/`)) {
    throw new BadUserInputError('cursor is not a link this connection handed out', 'cursor');
  }
  return url.toString();
}

function configured(call: ConnectorCall, name: 'teamId' | 'channelId'): string {
  const value = call.config[name];
  if (typeof value !== 'string' || !value) throw new BadUserInputError(`Teams channel messages need config.${name} on the connection`, `config.${name}`);
  return value;
}

function messagesPath(call: ConnectorCall): string {
  return `/teams/${enc(configured(call, 'teamId'))}/channels/${enc(configured(call, 'channelId'))}/messages`;
}

async function getCollection(call: ConnectorCall, path: string, query?: Record<string, string | number>): Promise<GraphCollection> {
  return (await call.request<GraphCollection>({ method: 'GET', path, query })).body ?? {};
}

/** Every joined team's id, sorted so "the team after this one" stays stable between pages. */
async function joinedTeamIds(call: ConnectorCall): Promise<string[]> {
  const ids: string[] = [];
  let path: string | undefined = '/me/joinedTeams';
  while (path) {
    const body = await getCollection(call, path);
    ids.push(...(body.value ?? []).map((team) => String(team.id)));
    path = body['@odata.nextLink'] ? ownLink(call, body['@odata.nextLink']) : undefined;
  }
  return ids.sort();
}

interface ChannelCursor {
  team: string;
  next?: string;
}

function decodeChannelCursor(cursor: string): ChannelCursor {
  try {
    const parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as ChannelCursor;
    if (typeof parsed.team === 'string') return parsed;
  } catch {
    // reported below
  }
  throw new BadUserInputError('cursor is not one this connection handed out', 'cursor');
}

const encodeChannelCursor = (cursor: ChannelCursor) => Buffer.from(JSON.stringify(cursor)).toString('base64url');

async function listChannels(call: ConnectorCall, cursor: string | null | undefined): Promise<ListPage> {
  const fixed = typeof call.config.teamId === 'string' && call.config.teamId ? call.config.teamId : null;
  const position = cursor ? decodeChannelCursor(cursor) : null;
  const teamIds = fixed ? null : await joinedTeamIds(call);
  const team = fixed ?? position?.team ?? teamIds![0];
  if (!team) return { records: [], nextCursor: null };
  const body = await getCollection(call, position?.next ? ownLink(call, position.next) : `/teams/${enc(team)}/channels`);
  const records = (body.value ?? []).map((channel) => ({ ...channel, teamId: team }));
  const next = body['@odata.nextLink'];
  if (next) return { records, nextCursor: encodeChannelCursor({ team, next }) };
  const following = teamIds?.find((id) => id > team);
  return { records, nextCursor: following ? encodeChannelCursor({ team: following }) : null };
}

async function listMessages(
  call: ConnectorCall,
  cursor: string | null | undefined,
  pageSize: number | undefined,
  since: unknown,
  soFar?: unknown,
): Promise<ListPage> {
  const top = Math.min(pageSize ?? MAX_MESSAGES_PAGE, MAX_MESSAGES_PAGE);
  const sinceMs = typeof since === 'string' ? Date.parse(since) : Number.NaN;
  const incremental = !Number.isNaN(sinceMs);
  let body: GraphCollection;
  if (cursor) body = await getCollection(call, ownLink(call, cursor));
  else if (incremental)
    body = await getCollection(call, `${messagesPath(call)}/delta`, { $filter: `lastModifiedDateTime gt ${new Date(sinceMs).toISOString()}`, $top: top });
  else body = await getCollection(call, messagesPath(call), { $top: top });
  const records = body.value ?? [];
  // Pages are not in change order: carry the newest time of earlier pages forward.
  const floor = Math.max(incremental ? sinceMs : 0, typeof soFar === 'string' ? Date.parse(soFar) || 0 : 0);
  const newest = records.reduce((max, r) => Math.max(max, Date.parse(String(r.lastModifiedDateTime ?? '')) || 0), floor);
  return { records, nextCursor: body['@odata.nextLink'] ?? null, checkpoint: newest ? new Date(newest).toISOString() : undefined };
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const handler: ConnectorHandler = {
  async test(call) {
    await call.request({ method: 'GET', path: '/me/joinedTeams' });
  },

  identify: identifyGraphUser,

  async list(call, object, { cursor, pageSize, since, checkpoint }): Promise<ListPage> {
    switch (object) {
      case 'teams': {
        // joinedTeams takes no OData options; Graph may still page it server-side.
        const body = await getCollection(call, cursor ? ownLink(call, cursor) : '/me/joinedTeams');
        return { records: body.value ?? [], nextCursor: body['@odata.nextLink'] ?? null };
      }
      case 'channels':
        return listChannels(call, cursor);
      case 'messages':
        return listMessages(call, cursor, pageSize, since, checkpoint);
      default:
        throw new UnsupportedObjectError('Teams', `has no object "${object}" here`);
    }
  },

  async get(call, object, id) {
    const get = async (path: string) => (await call.request<ConnectorRecord>({ method: 'GET', path })).body;
    if (object === 'teams') return get(`/teams/${enc(id)}`);
    if (object === 'channels') {
      const team = configured(call, 'teamId');
      return { ...(await get(`/teams/${enc(team)}/channels/${enc(id)}`)), teamId: team };
    }
    if (object === 'messages') return get(`${messagesPath(call)}/${enc(id)}`);
    throw new UnsupportedObjectError('Teams', `has no object "${object}" here`);
  },

  async create(call, object, data) {
    if (object !== 'messages') throw new UnsupportedObjectError('Teams', `${object} are read-only here`);
    return (await call.request<ConnectorRecord>({ method: 'POST', path: messagesPath(call), json: data })).body;
  },

  actions: {
    async sendAdaptiveCard(call, input, options) {
      const { card, summary, subject } = input as { card: Record<string, unknown>; summary?: string; subject?: string };
      const { team, channel } = cardTarget(call, input);
      // Graph places an attachment where the HTML body references it by id; the card travels as a JSON string.
      const id = cardAttachmentId(options?.idempotencyKey);
      const message = {
        ...(subject ? { subject } : {}),
        body: { contentType: 'html', content: `${summary ? `<p>${escapeHtml(summary)}</p>` : ''}<attachment id="${id}"></attachment>` },
        attachments: [{ id, contentType: ADAPTIVE_CARD, contentUrl: null, content: JSON.stringify(card), name: null, thumbnailUrl: null }],
      };
      return (await call.request({ method: 'POST', path: `/teams/${enc(team)}/channels/${enc(channel)}/messages`, json: message })).body;
    },
  },

  // An interrupted run's card is recognised by the attachment id its run id gives (teams.card-recovery.ts).
  actionRecovery: { sendAdaptiveCard: { findPrevious: findPostedCard } },

  parseError(body) {
    const error = (body as GraphErrorBody | null)?.error;
    if (!error || typeof error !== 'object') return ProviderError.parseCommonBody(body);
    // Microsoft support asks for the request-id; keep it beside the message.
    const requestId = error.innerError?.['request-id'];
    return { code: error.code, message: requestId && error.message ? `${error.message} (request-id ${requestId})` : error.message };
  },
};

export const teams: ConnectorDefinition = {
  key: 'teams',
  name: 'Microsoft Teams',
  description: 'Teams, channels and channel messages through Microsoft Graph.',
  provider: 'teams',
  category: ConnectorCategory.MESSAGING,
  connectorType: ConnectorType.REST_API,
  authTypes: [AuthType.OAUTH2],
  baseUrl: GRAPH_BASE_URL,
  version: 'v1.0',
  icon: null,
  oauth: {
    ...MICROSOFT_OAUTH_URLS,
    // offline_access is what makes the identity platform issue a refresh token; User.Read lets GET /me name the user (identify).
    defaultScopes: ['offline_access', 'User.Read', 'Team.ReadBasic.All', 'Channel.ReadBasic.All', 'ChannelMessage.Read.All', 'ChannelMessage.Send'],
  },
  rateLimit: { strategy: 'token_bucket', limit: 60, windowSeconds: 60 },
  objects: OBJECTS,
  actions: [
    {
      name: 'sendAdaptiveCard',
      description:
        'Posts an Adaptive Card to a channel (POST /teams/{team-id}/channels/{channel-id}/messages); teamId/channelId default to the connection config.',
      inputSchema: {
        type: 'object',
        required: ['card'],
        properties: {
          teamId: { type: 'string', minLength: 1 },
          channelId: { type: 'string', minLength: 1, description: 'e.g. 19:…@thread.tacv2' },
          card: {
            type: 'object',
            description: 'The Adaptive Card (https://adaptivecards.io/explorer/AdaptiveCard.html).',
            required: ['type', 'version'],
            properties: {
              type: { const: 'AdaptiveCard' },
              version: { type: 'string', pattern: '^\\d+\\.\\d+$' },
              body: { type: 'array' },
              actions: { type: 'array' },
            },
          },
          summary: { type: 'string', maxLength: 2000, description: 'Text shown above the card.' },
          subject: { type: 'string', maxLength: 255 },
        },
        additionalProperties: false,
      },
    },
  ],
  handler,
};
