import type { Queryable } from '../../db/sql/queryable';
import { LINK_BY_ID } from './link-by-id';

export interface KnownLinkRow {
  external_id: string;
  content_hash: string | null;
  source_hash: string | null;
  status: string;
}

/** What an inbound page compares its records with: the hashes and status of their links, if any. */
export async function knownLinks(db: Queryable, connectionId: string, externalObject: string, externalIds: string[]): Promise<KnownLinkRow[]> {
  return db.query(`SELECT l.external_id, l.content_hash, l.source_hash, l.status FROM unnest($3::text[]) AS page(external_id) ${LINK_BY_ID}`, [
    connectionId,
    externalObject,
    externalIds,
  ]);
}
