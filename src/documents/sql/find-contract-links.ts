import type { Queryable } from '../../db/sql/queryable';

export interface ContractLinkRow {
  internal_id: string;
  connection_id: string;
  provider: string;
  external_id: string;
}

/**
 * The envelopes or agreements linked to these contract records (a sync of envelopes into
 * contract wrote them), with the connection that last wrote each: how a sync's record events
 * name the provider record they came from. Read-only use of the sync's links.
 */
export async function findContractLinks(db: Queryable, organizationId: string, contractIds: string[], providers: string[]): Promise<ContractLinkRow[]> {
  if (!contractIds.length || !providers.length) return [];
  return db.query(
    `SELECT internal_id, connection_id, provider, external_id
       FROM external_link
      WHERE organization_id = $1 AND internal_object = 'contract' AND internal_id = ANY($2::text[])
        AND provider = ANY($3::text[]) AND status <> 'DELETED'`,
    [organizationId, contractIds, providers],
  );
}

/** The contract record a provider record is linked to on this provider account, if a sync linked one. */
export async function findLinkedContract(
  db: Queryable,
  scope: { organizationId: string; provider: string; accountKey: string },
  externalObject: string,
  externalId: string,
): Promise<string | null> {
  const rows: { internal_id: string }[] = await db.query(
    `SELECT internal_id FROM external_link
      WHERE organization_id = $1 AND provider = $2 AND account_key = $3 AND external_object = $4 AND external_id = $5
        AND internal_object = 'contract' AND status <> 'DELETED'
      LIMIT 1`,
    [scope.organizationId, scope.provider, scope.accountKey, externalObject, externalId],
  );
  return rows[0]?.internal_id ?? null;
}
