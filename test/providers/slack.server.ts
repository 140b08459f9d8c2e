import { bearer, ProviderRequest, ProviderServer, Reply } from './provider-server';
import type { OAuthServer } from './oauth.server';

type SlackObject = Record<string, unknown> & { id: string };
type Args = Record<string, unknown>;

const TEAM_ID = 'T0LOCAL001';
const BOT_USER_ID = 'U0LOCALBOT';
const TYPE_FILTERS: Record<string, (c: SlackObject) => boolean> = {
  public_channel: (c) => c.is_channel === true && c.is_private !== true,
  private_channel: (c) => c.is_channel === true && c.is_private === true,
  im: (c) => c.is_im === true,
  mpim: (c) => c.is_mpim === true,
};

/**
 * Slack's Web API as documented (https://docs.slack.dev/reference/methods) under /api: Bearer
 * token (a bot token, or an access token the local OAuth server issued); every answer is HTTP 200
 * with {ok, ...} and errors are {ok:false, error:'<code>'} (not_authed, invalid_auth,
 * token_expired for a token that worked before and expired, channel_not_found, ...); cursor
 * pagination with limit, cursor and response_metadata.next_cursor ('' on the last page); JSON
 * write bodies without `charset=utf-8` earn the `missing_charset` warning.
 */
export class SlackServer extends ProviderServer {
  readonly users: SlackObject[] = [];
  readonly channels: SlackObject[] = [];
  /** chat.postMessage calls that succeeded, as Slack received their arguments. */
  readonly posted: Args[] = [];
  /** Every channel's messages as conversations.history answers them, oldest first here. */
  readonly history = new Map<string, Args[]>();
  private readonly ims = new Map<string, SlackObject>();
  private lastTs = 0;
  private readonly accepted = new Set<string>();
  private clock = 1_700_000_000;

  constructor(
    private readonly oauth: OAuthServer,
    readonly botToken = 'xoxb-1234-5678-LocalSlackBotToken',
  ) {
    super();
    this.on('POST', '/api/auth.test', (req) =>
      this.authed(req, () =>
        ok({
          url: 'https://hotcrm-test.slack.com/',
          team: 'HotCRM Test',
          user: 'hotcrm',
          team_id: TEAM_ID,
          user_id: BOT_USER_ID,
          bot_id: 'B0LOCAL001',
          is_enterprise_install: false,
        }),
      ),
    );
    this.on('GET', '/api/users.list', (req) => this.authed(req, (args) => this.page(args, this.users, 'members', 'user', 0)));
    this.on('GET', '/api/conversations.list', (req) => this.authed(req, (args) => this.conversations(args)));
    this.on('GET', '/api/users.info', (req) => this.authed(req, (args) => this.find(this.users, args.user, 'user', 'user_not_found')));
    this.on('GET', '/api/conversations.info', (req) => this.authed(req, (args) => this.find(this.channels, args.channel, 'channel', 'channel_not_found')));
    this.on('POST', '/api/chat.postMessage', (req) => this.authed(req, (args) => this.postMessage(args)));
    this.on('POST', '/api/conversations.open', (req) => this.authed(req, (args) => this.open(args)));
    this.on('GET', '/api/conversations.history', (req) => this.authed(req, (args) => this.conversationHistory(args)));
  }

  seedUsers(count: number): SlackObject[] {
    return Array.from({ length: count }, () => {
      const n = this.users.length;
      const user = {
        id: `U0${String(n).padStart(8, '0')}`,
        team_id: TEAM_ID,
        name: `user${n}`,
        deleted: false,
        real_name: `User ${n}`,
        tz: 'Europe/Berlin',
        is_admin: false,
        is_owner: n === 0,
        is_bot: false,
        updated: ++this.clock,
        profile: {
          email: `user${n}@example.com`,
          display_name: `user${n}`,
          real_name: `User ${n}`,
          title: 'Account Executive',
          phone: '',
          image_72: `https://avatars.example/${n}.png`,
        },
      };
      this.users.push(user);
      return user;
    });
  }

