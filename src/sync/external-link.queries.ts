import { DataSource } from 'typeorm';
import { Page, PageArgs, paginate, whereUuid } from '../db/paginate';
import { ExternalLinkEntity } from './external-link.entity';
import type { LinkRow } from './sql/links-of-internal-records';
import { linksOfInternalRecords } from './sql/links-of-internal-records';

export type { LinkRow } from './sql/links-of-internal-records';

/**
 * Providers whose synced records describe a person and so can enrich a Contact by email. The
 * external_link_email index is partial on exactly these: change both together.
 */
export const ENRICHMENT_PROVIDERS = ['linkedin', 'gmail', 'outlook'];

/**
 * Links of many CRM records in one statement; keys are `<internalObject>:<internalId>`, answered
 * in the same order as asked (DataLoader's contract).
 */
export async function externalLinksByInternalId(db: DataSource, organizationId: string, keys: readonly string[]): Promise<LinkRow[][]> {
  const pairs = keys.map((key) => {
    const at = key.indexOf(':');
    return [key.slice(0, at), key.slice(at + 1)] as const;
  });
  const rows = await linksOfInternalRecords(
    db,
    organizationId,
    pairs.map(([object]) => object),
    pairs.map(([, id]) => id),
  );
  const grouped = new Map<string, LinkRow[]>();
  for (const row of rows) {
    const key = `${row.internalObject}:${row.internalId}`;
    const list = grouped.get(key);
    if (list) list.push(row);
    else grouped.set(key, [row]);
  }
  return keys.map((key) => grouped.get(key) ?? []);
}

/** Synced person records (LinkedIn, Gmail, Outlook) whose email matches, newest first. */
export async function linksByEmail(db: DataSource, organizationId: string, emails: readonly string[]): Promise<ExternalLinkEntity[][]> {
  const wanted = emails.map((email) => email.toLowerCase());
  const rows = await db
    .getRepository(ExternalLinkEntity)
    .createQueryBuilder('link')
    .where('link.organization_id = :organizationId', { organizationId })
    .andWhere(`link.last_synced_data ? 'email'`)
    .andWhere(`lower(link.last_synced_data->>'email') = ANY(:wanted::text[])`, { wanted })
    // Literal, so the planner sees the partial email index's predicate (migration 1764640800000).
    .andWhere(`link.provider IN (${ENRICHMENT_PROVIDERS.map((p) => `'${p}'`).join(', ')})`)
    .andWhere(`link.status <> 'DELETED'`)
    .orderBy('link.last_synced_at', 'DESC', 'NULLS LAST')
    .getMany();
  const grouped = new Map<string, ExternalLinkEntity[]>();
  for (const row of rows) {
    const key = String(row.lastSyncedData?.email).toLowerCase();
    grouped.set(key, [...(grouped.get(key) ?? []), row]);
  }
  return wanted.map((email) => grouped.get(email) ?? []);
}

/** What the externalLinks query may narrow the organization's links to. */
export interface ExternalLinkFilter {
  syncConfigId?: string | null;
  connectionId?: string | null;
  internalObject?: string | null;
  internalId?: string | null;
}

/** The reads of external links that no other service owns: the externalLinks query's pages. */
export class ExternalLinkQueries {
  constructor(private readonly db: DataSource) {}

  async list(organizationId: string, args: PageArgs, filter: ExternalLinkFilter = {}): Promise<Page<ExternalLinkEntity>> {
    const qb = this.db.getRepository(ExternalLinkEntity).createQueryBuilder('l').where('l.organization_id = :org', { org: organizationId });
    whereUuid(qb, 'l.sync_config_id', filter.syncConfigId);
    whereUuid(qb, 'l.connection_id', filter.connectionId);
    if (filter.internalObject) qb.andWhere('l.internal_object = :internalObject', { internalObject: filter.internalObject });
    if (filter.internalId) qb.andWhere('l.internal_id = :internalId', { internalId: filter.internalId });
    return paginate(qb, args);
  }
}
