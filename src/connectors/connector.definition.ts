import type { AuthType, ConnectorCategory, ConnectorType, FieldType } from './connector.enums';

export interface ObjectDefinition {
  name: string;
  fields: { name: string; type: FieldType; required: boolean }[];
  supportsIncremental: boolean;
  supportsWrite: boolean;
}

export interface ActionDefinition {
  name: string;
  description?: string;
  /** JSON Schema of the action's input. */
  inputSchema: Record<string, unknown>;
}

/** What a connector declares about itself: the data behind the Connector GraphQL type. */
export interface ConnectorDefinition {
  key: string;
  name: string;
  description: string;
  provider: string;
  category: ConnectorCategory;
  connectorType: ConnectorType;
  authTypes: AuthType[];
  baseUrl: string;
  version: string | null;
  icon: string | null;
  oauth?: { authorizationUrl: string; tokenUrl: string; defaultScopes: string[] };
  /** The provider's documented request budget (DESIGN.md's starting table). */
  rateLimit: { strategy: string; limit: number; windowSeconds: number };
  objects: ObjectDefinition[];
  actions: ActionDefinition[];
}
