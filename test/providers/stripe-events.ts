import { randomBytes } from 'node:crypto';
import type { Reply } from './provider-server';

type Fields = Record<string, unknown>;

/** The event object (https://docs.stripe.com/api/events/object). */
export interface StripeEvent {
  id: string;
  object: 'event';
  api_version: string | null;
  created: number;
  data: { object: Fields; previous_attributes?: Fields };
  livemode: boolean;
  pending_webhooks: number;
  request: { id: string | null; idempotency_key: string | null };
  type: string;
}

/** "List events, going back up to 30 days." */
const RETENTION_SECONDS = 30 * 86_400;
/** `types[]` takes up to 20 names. */
const MAX_TYPES = 20;

const invalid = (message: string, param?: string, code?: string): Reply => ({
  status: 400,
  body: { error: { type: 'invalid_request_error', message, ...(code ? { code } : {}), ...(param ? { param } : {}) } },
});

/**
 * Stripe's Events API as documented (https://docs.stripe.com/api/events/list): every create,
 * update and delete made through the stand-in is recorded with the whole object as it was
 * (`data.object`; `*.deleted` carries the object before deletion, not the deleted stub) and, for
 * updates, `data.previous_attributes`. `GET /v1/events` lists them newest first ("in reverse
 * chronological order"), going back 30 days, filtered by `created` (an integer or
 * `created[gt|gte|lt|lte]`), `type` (one name, or a group as `customer.*`) or `types[]` (up to 20
 * exact names; not both), paged by `limit` (1-100, default 10) and `starting_after` or
 * `ending_before` (not both), answering {object: "list", url, has_more, data}. Changes made to the
 * server's store directly are not recorded: Stripe never saw them.
 */
export class StripeEventLog {
  /** Oldest first; an event's position is its order among events of the same second. */
  readonly events: StripeEvent[] = [];
  private readonly position = new Map<string, number>();

  record(type: string, object: Fields, created: number, extra: { previous?: Fields; request?: StripeEvent['request'] } = {}): StripeEvent {
    const event: StripeEvent = {
      id: `evt_${randomBytes(12).toString('hex')}`,
      object: 'event',
      api_version: '2024-06-20',
      created,
      data: { object: structuredClone(object), ...(extra.previous ? { previous_attributes: extra.previous } : {}) },
      livemode: false,
      pending_webhooks: 0,
      request: extra.request ?? { id: null, idempotency_key: null },
      type,
    };
    this.position.set(event.id, this.events.push(event) - 1);
    return event;
  }

  /** GET /v1/events/{id}: "if it was created in the last 30 days". */
  retrieve(id: string, now: number): Reply {
    const event = this.events[this.position.get(id) ?? -1];
    if (event && event.created > now - RETENTION_SECONDS) return { body: event };
    return { status: 404, body: { error: { type: 'invalid_request_error', code: 'resource_missing', param: 'id', message: `No such event: '${id}'` } } };
  }

  /** GET /v1/events at Stripe time `now` (Unix seconds). */
  list(query: URLSearchParams, now: number): Reply {
    const limit = Number(query.get('limit') ?? 10);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
      return invalid('Invalid integer: limit must be between 1 and 100', 'limit', 'parameter_invalid_integer');
    }
    const types = [...query.entries()].filter(([key]) => key === 'types[]' || /^types\[\d+\]$/.test(key)).map(([, value]) => value);
    const type = query.get('type');
    if (type !== null && types.length) return invalid('You may pass either `type` or `types`, but not both.', 'types');
    if (types.length > MAX_TYPES) return invalid(`Invalid array: types must have at most ${MAX_TYPES} elements`, 'types', 'parameter_invalid_array');
    const created = this.createdFilter(query);
    if (typeof created !== 'function') return created;
    const [after, before] = [query.get('starting_after'), query.get('ending_before')];
    if (after && before) return invalid('You may only specify one of these parameters: ending_before, starting_after.', 'starting_after');
    const cursor = after ?? before;
    const at = cursor === null ? undefined : this.position.get(cursor);
    if (cursor !== null && at === undefined) {
      return invalid(`No such event: '${cursor}'`, after ? 'starting_after' : 'ending_before', 'resource_missing');
    }
    const matches = (e: StripeEvent, i: number) =>
      e.created > now - RETENTION_SECONDS &&
      created(e.created) &&
      (type === null || (type.endsWith('.*') ? e.type.startsWith(type.slice(0, -1)) : e.type === type)) &&
      (!types.length || types.includes(e.type)) &&
      (at === undefined || (after ? i < at : i > at));
    const positions = this.events.map((e, i) => (matches(e, i) ? i : -1)).filter((i) => i >= 0);
    // Newest first; after ending_before the page is the `limit` events just newer than the cursor.
    const page = before ? positions.slice(0, limit).reverse() : positions.slice(-limit).reverse();
    const data = page.map((i) => this.events[i]);
    return { body: { object: 'list', url: '/v1/events', has_more: positions.length > limit, data } };
  }

  private createdFilter(query: URLSearchParams): ((created: number) => boolean) | Reply {
    const bounds: [string, (a: number, b: number) => boolean][] = [
      ['created', (a, b) => a === b],
      ['created[gt]', (a, b) => a > b],
      ['created[gte]', (a, b) => a >= b],
      ['created[lt]', (a, b) => a < b],
      ['created[lte]', (a, b) => a <= b],
    ];
    const checks: ((created: number) => boolean)[] = [];
    for (const [param, compare] of bounds) {
      const raw = query.get(param);
      if (raw === null) continue;
      const value = Number(raw);
      if (!Number.isInteger(value)) return invalid(`Invalid integer: ${raw}`, param, 'parameter_invalid_integer');
      checks.push((created) => compare(created, value));
    }
    return (created) => checks.every((check) => check(created));
  }
}
