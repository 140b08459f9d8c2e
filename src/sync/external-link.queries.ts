import { DataSource } from 'typeorm';
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

