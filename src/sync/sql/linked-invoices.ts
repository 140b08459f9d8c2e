import type { Queryable } from '../../db/sql/queryable';
import type { LinkScope } from '../link-scope';
import { LINK_BY_ID, scopeParams } from './link-by-id';

/**
 * The HotCRM invoice each of these provider invoices is linked to on the provider account
 * (payments find the invoice they pay through it); deleted links and links to other objects do not count.
 */
export async function linkedInvoices(
  db: Queryable,
  scope: LinkScope,
  invoiceObject: string | null,
  externalIds: string[],
): Promise<{ external_id: string; internal_id: string }[]> {
  return db.query(
    `SELECT l.external_id, l.internal_id FROM unnest($6::text[]) AS page(external_id) ${LINK_BY_ID}
          WHERE l.status <> 'DELETED'`,
    [...scopeParams(scope), invoiceObject, 'invoice', externalIds],
  );
}
