import { bearer, ProviderRequest, ProviderServer, Reply } from './provider-server';
import type { OAuthServer } from './oauth.server';

type SlackObject = Record<string, unknown> & { id: string };
type Args = Record<string, unknown>;
type SlackMessage = Record<string, unknown> & { ts: string };

/** chat.postMessage's documented limits (docs.slack.dev/reference/methods/chat.postMessage, Block Kit). */
const MAX_TEXT_LENGTH = 40_000;
const MAX_BLOCKS = 50;

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
 *
 * chat.postMessage follows the method's Errors table: channel_not_found for an unknown channel
 * and for a private one the bot is not in (Slack hides those), is_archived, not_in_channel for a
 * public channel the bot was not invited to (unless the app has chat:write.public:
 * `publicWriteScope`), no_text, msg_too_long past 40,000 characters, invalid_blocks,
 * invalid_metadata_format. The special tier's "1 message per second per channel" answers 429 +
 * Retry-After and {ok:false, error:'ratelimited'} once `limitChannelPosts` turns it on
 * (docs.slack.dev/apis/web-api/rate-limits). Posted messages land in the channel's history, which
 * conversations.history returns newest first, with `metadata` only for include_all_metadata.
 * `holdPosts` keeps the HTTP answer of the next posts back (the message is already in the
 * channel) until released, for tests that kill the caller mid-request.
 */
export class SlackServer extends ProviderServer {
  readonly users: SlackObject[] = [];
  readonly channels: SlackObject[] = [];
  /** chat.postMessage calls that succeeded, as Slack received their arguments. */
  readonly posted: Args[] = [];
  /** Each conversation's messages, oldest first. */
  readonly history = new Map<string, SlackMessage[]>();
  /** Whether the app has chat:write.public, which lets a bot post in public channels it is not in. */
  publicWriteScope = false;
  private readonly ims = new Map<string, SlackObject>();
  private readonly accepted = new Set<string>();
  private clock = 1_700_000_000;
  private lastTs = 0;
  private channelLimit: { perSecond: number; burst: number } | null = null;
  private readonly channelBuckets = new Map<string, { tokens: number; at: number }>();
  private hold: { release: Promise<void>; held: () => void } | null = null;

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
    this.on('POST', '/api/chat.postMessage', async (req) => {
      const reply = this.authed(req, (args) => this.postMessage(args));
      const hold = this.hold;
      if (hold && (reply.body as Args).ok === true) {
        hold.held();
        await hold.release;
      }
      return reply;
    });
    this.on('GET', '/api/conversations.history', (req) => this.authed(req, (args) => this.conversationHistory(args)));
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

  /**
   * Keeps the answers of successful posts back until `release()`: the messages are in their
   * channels already, the caller just hears nothing. `held` resolves when the first one arrives.
   */
  holdPosts(): { held: Promise<void>; release: () => void } {
    let release!: () => void;
    let held!: () => void;
    const heldPromise = new Promise<void>((resolve) => (held = resolve));
    this.hold = { release: new Promise<void>((resolve) => (release = resolve)), held };
    return {
      held: heldPromise,
      release: () => {
        this.hold = null;
        release();
      },
    };
  }

  /** Slack's per-channel posting limit: `perSecond` sustained, bursts of `burst`. */
  limitChannelPosts(perSecond = 1, burst = 1): this {
    this.channelLimit = { perSecond, burst };
    return this;
  }

  /** Messages posted in a channel (seeded or by chat.postMessage), oldest first. */
  messagesIn(channel: string): SlackMessage[] {
    return this.history.get(channel) ?? [];
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
        // The bot is in seeded channels unless a test says otherwise.
        is_member: true,
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
    // A private channel the bot is not in is invisible to it: Slack answers channel_not_found.
    if (!channel || (channel.is_private === true && channel.is_member === false)) return fail('channel_not_found');
    if (channel.is_archived) return fail('is_archived');
    if (channel.is_channel === true && channel.is_member === false && !this.publicWriteScope) return fail('not_in_channel');
    if (!args.text && !args.blocks && !args.attachments) return fail('no_text');
    if (typeof args.text === 'string' && args.text.length > MAX_TEXT_LENGTH) return fail('msg_too_long');
    if (args.blocks !== undefined && !validBlocks(args.blocks)) return fail('invalid_blocks');
    if (args.metadata !== undefined && !validMetadata(args.metadata)) return fail('invalid_metadata_format');
    if (!this.channelBudget(channel.id)) return { status: 429, headers: { 'retry-after': '1' }, body: { ok: false, error: 'ratelimited' } };
    this.posted.push(args);
    const ts = this.nextTs();
    const message: SlackMessage = {
      type: 'message',
      text: args.text,
      user: BOT_USER_ID,
      bot_id: 'B0LOCAL001',
      app_id: 'A0LOCAL001',
      ts,
      team: TEAM_ID,
      ...(args.blocks ? { blocks: args.blocks } : {}),
      ...(args.metadata ? { metadata: args.metadata } : {}),
    };
    this.history.set(channel.id, [...this.messagesIn(channel.id), message]);
    const { metadata: _metadata, ...shown } = message;
    return ok({ channel: channel.id, ts, message: shown });
  }

