import { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { BadUserInputError } from '../errors';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

export interface PageArgs {
  first?: number | null;
  after?: string | null;
}

export interface Page<T> {
  nodes: T[];
  cursors: string[];
  hasNextPage: boolean;
  totalCount: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids are UUIDs; anything else cannot name a row, so it is answered without asking Postgres. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

interface CursorPosition {
  at: string;
  id: string;
}

export function pageSize(first: number | null | undefined): number {
  if (first === null || first === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    throw new BadUserInputError(`first must be between 0 and ${MAX_PAGE_SIZE}`, 'first');
  }
  return first;
}

/** Cursors are opaque to callers: base64url of the sort timestamp (microseconds) and the id. */
export function encodeCursor(position: CursorPosition): string {
  return Buffer.from(JSON.stringify([position.at, position.id])).toString('base64url');
}

export function decodeCursor(after: string): CursorPosition {
  try {
    const [at, id] = JSON.parse(Buffer.from(after, 'base64url').toString('utf8')) as unknown[];
    if (typeof at === 'string' && typeof id === 'string' && isUuid(id) && !Number.isNaN(Date.parse(at))) return { at, id };
  } catch {
    // fall through to the caller-facing error
  }
  throw new BadUserInputError('after is not a cursor returned by this API', 'after');
}

/**
 * Keyset pagination over (sortColumn, id): no OFFSET, so a page costs the same however deep it
 * is, and the org-leading indexes serve the order directly. `qb` holds the filters already.
 */
export async function paginate<T extends ObjectLiteral>(
  qb: SelectQueryBuilder<T>,
  args: PageArgs,
  order: { column: string; direction: 'ASC' | 'DESC' } = { column: 'created_at', direction: 'ASC' },
): Promise<Page<T>> {
  const limit = pageSize(args.first);
  const alias = qb.alias;
  const sortExpr = `${alias}.${order.column}`;
  const totalCount = await qb.clone().getCount();
  if (args.after) {
    const { at, id } = decodeCursor(args.after);
    const op = order.direction === 'ASC' ? '>' : '<';
    qb.andWhere(`(${sortExpr}, ${alias}.id) ${op} (:cursorAt::timestamptz, :cursorId::uuid)`, { cursorAt: at, cursorId: id });
  }
  qb.addSelect(`to_char(${sortExpr} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`, 'page_cursor_at')
    .orderBy(sortExpr, order.direction)
    .addOrderBy(`${alias}.id`, order.direction)
    .take(undefined)
    .limit(limit + 1);
  const { entities, raw } = await qb.getRawAndEntities();
  const hasNextPage = entities.length > limit;
  const nodes = entities.slice(0, limit);
  const cursors = nodes.map((node, i) => encodeCursor({ at: raw[i].page_cursor_at as string, id: String(node.id) }));
  return { nodes, cursors, hasNextPage, totalCount };
}

/** The contract's Relay shape from a page, mapping each stored row to its GraphQL type. */
export function toRelay<T, N>(page: Page<T>, map: (row: T) => N) {
  const edges = page.nodes.map((row, i) => ({ cursor: page.cursors[i], node: map(row) }));
  return {
    edges,
    pageInfo: { hasNextPage: page.hasNextPage, endCursor: edges.length ? edges[edges.length - 1].cursor : null },
    totalCount: page.totalCount,
  };
}

/**
 * An equality filter on a uuid column from a caller-supplied id: a malformed id matches nothing
 * (rather than making Postgres raise a cast error), and a well-formed one uses the index.
 */
export function whereUuid<T extends ObjectLiteral>(qb: SelectQueryBuilder<T>, column: string, value: string | null | undefined): void {
  if (value === null || value === undefined) return;
  if (!isUuid(value)) {
    qb.andWhere('false');
    return;
  }
  const param = `uuid_${column.replace(/\W/g, '_')}`;
  qb.andWhere(`${column} = :${param}`, { [param]: value });
}
