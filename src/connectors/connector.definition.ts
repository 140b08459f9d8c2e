import { AuthType, ConnectorCategory, ConnectorType, FieldType } from './connector.enums';
import type { ConnectorHandler } from './connector.handler';

export interface ObjectDefinition {
  name: string;
  /** `references`: the object of the same connector whose ids the field holds (a REFERENCE's params.object). */
  fields: { name: string; type: FieldType; required: boolean; references?: string }[];
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
  oauth?: {
    authorizationUrl: string;
    tokenUrl: string;
    /** Where refresh_token grants go when not the token URL (Adobe Sign: /oauth/v2/refresh). */
    refreshUrl?: string;
    defaultScopes: string[];
    /** How the client authenticates at the token URL (RFC 6749 2.3.1); most accept the form. */
    clientAuth?: 'form' | 'basic';
    /** Extra authorize parameters the provider needs (Google: access_type=offline). */
    authorizeParams?: Record<string, string>;
    /** Separator of the scope parameter (Slack uses commas). */
    scopeSeparator?: string;
    /** Redirect parameters that belong in the connection's config (QuickBooks: realmId). */
    callbackConfigParams?: string[];
    /** Client-credentials grant instead of a user's authorization (PayPal). */
    grant?: 'authorization_code' | 'client_credentials';
  };
  /** The provider's documented request budget (DESIGN.md's starting table). */
  rateLimit: { strategy: string; limit: number; windowSeconds: number };
  objects: ObjectDefinition[];
  actions: ActionDefinition[];
  /** Credential fields createConnection requires per auth type (OAUTH2 tokens come from the flow). */
  credentialFields?: Partial<Record<AuthType, string[]>>;
  /**
   * Keys this connector's HTTP client and rate budget when `provider` is not unique (custom
   * connectors); an `@<revision>` suffix keys a new client per revision but the same budget.
   */
  poolKey?: string;
  /** Connection config settings createConnection requires (a custom connector's connectionConfig). */
  configFields?: string[];
  /** The behaviour; absent only while a connector is metadata alone. */
  handler?: ConnectorHandler;
}

/** A field of an object's schema (what Connector.objects shows). */
export function field(name: string, type: FieldType, required = false, references?: string) {
  return references ? { name, type, required, references } : { name, type, required };
}
