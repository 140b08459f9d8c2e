import type { ConnectorDefinition } from '../connectors/connector.definition';
import type { FieldType } from '../connectors/connector.enums';
import type { ProviderKnowledge } from '../intelligence/knowledge/knowledge.types';
import type { InboundVerifier } from '../webhooks/inbound/inbound-verifier';
import type { EventChangeReader } from '../connectors/event-change';
import type { SignedDocumentSource } from '../connectors/signed-document';

/**
 * What a connector's declared field types do not say about its values, so the mapping suggester
 * reads a connection's fields as it would real records.
 */
export interface ProviderConventions {
  /** Sample values per declared type (Stripe's timestamps are Unix seconds). */
  samples?: Partial<Record<FieldType, unknown[]>>;
  /** The type the samples are really of, where the declared one would misread them. */
  types?: Partial<Record<FieldType, FieldType>>;
}

/**
 * Everything the service knows about one built-in provider, in its folder under src/providers/.
 * Listing the module in registry.ts is all it takes for the catalog, inbound webhooks,
 * explainError and the suggester to know it.
 */
export interface ProviderModule {
  /** The connector key: connections' connectorKey, the inbound and knowledge lookups' key. */
  key: string;
  /** Definition and handler. */
  connector: ConnectorDefinition;
  /** Its webhook scheme; without one its connections' inbound URL answers 404. */
  verifier?: InboundVerifier;
  /** Its documented errors; may be shared (microsoft-graph serves teams and outlook). */
  knowledge: ProviderKnowledge;
  conventions?: ProviderConventions;
  /** Which record its verified events change, so realtime syncs apply them one by one (event-apply.ts). */
  eventChange?: EventChangeReader;
  /** E-signature providers: how a completed envelope or agreement's PDF is recognised and downloaded (src/documents/). */
  signedDocuments?: SignedDocumentSource;
}
