/**
 * Which links an external record is looked up among (DESIGN.md "Sync identity"): an external
 * record is identified by (organization, connector, provider account, object, external id), so
 * every connection to the same provider account reads and writes the same links, and re-linking
 * through a second connection or after re-authorising creates nothing twice.
 *
 * `accountKey` is the connection's providerAccountId; until the connection has learned it (a
 * custom connector never does, a first connect may fail to) it is `connection:<id>`, the old
 * per-connection key, and the links move to the account's key when the account becomes known
 * (src/sync/sql/adopt-account-links.ts, at the start of any run on the account).
 */
export interface LinkScope {
  organizationId: string;
  /** The connector's key (external_link.provider). */
  provider: string;
  accountKey: string;
}

export interface ConnectionIdentity {
  id: string;
  organizationId: string;
  connectorKey: string;
  providerAccountId: string | null;
}

export function connectionAccountKey(connectionId: string): string {
  return `connection:${connectionId}`;
}

export function linkScopeOf(connection: ConnectionIdentity): LinkScope {
  return {
    organizationId: connection.organizationId,
    provider: connection.connectorKey,
    accountKey: connection.providerAccountId ?? connectionAccountKey(connection.id),
  };
}
