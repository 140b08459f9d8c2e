import type { ConnectorDefinition } from '../connector.definition';
import type { ConnectorEntity } from '../connector.entity';
import { AuthType, ConnectorCategory, ConnectorType } from '../connector.enums';

/**
 * A custom connector's stored declaration as a ConnectorDefinition. The generic REST engine that
 * runs its objects arrives with the custom connector work; until then it has metadata only.
 */
export function customDefinition(row: ConnectorEntity): ConnectorDefinition {
  const declared = row.definition as Partial<ConnectorDefinition>;
  return {
    key: row.key,
    name: row.name,
    description: row.description ?? '',
    provider: row.key,
    category: row.category as ConnectorCategory,
    connectorType: row.connectorType as ConnectorType,
    authTypes: row.authTypes as AuthType[],
    baseUrl: row.baseUrl,
    version: row.version,
    icon: row.icon,
    rateLimit: declared.rateLimit ?? { strategy: 'token_bucket', limit: 30, windowSeconds: 1 },
    objects: declared.objects ?? [],
    actions: declared.actions ?? [],
  };
}
