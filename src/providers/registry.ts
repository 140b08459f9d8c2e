import type { EventChangeReader } from '../connectors/event-change';
import type { SignedDocumentSource } from '../connectors/signed-document';
import type { ConnectorDefinition } from '../connectors/connector.definition';
import type { ProviderKnowledge } from '../intelligence/knowledge/knowledge.types';
import type { InboundVerifier } from '../webhooks/inbound/inbound-verifier';
import { adobeSignProvider } from './adobe_sign';
import { docusignProvider } from './docusign';
import { gmailProvider } from './gmail';
import { linkedinProvider } from './linkedin';
import { mailchimpProvider } from './mailchimp';
import { outlookProvider } from './outlook';
import { paypalProvider } from './paypal';
import type { ProviderModule } from './provider.module';
import { quickbooksProvider } from './quickbooks';
import { slackProvider } from './slack';
import { stripeProvider } from './stripe';
import { teamsProvider } from './teams';

/**
 * The built-in providers, the one list: a new provider is its folder plus a line here. The
 * order is the catalog's (connectors lists them in it).
 */
export const PROVIDERS: readonly ProviderModule[] = [
  stripeProvider,
  paypalProvider,
  quickbooksProvider,
  docusignProvider,
  adobeSignProvider,
  slackProvider,
  teamsProvider,
  gmailProvider,
  outlookProvider,
  linkedinProvider,
  mailchimpProvider,
];

const BY_KEY: ReadonlyMap<string, ProviderModule> = new Map(PROVIDERS.map((p) => [p.key, p]));
// A module whose key is not its connector's would be looked up under one name and listed under another.
// An invariant of this file, checked once at load: no request or job can reach it.
for (const p of PROVIDERS) if (p.key !== p.connector.key) throw new Error(`provider ${p.key} holds connector ${p.connector.key}`);

export function providerModule(key: string): ProviderModule | undefined {
  return BY_KEY.get(key);
}

/** The built-in connectors, keyed by their stable machine name. */
export const BUILT_IN_CONNECTORS: ReadonlyMap<string, ConnectorDefinition> = new Map(PROVIDERS.map((p) => [p.key, p.connector]));

export function builtInConnector(key: string): ConnectorDefinition | undefined {
  return BY_KEY.get(key)?.connector;
}

/** The webhook scheme of a built-in connector, if it has one (custom connectors never do). */
export function inboundVerifier(key: string): InboundVerifier | undefined {
  return BY_KEY.get(key)?.verifier;
}

/** How a built-in connector's events name the record they change, if they do. */
export function eventChangeReader(key: string): EventChangeReader | undefined {
  return BY_KEY.get(key)?.eventChange;
}

/** How a built-in e-signature connector's completed envelopes or agreements are downloaded, if it has any. */
export function signedDocumentSource(key: string): SignedDocumentSource | undefined {
  return BY_KEY.get(key)?.signedDocuments;
}

/** Each knowledge base once, though teams and outlook share microsoft-graph's. */
export const PROVIDER_KNOWLEDGE: readonly ProviderKnowledge[] = [...new Set(PROVIDERS.map((p) => p.knowledge))];