  seedChannels(count: number, fields: Args = {}): SlackObject[] {
    return Array.from({ length: count }, () => {
      const n = this.channels.length;
      const channel = {
        id: `C0${String(n).padStart(8, '0')}`,
        name: `channel-${n}`,
        is_channel: true,
        is_group: false,
        is_im: false,
        is_mpim: false,
        is_private: false,
        is_archived: false,
        is_general: n === 0,
        created: ++this.clock,
        creator: 'U000000000',
        num_members: 3,
        topic: { value: `Topic ${n}`, creator: 'U000000000', last_set: this.clock },
        purpose: { value: '', creator: '', last_set: 0 },
        ...fields,
      };
      this.channels.push(channel);
      return channel;
    });
  }

  private authed(req: ProviderRequest, then: (args: Args) => Reply): Reply {
    const token = bearer(req);
    if (!token) return fail('not_authed');
    if (token !== this.botToken && !this.oauth.isValid(token)) return fail(this.accepted.has(token) ? 'token_expired' : 'invalid_auth');
    this.accepted.add(token);
    const args: Args = req.method === 'GET' ? Object.fromEntries(req.query) : typeof req.body === 'object' ? req.body : {};
    const reply = then(args);
    const type = String(req.headers['content-type'] ?? '');
    const body = reply.body as Args;
    if (body.ok === true && /json/.test(type) && !/charset=utf-8/i.test(type)) {
      Object.assign(body, { warning: 'missing_charset', response_metadata: { ...(body.response_metadata as Args), warnings: ['missing_charset'] } });
    }
    return reply;
  }

  private page(args: Args, rows: SlackObject[], key: string, kind: string, defaultLimit: number): Reply {
    const limit = args.limit === undefined ? defaultLimit : Number(args.limit);
    if (!Number.isInteger(limit) || limit < 0 || limit > 1000) return fail('invalid_limit');
    let start = 0;
    if (args.cursor) {
      const [prefix, afterId] = Buffer.from(String(args.cursor), 'base64').toString().split(':');
      start = rows.findIndex((r) => r.id === afterId) + 1;
      if (prefix !== kind || start === 0) return fail('invalid_cursor');
    }
    const slice = limit === 0 ? rows.slice(start) : rows.slice(start, start + limit);
    const more = start + slice.length < rows.length;
    const next = more ? Buffer.from(`${kind}:${slice[slice.length - 1].id}`).toString('base64') : '';
    return ok({ [key]: slice, cache_ts: this.clock, response_metadata: { next_cursor: next } });
  }

  private conversations(args: Args): Reply {
    const types = String(args.types ?? 'public_channel').split(',');
    if (types.some((t) => !TYPE_FILTERS[t])) return fail('invalid_types');
    const rows = this.channels.filter((c) => types.some((t) => TYPE_FILTERS[t](c)) && !(args.exclude_archived === 'true' && c.is_archived));
    return this.page(args, rows, 'channels', 'channel', 100);
  }

  private find(rows: SlackObject[], id: unknown, key: string, notFound: string): Reply {
    const row = rows.find((r) => r.id === id);
    return row ? ok({ [key]: row }) : fail(notFound);
  }

  private postMessage(args: Args): Reply {
    const channel = [...this.channels, ...this.ims.values()].find((c) => c.id === args.channel || `#${c.name}` === args.channel);
    if (!channel) return fail('channel_not_found');
    if (channel.is_archived) return fail('is_archived');
    if (!args.text && !args.blocks) return fail('no_text');
    if (args.blocks !== undefined && !Array.isArray(args.blocks)) return fail('invalid_blocks');
    if (args.metadata !== undefined && !isMetadata(args.metadata)) return fail('invalid_metadata_format');
    this.posted.push(args);
    const ts = this.nextTs();
    const message = {
      type: 'message',
      text: args.text,
      user: BOT_USER_ID,
      bot_id: 'B0LOCAL001',
      ts,
      team: TEAM_ID,
      ...(args.blocks ? { blocks: args.blocks } : {}),
    };
    const stored = [...(this.history.get(channel.id) ?? []), { ...message, ...(args.metadata ? { metadata: args.metadata } : {}) }];
    this.history.set(channel.id, stored);
    return ok({ channel: channel.id, ts, message });
  }

