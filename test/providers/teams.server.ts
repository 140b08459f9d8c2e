import { randomUUID } from 'node:crypto';
import { bearer, ProviderRequest, ProviderServer, Reply } from './provider-server';
import type { OAuthServer } from './oauth.server';

type GraphObject = Record<string, unknown> & { id: string };

/**
 * Microsoft Graph v1.0's Teams API as documented, under /v1.0: Bearer tokens the local OAuth
 * server issued (401 InvalidAuthenticationToken otherwise); collections as {@odata.context,
 * value, @odata.nextLink} with absolute next links; joinedTeams and channels take no $top but are
 * paged server-side (`teamsPageSize`, `channelsPageSize`); channel messages take $top (default 20,
 * at most 50) and have /delta with $filter=lastModifiedDateTime gt …; posting a message checks
 * that each attachment is referenced as <attachment id="…"> in the HTML body; errors as
 * {error: {code, message, innerError: {date, request-id, client-request-id}}}.
 */
export class TeamsServer extends ProviderServer {
  readonly teams: GraphObject[] = [];
  readonly channels = new Map<string, GraphObject[]>();
  readonly messages = new Map<string, GraphObject[]>();
  teamsPageSize = 100;
  channelsPageSize = 100;
  /** The signed-in user's object id, as GET /me answers it. */
  userId = '5d1a2b3c-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
  private clock = Date.parse('2026-01-05T09:00:00Z');

  constructor(
    private readonly oauth: OAuthServer,
    readonly tenantId = 'b3c1e1d2-7f6a-4c2e-9a51-0c6d6f0e2a11',
  ) {
    super();
    // GET /me (user-get, User.Read): the signed-in user; `id` is the user's object id, a GUID.
    this.on('GET', '/v1\\.0/me', (req) =>
      this.authed(req, () => ({
        body: { '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#users(id)/$entity', id: this.userId },
      })),
    );
    this.on('GET', '/v1.0/me/joinedTeams', (req) => this.authed(req, () => this.serverPaged(req, this.teams, this.teamsPageSize)));
    this.on('GET', '/v1.0/teams/:team', (req, [team]) =>
      this.authed(req, () =>
        this.one(
          this.teams.find((t) => t.id === team),
          `No team found with Group Id ${team}`,
        ),
      ),
    );
    this.on('GET', '/v1.0/teams/:team/channels', (req, [team]) =>
      this.authed(req, () => this.inTeam(team, (rows) => this.serverPaged(req, rows, this.channelsPageSize))),
    );
    this.on('GET', '/v1.0/teams/:team/channels/:channel', (req, [team, channel]) =>
      this.authed(req, () =>
        this.inTeam(team, (rows) =>
          this.one(
            rows.find((c) => c.id === channel),
            `Channel ${channel} not found`,
          ),
        ),
      ),
    );
    this.on('GET', '/v1.0/teams/:team/channels/:channel/messages', (req, [team, channel]) =>
      this.authed(req, () => this.inChannel(team, channel, (rows) => this.topPaged(req, rows))),
    );
    this.on('GET', '/v1.0/teams/:team/channels/:channel/messages/delta', (req, [team, channel]) =>
      this.authed(req, () => this.inChannel(team, channel, (rows) => this.delta(req, rows))),
    );
    this.on('GET', '/v1.0/teams/:team/channels/:channel/messages/:id', (req, [team, channel, id]) =>
      this.authed(req, () =>
        this.inChannel(team, channel, (rows) =>
          this.one(
            rows.find((m) => m.id === id),
            `Message ${id} not found`,
          ),
        ),
      ),
    );
    this.on('POST', '/v1.0/teams/:team/channels/:channel/messages', (req, [team, channel]) =>
      this.authed(req, () => this.inChannel(team, channel, () => this.post(team, channel, req.body))),
    );
  }

  seedTeams(count: number): GraphObject[] {
    return Array.from({ length: count }, () => {
      const team = {
        id: randomUUID(),
        displayName: `Team ${this.teams.length}`,
        description: 'Sales',
        isArchived: false,
        tenantId: this.tenantId,
        webUrl: null,
      };
      this.teams.push(team);
      this.channels.set(team.id, []);
      return team;
    });
  }

