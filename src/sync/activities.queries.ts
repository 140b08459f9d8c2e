import type { DataSource } from 'typeorm';
import { decodeCursor, encodeCursor, isUuid, pageSize } from '../db/paginate';
import type { RelayPage } from '../graphql/relay';
import { Activity, ActivityDirection, ActivityKind } from './activity.type';
import { activitiesByParticipant } from './sql/activities-by-participant';
import { crmRecordsById } from './sql/crm-records-by-id';

const text = (value: unknown): string | null => (value === undefined || value === null || value === '' ? null : String(value));
const instant = (value: unknown): Date | null => {
  const at = typeof value === 'string' ? Date.parse(value) : NaN;
  return Number.isNaN(at) ? null : new Date(at);
};
const KIND: Record<string, ActivityKind> = { email: ActivityKind.EMAIL, meeting: ActivityKind.MEETING, call: ActivityKind.CALL, message: ActivityKind.MESSAGE };

/** A stored activity record (lowercase kind and direction, snake_case fields) as the GraphQL type. */
export function toActivity(id: string, data: Record<string, unknown>, createdDate: Date): Activity {
  return Object.assign(new Activity(), {
    id,
    provider: text(data.provider) ?? 'unknown',
    kind: KIND[String(data.kind).toLowerCase()] ?? ActivityKind.EMAIL,
    direction: String(data.direction).toLowerCase() === 'outbound' ? ActivityDirection.OUTBOUND : ActivityDirection.INBOUND,
    subject: text(data.subject),
    snippet: text(data.snippet),
    from: text(data.from),
    to: Array.isArray(data.to) ? data.to.map(String) : [],
    occurredAt: instant(data.occurred_at) ?? createdDate,
    openedAt: instant(data.opened_at),
    externalId: text(data.external_id) ?? id,
  });
}

/** What one Contact.activities field asks: the contact's address and its page arguments. */
export interface ActivitiesRequest {
  email: string;
  first: number;
  after: string | null;
}

export const activitiesKey = (request: ActivitiesRequest): string => JSON.stringify([request.email, request.first, request.after]);

/**
 * Contact.activities for a DataLoader batch: requests with the same page arguments (normally all
 * of an `_entities` batch) share one statement. Cursors are (sort instant, id), as src/db/paginate.ts writes them.
 */
export async function activitiesOf(db: DataSource, organizationId: string, keys: readonly string[]): Promise<RelayPage<Activity>[]> {
  const requests = keys.map((key) => {
    const [email, first, after] = JSON.parse(key) as [string, number, string | null];
    return { email, first, after };
  });
  const groups = new Map<string, ActivitiesRequest[]>();
  for (const r of requests) {
    const group = `${r.first}|${r.after ?? ''}`;
    groups.set(group, [...(groups.get(group) ?? []), r]);
  }
  const answers = new Map<string, RelayPage<Activity>>();
  for (const group of groups.values()) {
    const { first, after } = group[0];
    const position = after ? decodeCursor(after) : null;
    const emails = [...new Set(group.map((r) => r.email))];
    const rows = await activitiesByParticipant(db, organizationId, emails, position, first + 1);
    const byEmail = new Map<string, { total: number; nodes: { activity: Activity; cursor: string }[] }>();
    for (const row of rows) {
      const entry = byEmail.get(row.email) ?? { total: Number(row.total), nodes: [] };
      byEmail.set(row.email, entry);
      if (row.id && row.data && row.at)
        entry.nodes.push({ activity: toActivity(row.id, row.data, new Date(row.at)), cursor: encodeCursor({ at: row.at, id: row.id }) });
    }
    for (const email of emails) {
      const entry = byEmail.get(email) ?? { total: 0, nodes: [] };
      const edges = entry.nodes.slice(0, first).map((n) => ({ cursor: n.cursor, node: n.activity }));
      answers.set(activitiesKey({ email, first, after }), {
        edges,
        pageInfo: { hasNextPage: entry.nodes.length > first, endCursor: edges.length ? edges[edges.length - 1].cursor : null },
        totalCount: entry.total,
      });
    }
  }
  return keys.map((key) => answers.get(key)!);
}

/** Activity by id (`_entities`), org-scoped; ids that are not UUIDs name nothing. */
export async function activitiesById(db: DataSource, organizationId: string, ids: readonly string[]): Promise<(Activity | null)[]> {
  const valid = [...new Set(ids.filter(isUuid))];
  const rows = valid.length ? await crmRecordsById(db, organizationId, 'activity', valid) : [];
  const found = new Map(rows.map((row) => [row.id, toActivity(row.id, row.data, row.created_date)]));
  return ids.map((id) => found.get(id) ?? null);
}

/** The page size a caller asks (the usual 0..100, default 20). */
export const activitiesPageSize = pageSize;
