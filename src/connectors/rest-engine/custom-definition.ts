import type { ConnectorDefinition } from '../connector.definition';
import type { ConnectorEntity } from '../connector.entity';
import { AuthType, ConnectorCategory, ConnectorType } from '../connector.enums';
import { DEFAULT_REST_RATE_LIMIT, RestDeclaration } from './rest-declaration';
import { createRestHandler } from './rest-handler';

/**
 * A custom connector's stored declaration as a runnable ConnectorDefinition: its metadata, and a
 * handler built by the generic REST engine. Rows are validated and normalised by createConnector
 * (CustomConnectorService) before they are stored, so the declaration is used as it is here.
 */
export function customDefinition(row: ConnectorEntity): ConnectorDefinition {
  const declared = row.definition as unknown as Partial<RestDeclaration>;
  const objects = declared.objects ?? [];
  const actions = declared.actions ?? [];
  const definition: ConnectorDefinition = {
    key: row.key,
    name: row.name,
    description: row.description ?? '',
    provider: row.key,
    // Two organizations may each declare a connector with this key: their HTTP clients (error
    // parser, rate budget) must not be shared.
    // `@revision`: updateConnector changes the handler (error parser, budget), so a new client.
    poolKey: `custom:${row.organizationId}:${row.key}@${row.updatedAt?.getTime() ?? 0}`,
    category: row.category as ConnectorCategory,
    connectorType: row.connectorType as ConnectorType,
    authTypes: row.authTypes as AuthType[],
    baseUrl: row.baseUrl,
    version: row.version,
    icon: row.icon,
    rateLimit: declared.rateLimit ?? DEFAULT_REST_RATE_LIMIT,
    objects: objects.map((o) => ({ name: o.name, fields: o.fields, supportsIncremental: o.supportsIncremental, supportsWrite: o.supportsWrite })),
    actions: actions.map((a) => ({ name: a.name, description: a.description, inputSchema: a.inputSchema })),
    configFields: (declared.connectionConfig ?? []).map((c) => c.name),
  };
  if (declared.oauth) definition.oauth = { ...declared.oauth, defaultScopes: declared.oauth.defaultScopes ?? [] };
  // A row without objects predates the engine (or was written by hand): metadata only, no calls.
  if (objects.length) definition.handler = createRestHandler(row.key, { ...declared, rateLimit: definition.rateLimit, objects, actions } as RestDeclaration);
  return definition;
}