  seedChannels(teamId: string, count: number): GraphObject[] {
    const rows = this.channels.get(teamId)!;
    return Array.from({ length: count }, () => {
      const n = rows.length;
      const channel = {
        id: `19:${randomUUID().replace(/-/g, '')}@thread.tacv2`,
        displayName: n === 0 ? 'General' : `Channel ${n}`,
        description: null,
        email: '',
        isFavoriteByDefault: null,
        membershipType: 'standard',
        createdDateTime: new Date(this.clock).toISOString(),
        tenantId: this.tenantId,
        webUrl: `https://teams.microsoft.com/l/channel/${n}`,
      };
      rows.push(channel);
      this.messages.set(channel.id, []);
      return channel;
    });
  }

  seedMessages(teamId: string, channelId: string, count: number): GraphObject[] {
    return Array.from({ length: count }, (_, i) => this.addMessage(teamId, channelId, { body: { contentType: 'text', content: `Message ${i}` } }));
  }

  /** `now`: a message posted through the API is stamped with the real time, as Graph does; seeded ones follow the test clock. */
  private addMessage(teamId: string, channelId: string, fields: Record<string, unknown>, now = false): GraphObject {
    this.clock = now ? Math.max(Date.now(), this.clock + 1) : this.clock + 60_000;
    const at = new Date(this.clock).toISOString();
    const message = {
      id: String(this.clock),
      replyToId: null,
      etag: String(this.clock),
      messageType: 'message',
      createdDateTime: at,
      lastModifiedDateTime: at,
      lastEditedDateTime: null,
      deletedDateTime: null,
      subject: null,
      summary: null,
      importance: 'normal',
      locale: 'en-us',
      webUrl: `https://teams.microsoft.com/l/message/${this.clock}`,
      from: {
        application: null,
        device: null,
        user: { id: '8ea0e38b-efb3-4757-924a-5f94061cf8c2', displayName: 'Robin Kline', userIdentityType: 'aadUser', tenantId: this.tenantId },
      },
      channelIdentity: { teamId, channelId },
      attachments: [],
      mentions: [],
      reactions: [],
      ...fields,
    };
    this.messages.get(channelId)!.push(message);
    return message;
  }

  private authed(req: ProviderRequest, then: () => Reply): Reply {
    const token = bearer(req);
    if (!token) return graphError(401, 'InvalidAuthenticationToken', 'Access token is empty.');
    if (!this.oauth.isValid(token)) return graphError(401, 'InvalidAuthenticationToken', 'Access token has expired or is not yet valid.');
    return then();
  }

  private inTeam(team: string, then: (rows: GraphObject[]) => Reply): Reply {
    const rows = this.channels.get(team);
    return rows ? then(rows) : graphError(404, 'NotFound', `No team found with Group Id ${team}`);
  }

  private inChannel(team: string, channel: string, then: (rows: GraphObject[]) => Reply): Reply {
    const found = this.channels.get(team)?.some((c) => c.id === channel);
    return found ? then(this.messages.get(channel)!) : graphError(404, 'NotFound', `Channel ${channel} was not found in team ${team}`);
  }

  private one(row: GraphObject | undefined, notFound: string): Reply {
    return row ? { body: row } : graphError(404, 'NotFound', notFound);
  }

  /** Collections that take no $top: Graph decides the page size and hands out a $skiptoken link. */
  private serverPaged(req: ProviderRequest, rows: GraphObject[], size: number): Reply {
    if (req.query.has('$top'))
      return graphError(
        400,
        'BadRequest',
        "Query option 'Top' is not allowed. To allow it, set the 'AllowedQueryOptions' property on EnableQueryAttribute or QueryValidationSettings.",
      );
    return this.slice(req, rows, size);
  }

  private topPaged(req: ProviderRequest, rows: GraphObject[]): Reply {
    const top = req.query.has('$top') ? Number(req.query.get('$top')) : 20;
    if (!Number.isInteger(top) || top < 1 || top > 50) return graphError(400, 'BadRequest', 'Invalid page size requested. Page size must be between 1 and 50.');
    return this.slice(req, rows, top);
  }

  private delta(req: ProviderRequest, rows: GraphObject[]): Reply {
    const filter = /^lastModifiedDateTime gt (\S+)$/.exec(req.query.get('$filter') ?? '');
    if (req.query.has('$filter') && !filter) return graphError(400, 'BadRequest', 'Only lastModifiedDateTime gt is supported in $filter.');
    const changed = filter ? rows.filter((m) => Date.parse(String(m.lastModifiedDateTime)) > Date.parse(filter[1])) : rows;
    const reply = this.topPaged(req, changed);
    const body = reply.body as Record<string, unknown>;
    if (reply.status === undefined && !body['@odata.nextLink'])
      body['@odata.deltaLink'] = `${this.url}${req.path}?$deltatoken=${Buffer.from(String(this.clock)).toString('base64url')}`;
    return reply;
  }

