import { createHash } from 'node:crypto';
import type { ConnectorCall, ConnectorRecord, ListPage } from '../../connectors/connector.handler';
import { BadUserInputError } from '../../errors';

/**
 * What every Mailchimp Marketing API 3.0 call shares
 * (https://mailchimp.com/developer/marketing/docs/fundamentals/): the API key ends in the
 * account's data center (`…-us21`), which is the host to call (`https://us21.api.mailchimp.com/3.0`);
 * HTTP Basic with any user name and the key as password; collections paged by `count` (at most
 * 1,000) and `offset`, each answering `total_items`.
 */
export const DEFAULT_BASE_URL = 'https://{dc}.api.mailchimp.com/3.0';
/** "count: The number of records to return. Default value is 10. Maximum value is 1000." */
export const MAX_COUNT = 1000;
/** A sync page: large enough to be few requests, small enough that one page commits quickly. */
export const DEFAULT_COUNT = 500;

/** The data center a key names: what follows its last dash (us21, eu1, ...). */
const DATA_CENTER = /-([a-z]{2}\d{1,3})$/;

export function dataCenterOf(apiKey: unknown): string | null {
  if (typeof apiKey !== 'string') return null;
  return DATA_CENTER.exec(apiKey.trim())?.[1] ?? null;
}

export function requireDataCenter(apiKey: unknown): string {
  const dc = dataCenterOf(apiKey);
  if (!dc) {
    throw new BadUserInputError(
      'credentials.apiKey must be a Mailchimp API key with its data center suffix (…-us21): the suffix picks the API host',
      'credentials.apiKey',
    );
  }
  return dc;
}

/** `https://<dc>.api.mailchimp.com/3.0`, or config.baseUrl (a proxy, a local stand-in) with `{dc}` filled in. */
export function mailchimpBaseUrl(credentials: Record<string, unknown>, config: Record<string, unknown>): string {
  const template = typeof config.baseUrl === 'string' ? config.baseUrl : DEFAULT_BASE_URL;
  return template.replace('{dc}', requireDataCenter(credentials.apiKey));
}

/** "The MD5 hash of the lowercase version of the list member's email address": the member's id in every URL. */
export function subscriberHash(email: string): string {
  return createHash('md5').update(email.trim().toLowerCase()).digest('hex');
}

/** The audience the connection works on: config.listId (the audience id from Audience settings). */
export function listIdOf(call: ConnectorCall, given?: unknown): string {
  const listId = typeof given === 'string' && given ? given : call.config.listId;
  if (typeof listId !== 'string' || !listId) {
    throw new BadUserInputError('Set config.listId to the Mailchimp audience id (Audience → Settings → Audience name and defaults)', 'config.listId');
  }
  return listId;
}

/** An offset cursor: the next page's offset as text, or null once offset + count reached total_items. */
export function offsetPage(records: ConnectorRecord[], offset: number, total: unknown): ListPage {
  const next = offset + records.length;
  const more = records.length > 0 && typeof total === 'number' && next < total;
  return { records, nextCursor: more ? String(next) : null };
}

export function offsetOf(cursor: string | null | undefined): number {
  const offset = Number(cursor ?? 0);
  return Number.isInteger(offset) && offset >= 0 ? offset : 0;
}

export function countOf(pageSize: number | undefined): number {
  return Math.max(1, Math.min(pageSize ?? DEFAULT_COUNT, MAX_COUNT));
}

interface ProblemDetail {
  type?: unknown;
  title?: unknown;
  status?: unknown;
  detail?: unknown;
  instance?: unknown;
  errors?: { field?: unknown; message?: unknown }[];
}

/**
 * Mailchimp's errors are RFC 7807 problem documents (https://mailchimp.com/developer/marketing/docs/errors/):
 * {type, title, status, detail, instance}, validation failures with errors[{field, message}].
 * The title ("Member Exists", "Resource Not Found", "API Key Invalid") is the stable code; the
 * detail, plus the field errors, is the message; the instance id is what Mailchimp support asks for.
 */
export function parseMailchimpError(body: unknown): { code?: string; message?: string } {
  const problem = body as ProblemDetail | null;
  if (!problem || typeof problem !== 'object' || typeof problem.title !== 'string') return {};
  const parts = [typeof problem.detail === 'string' ? problem.detail : ''];
  for (const e of Array.isArray(problem.errors) ? problem.errors : []) {
    if (e && typeof e.message === 'string') parts.push(typeof e.field === 'string' && e.field ? `${e.field}: ${e.message}` : e.message);
  }
  if (typeof problem.instance === 'string' && problem.instance) parts.push(`(instance ${problem.instance})`);
  return { code: problem.title, message: parts.filter(Boolean).join(' ').slice(0, 500) || undefined };
}
