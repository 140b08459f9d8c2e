import { BadUserInputError } from '../../errors';
import { ProviderError } from '../http/provider-error';
import { nextLink, readPath } from './request-parts';
import type { Pagination } from './rest-declaration';

/**
 * The four paging styles as two steps: which request reads the page a cursor names, and which
 * cursor (if any) names the page after it. Cursors handed to callers are plain strings they pass
 * back unchanged: the provider's cursor, an offset, a page number, or a same-origin link.
 */

export type Query = Record<string, string | number | boolean>;

export interface PageRequest {
  /** Set for link paging after the first page: the provider's next URL, used as it is. */
  url?: string;
  query: Query;
  /** What the response is judged against (records per page when the style fixes it). */
  limit?: number;
  position: number;
}

export interface PageResult {
  body: unknown;
  headers: Headers;
  /** The URL the page was read from, for resolving relative Link targets. */
  url: string;
  count: number;
}

function badCursor(detail: string): never {
  throw new BadUserInputError(`cursor is not one this object handed out (${detail})`, 'cursor');
}

function position(cursor: string | null | undefined, start: number): number {
  if (cursor === null || cursor === undefined || cursor === '') return start;
  if (!/^\d{1,15}$/.test(cursor)) badCursor('expected a number');
  return Number(cursor);
}

/**
 * A link cursor is the next URL's path and query, resolved against the base URL's origin: a
 * caller-supplied cursor can therefore never point the connection's credentials at another host.
 */
export function linkTarget(cursor: string, baseUrl: string): string {
  const origin = new URL(baseUrl).origin;
  if (!cursor.startsWith('/') || cursor.startsWith('//')) badCursor('expected a path');
  const url = new URL(cursor, origin);
  if (url.origin !== origin) badCursor('another origin');
  return url.href;
}

/** The parameters that read the page `cursor` names (the first page when it is null). */
export function pageRequest(p: Pagination, cursor: string | null | undefined, pageSize: number | undefined, baseUrl: string): PageRequest {
  switch (p.style) {
    case 'none':
      if (cursor) badCursor('this object has a single page');
      return { query: {}, position: 0 };
    case 'cursor': {
      const limit = p.limitParam ? (pageSize ?? p.pageSize) : undefined;
      const query: Query = {};
      if (p.limitParam && limit) query[p.limitParam] = limit;
      if (cursor) query[p.cursorParam] = cursor;
      return { query, limit, position: 0 };
    }
    case 'offset': {
      const offset = position(cursor, 0);
      const limit = pageSize ?? p.pageSize;
      return { query: { [p.offsetParam]: offset, [p.limitParam]: limit }, limit, position: offset };
    }
    case 'page': {
      // A caller's pageSize is not applied: pages numbered at one size cannot be resumed at another.
      const page = position(cursor, p.startPage);
      if (page < p.startPage) badCursor('before the first page');
      const query: Query = { [p.pageParam]: page };
      if (p.pageSizeParam && p.pageSize) query[p.pageSizeParam] = p.pageSize;
      return { query, limit: p.pageSize, position: page };
    }
    case 'link': {
      if (cursor) return { url: linkTarget(cursor, baseUrl), query: {}, position: 0 };
      const limit = p.limitParam ? (pageSize ?? p.pageSize) : undefined;
      return { query: p.limitParam && limit ? { [p.limitParam]: limit } : {}, limit, position: 0 };
    }
  }
}

/**
 * The cursor of the page after `page`, or null at the end. A short page ends offset and page
 * lists; an empty page ends every style, so a provider repeating a cursor cannot loop forever.
 */
export interface CursorContext {
  provider: string;
  current: string | null | undefined;
  baseUrl: string;
  /** Query parameters never put into a cursor (a query-parameter API key). */
  dropParams: string[];
}

export function nextCursor(p: Pagination, request: PageRequest, page: PageResult, { provider, current, baseUrl, dropParams }: CursorContext): string | null {
  if (page.count === 0) return null;
  switch (p.style) {
    case 'none':
      return null;
    case 'cursor': {
      const next = readPath(page.body, p.nextCursorPath);
      if (next === undefined || next === null || next === '' || next === false) return null;
      const text = String(next);
      return text === current ? null : text;
    }
    case 'offset': {
      const next = request.position + page.count;
      const total = p.totalPath ? Number(readPath(page.body, p.totalPath)) : NaN;
      if (Number.isFinite(total)) return next < total ? String(next) : null;
      return request.limit && page.count < request.limit ? null : String(next);
    }
    case 'page': {
      const totalPages = p.totalPagesPath ? Number(readPath(page.body, p.totalPagesPath)) : NaN;
      // Pages may be numbered from 0 or 1; totalPages counts them either way.
      if (Number.isFinite(totalPages)) return request.position - p.startPage + 1 < totalPages ? String(request.position + 1) : null;
      return request.limit && page.count < request.limit ? null : String(request.position + 1);
    }
    case 'link': {
      const next = nextLink(page.headers.get('link'), page.url);
      if (!next) return null;
      const url = new URL(next);
      if (url.origin !== new URL(baseUrl).origin) {
        const message = `next link points at another origin (${url.origin}); it is not followed with this connection's credentials`;
        throw new ProviderError({ provider, status: null, code: 'INTERNAL_SERVER_ERROR', providerCode: 'FOREIGN_NEXT_LINK', providerMessage: message });
      }
      // A provider echoing a query-parameter API key must not hand it to whoever reads the cursor.
      for (const name of dropParams) url.searchParams.delete(name);
      return `${url.pathname}${url.search}`;
    }
  }
}
