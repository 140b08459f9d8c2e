import { DataSource } from 'typeorm';
import { ExternalLinkEntity } from './external-link.entity';

/** Providers whose synced records describe a person and so can enrich a Contact by email. */
export const ENRICHMENT_PROVIDERS = ['linkedin', 'gmail', 'outlook'];

/**
 * Links of many CRM records in one statement; keys are `<internalObject>:<internalId>`, answered
 * in the same order as asked (DataLoader's contract).
 */
export async function externalLinksByInternalId(
  db: DataSource,
  organizationId: string,
  keys: readonly string[],
): Promise<ExternalLinkEntity[][]> {
  const pairs = keys.map((key) => {
    const at = key.indexOf(':');
    return [key.slice(0, at), key.slice(at + 1)] as const;
  });
  const rows = await db
    .getRepository(ExternalLinkEntity)
    .createQueryBuilder('link')
    .where('link.organization_id = :organizationId', { organizationId })
    .andWhere('(link.internal_object, link.internal_id) IN (SELECT * FROM unnest(:objects::text[], :ids::text[]))', {
      objects: pairs.map(([object]) => object),
      ids: pairs.map(([, id]) => id),
    })
    .orderBy('link.created_at', 'ASC')
    .addOrderBy('link.id', 'ASC')
    .getMany();
  const grouped = new Map<string, ExternalLinkEntity[]>();
  for (const row of rows) {
    const key = `${row.internalObject}:${row.internalId}`;
    grouped.set(key, [...(grouped.get(key) ?? []), row]);
  }
  return keys.map((key) => grouped.get(key) ?? []);
}

/** Synced person records (LinkedIn, Gmail, Outlook) whose email matches, newest first. */
export async function linksByEmail(
  db: DataSource,
  organizationId: string,
  emails: readonly string[],
): Promise<ExternalLinkEntity[][]> {
  const wanted = emails.map((email) => email.toLowerCase());
  const rows = await db
    .getRepository(ExternalLinkEntity)
    .createQueryBuilder('link')
    .where('link.organization_id = :organizationId', { organizationId })
    .andWhere(`link.last_synced_data ? 'email'`)
    .andWhere(`lower(link.last_synced_data->>'email') = ANY(:wanted::text[])`, { wanted })
    .andWhere('link.provider IN (:...providers)', { providers: ENRICHMENT_PROVIDERS })
    .orderBy('link.last_synced_at', 'DESC', 'NULLS LAST')
    .getMany();
  const grouped = new Map<string, ExternalLinkEntity[]>();
  for (const row of rows) {
    const key = String(row.lastSyncedData?.email).toLowerCase();
    grouped.set(key, [...(grouped.get(key) ?? []), row]);
  }
  return wanted.map((email) => grouped.get(email) ?? []);
}
