import type { Queryable } from '../../db/sql/queryable';
import type { LinkScope } from '../link-scope';
import { LINK_BY_ID, scopeParams } from './link-by-id';

export interface KnownLinkRow {
  external_id: string;
  /** The CRM record the link names: for a matched or adopted record not the id derived from the external id. */
  internal_id: string;
  content_hash: string | null;
  source_hash: string | null;
  status: string;
  /** bigint, as pg returns it: a string, or null when unknown. */
  source_version: string | null;
}

/** What an inbound page compares its records with: the CRM record, hashes, status and provider version of their links, if any. */
export async function knownLinks(
  db: Queryable,
  scope: LinkScope,
  externalObject: string,
  internalObject: string,
  externalIds: string[],
): Promise<KnownLinkRow[]> {
  return db.query(
    `SELECT l.external_id, l.internal_id, l.content_hash, l.source_hash, l.status, l.source_version FROM unnest($6::text[]) AS page(external_id) ${LINK_BY_ID}`,
    [...scopeParams(scope), externalObject, internalObject, externalIds],
  );
}
