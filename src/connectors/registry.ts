import { ConnectorDefinition } from './connector.definition';
import { stripe } from './stripe';
import { paypal } from './paypal';
import { quickbooks } from './quickbooks';
import { docusign } from './docusign';
import { adobeSign } from './adobe-sign';
import { slack } from './slack';
import { teams } from './teams';
import { gmail } from './gmail';
import { outlook } from './outlook';
import { linkedin } from './linkedin';

/** The ten built-in connectors, keyed by their stable machine name. */
export const BUILT_IN_CONNECTORS: ReadonlyMap<string, ConnectorDefinition> = new Map(
  [stripe, paypal, quickbooks, docusign, adobeSign, slack, teams, gmail, outlook, linkedin].map((definition) => [definition.key, definition]),
);

export function builtInConnector(key: string): ConnectorDefinition | undefined {
  return BUILT_IN_CONNECTORS.get(key);
}