  /** Slack's ts: epoch seconds and a microsecond part, unique and increasing per workspace. */
  private nextTs(): string {
    const micros = Math.max(Date.now() * 1000, this.lastTs + 1);
    this.lastTs = micros;
    return `${Math.floor(micros / 1_000_000)}.${String(micros % 1_000_000).padStart(6, '0')}`;
  }

  /** Token bucket per channel; true when this post may go through. */
  private channelBudget(channel: string): boolean {
    if (!this.channelLimit) return true;
    const { perSecond, burst } = this.channelLimit;
    const now = Date.now();
    const bucket = this.channelBuckets.get(channel) ?? { tokens: burst, at: now };
    bucket.tokens = Math.min(burst, bucket.tokens + ((now - bucket.at) / 1000) * perSecond);
    bucket.at = now;
    this.channelBuckets.set(channel, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }

  /** conversations.history: newest first, oldest/latest exclusive unless inclusive, limit (default 100, at most 999), cursor paging. */
  private conversationHistory(args: Args): Reply {
    const channel = [...this.channels, ...this.ims.values()].find((c) => c.id === args.channel);
    if (!channel || (channel.is_private === true && channel.is_member === false)) return fail('channel_not_found');
    if (channel.is_channel === true && channel.is_member === false) return fail('not_in_channel');
    const limit = args.limit === undefined ? 100 : Number(args.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 999) return fail('invalid_limit');
    const inclusive = args.inclusive === true || args.inclusive === 'true';
    const oldest = args.oldest === undefined ? -Infinity : Number(args.oldest);
    const latest = args.latest === undefined ? Infinity : Number(args.latest);
    const within = (ts: number) => (inclusive ? ts >= oldest && ts <= latest : ts > oldest && ts < latest);
    const withMetadata = args.include_all_metadata === true || args.include_all_metadata === 'true';
    const rows = [...this.messagesIn(channel.id)].reverse().filter((m) => within(Number(m.ts)));
    const start = args.cursor ? Number(Buffer.from(String(args.cursor), 'base64').toString().replace('next_ts:', '')) : 0;
    if (!Number.isInteger(start) || start < 0) return fail('invalid_cursor');
    const page = rows.slice(start, start + limit).map(({ metadata, ...m }) => (withMetadata && metadata ? { ...m, metadata } : m));
    const more = start + page.length < rows.length;
    return ok({
      messages: page,
      has_more: more,
      pin_count: 0,
      response_metadata: { next_cursor: more ? Buffer.from(`next_ts:${start + page.length}`).toString('base64') : '' },
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

function validBlocks(blocks: unknown): boolean {
  return (
    Array.isArray(blocks) && blocks.length <= MAX_BLOCKS && blocks.every((b) => typeof b === 'object' && b !== null && typeof (b as Args).type === 'string')
  );
}

/** Message metadata is {event_type: string, event_payload: object} (docs.slack.dev/messaging/message-metadata). */
function validMetadata(metadata: unknown): boolean {
  const m = metadata as Args | null;
  return (
    typeof m === 'object' &&
    m !== null &&
    typeof m.event_type === 'string' &&
    typeof m.event_payload === 'object' &&
    m.event_payload !== null &&
    !Array.isArray(m.event_payload)
  );
}

function ok(fields: Args): Reply {
  return { status: 200, body: { ok: true, ...fields } };
}

function fail(error: string): Reply {
  return { status: 200, body: { ok: false, error } };
}