  /** Slack's ts: epoch seconds and a microsecond part, unique and increasing per workspace. */
  private nextTs(): string {
    const micros = Math.max(Date.now() * 1000, this.lastTs + 1);
    this.lastTs = micros;
    return `${Math.floor(micros / 1_000_000)}.${String(micros % 1_000_000).padStart(6, '0')}`;
  }

  /**
   * conversations.history (https://docs.slack.dev/reference/methods/conversations.history): newest
   * first, `oldest`/`latest` bounds (exclusive unless `inclusive`), `limit` (default 100, at most
   * 999) with cursor paging, and message metadata only with `include_all_metadata`.
   */
  private conversationHistory(args: Args): Reply {
    const channel = [...this.channels, ...this.ims.values()].find((c) => c.id === args.channel);
    if (!channel) return fail('channel_not_found');
    if (channel.is_member === false) return fail('not_in_channel');
    const inclusive = args.inclusive === 'true' || args.inclusive === '1';
    const oldest = args.oldest === undefined ? -Infinity : Number(args.oldest);
    const latest = args.latest === undefined ? Infinity : Number(args.latest);
    const limit = args.limit === undefined ? 100 : Number(args.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 999) return fail('invalid_limit');
    const within = (ts: number) => (inclusive ? ts >= oldest && ts <= latest : ts > oldest && ts < latest);
    const withMetadata = args.include_all_metadata === 'true' || args.include_all_metadata === '1';
    const messages = [...(this.history.get(channel.id) ?? [])]
      .reverse()
      .filter((m) => within(Number(m.ts)))
      .map(({ metadata, ...m }) => (withMetadata && metadata ? { ...m, metadata } : m));
    const start = args.cursor ? Number(Buffer.from(String(args.cursor), 'base64').toString().replace('next_ts:', '')) : 0;
    const slice = messages.slice(start, start + limit);
    const more = start + slice.length < messages.length;
    return ok({
      messages: slice,
      has_more: more,
      pin_count: 0,
      response_metadata: { next_cursor: more ? Buffer.from(`next_ts:${start + limit}`).toString('base64') : '' },
    });
  }

  private open(args: Args): Reply {
    if (typeof args.users !== 'string' || !args.users) return fail('users_list_not_supplied');
    const ids = args.users.split(',').sort();
    if (ids.length > 8) return fail('too_many_users');
    if (ids.some((id) => !this.users.some((u) => u.id === id))) return fail('user_not_found');
    const key = ids.join(',');
    const existing = this.ims.get(key);
    const channel = existing ?? {
      id: `${ids.length === 1 ? 'D' : 'G'}0${String(this.ims.size).padStart(8, '0')}`,
      created: ++this.clock,
      is_im: ids.length === 1,
      is_mpim: ids.length > 1,
      user: ids.length === 1 ? ids[0] : undefined,
    };
    this.ims.set(key, channel);
    return ok({ no_op: !!existing, already_open: !!existing, channel: args.return_im ? channel : { id: channel.id } });
  }
}

/** Slack's message metadata: {event_type: string, event_payload: object} (https://docs.slack.dev/messaging/message-metadata). */
function isMetadata(value: unknown): boolean {
  const m = value as Args | null;
  return !!m && typeof m === 'object' && typeof m.event_type === 'string' && !!m.event_payload && typeof m.event_payload === 'object';
}

function ok(fields: Args): Reply {
  return { status: 200, body: { ok: true, ...fields } };
}

function fail(error: string): Reply {
  return { status: 200, body: { ok: false, error } };
}