  private slice(req: ProviderRequest, rows: GraphObject[], size: number): Reply {
    const start = req.query.has('$skiptoken') ? Number(Buffer.from(req.query.get('$skiptoken')!, 'base64url').toString()) : 0;
    const page = rows.slice(start, start + size);
    const body: Record<string, unknown> = { '@odata.context': `https://graph.microsoft.com/v1.0/$metadata#${req.path.split('/').pop()}`, value: page };
    if (start + size < rows.length) {
      const next = new URL(`${this.url}${req.path}`);
      for (const [name, value] of req.query) if (name !== '$skiptoken') next.searchParams.set(name, value);
      next.searchParams.set('$skiptoken', Buffer.from(String(start + size)).toString('base64url'));
      body['@odata.nextLink'] = next.toString();
    }
    return { body };
  }

  /**
   * Graph's checks on a new channel message: a body is mandatory; with attachments the body is
   * html and references each attachment as <attachment id="…"></attachment> by an id unique in
   * the message; an Adaptive Card travels as a JSON string of an object whose type is
   * AdaptiveCard.
   */
  private post(team: string, channel: string, message: Record<string, any>): Reply {
    const content = message?.body?.content;
    if (typeof content !== 'string' || !content) return graphError(400, 'BadRequest', 'Message body cannot be empty.');
    const attachments: Record<string, unknown>[] = Array.isArray(message.attachments) ? message.attachments : [];
    const ids = new Set<unknown>();
    for (const attachment of attachments) {
      if (ids.has(attachment.id)) return graphError(400, 'BadRequest', `Duplicate attachment id ${attachment.id}.`);
      ids.add(attachment.id);
      if (!content.includes(`<attachment id="${attachment.id}"></attachment>`))
        return graphError(400, 'BadRequest', `Attachment ${attachment.id} is not referenced in the message body.`);
      if (message.body.contentType !== 'html') return graphError(400, 'BadRequest', 'Messages with attachments must have an html body.');
      if (attachment.contentType === ADAPTIVE_CARD && !isAdaptiveCard(attachment.content)) {
        return graphError(400, 'BadRequest', 'Card attachment content must be a JSON string of an AdaptiveCard.');
      }
    }
    for (const [, id] of content.matchAll(/<attachment id="([^"]*)"><\/attachment>/g)) {
      if (!ids.has(id)) return graphError(400, 'BadRequest', `The body references attachment ${id}, which the message does not have.`);
    }
    return { status: 201, body: this.addMessage(team, channel, { subject: message.subject ?? null, body: message.body, attachments }, true) };
  }

  /** The Adaptive Cards posted to a channel, parsed: what a person in the channel would see. */
  cardsIn(channelId: string): Record<string, any>[] {
    return (this.messages.get(channelId) ?? []).flatMap((m) =>
      ((m.attachments as Record<string, unknown>[] | undefined) ?? [])
        .filter((a) => a.contentType === ADAPTIVE_CARD)
        .map((a) => JSON.parse(String(a.content)) as Record<string, any>),
    );
  }
}

const ADAPTIVE_CARD = 'application/vnd.microsoft.card.adaptive';

function isAdaptiveCard(content: unknown): boolean {
  if (typeof content !== 'string' || !isJson(content)) return false;
  const card = JSON.parse(content) as Record<string, unknown> | null;
  return typeof card === 'object' && card !== null && card.type === 'AdaptiveCard';
}

/** Graph's throttling answer: 429 with Retry-After (learn.microsoft.com/graph/throttling). */
export function graphThrottled(retryAfterSeconds = 1): Reply {
  return {
    status: 429,
    headers: { 'retry-after': String(retryAfterSeconds) },
    body: {
      error: {
        code: 'TooManyRequests',
        message: 'Too many requests.',
        innerError: { code: '429', date: new Date().toISOString().slice(0, 19), 'request-id': randomUUID(), 'client-request-id': randomUUID() },
      },
    },
  };
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

function graphError(status: number, code: string, message: string): Reply {
  return {
    status,
    body: {
      error: { code, message, innerError: { date: new Date().toISOString().slice(0, 19), 'request-id': randomUUID(), 'client-request-id': randomUUID() } },
    },
  };
}
