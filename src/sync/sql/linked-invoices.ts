import type { Queryable } from '../../db/sql/queryable';
import { LINK_BY_ID } from './link-by-id';

/**
 * The HotCRM invoice each of these provider invoices is linked to on the connection (payments
 * find the invoice they pay through it); deleted links and links to other objects do not count.
 */
export async function linkedInvoices(
  db: Queryable,
  connectionId: string,
  invoiceObject: string | null,
  externalIds: string[],
): Promise<{ external_id: string; internal_id: string }[]> {
  return db.query(
    `SELECT l.external_id, l.internal_id FROM unnest($3::text[]) AS page(external_id) ${LINK_BY_ID}
          WHERE l.internal_object = 'invoice' AND l.status <> 'DELETED'`,
    [connectionId, invoiceObject, externalIds],
  );
}
