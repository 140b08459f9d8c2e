import { AuthType } from '../connectors/connector.enums';
import { ConnectionEntity } from './connection.entity';
import { ConnectionStatus } from './connection.enums';
import { Connection } from './connection.type';

/** Copies only public columns: credentialsEncrypted has no path into the schema. */
export function toConnection(row: ConnectionEntity, publicUrl: string): Connection {
  return Object.assign(new Connection(), {
    id: row.id,
    name: row.name,
    authType: row.authType as AuthType,
    status: row.status as ConnectionStatus,
    credentialHint: row.credentialHint,
    scopes: row.scopes,
    expiresAt: row.expiresAt,
    lastUsedAt: row.lastUsedAt,
    lastError: row.lastError,
    config: row.config,
    inboundWebhookUrl: `${publicUrl}/webhooks/inbound/${row.id}`,
    providerAccountId: row.providerAccountId,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    connectorKey: row.connectorKey,
    organizationId: row.organizationId,
  });
}
