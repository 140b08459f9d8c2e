import { ConnectorDefinition } from './connector.definition';
import { AuthType, ConnectorCategory, ConnectorType } from './connector.enums';

/** DocuSign: metadata and rate budget. Objects and actions arrive with the connectors issue. */
export const docusign: ConnectorDefinition = {
  key: 'docusign',
  name: 'DocuSign',
  description: 'Envelopes and recipients of DocuSign eSignature.',
  provider: 'docusign',
  category: ConnectorCategory.E_SIGNATURE,
  connectorType: ConnectorType.REST_API,
  authTypes: [AuthType.OAUTH2],
  baseUrl: 'https://demo.docusign.net/restapi',
  version: 'v2.1',
  icon: null,
  oauth: {
    authorizationUrl: 'https://account-d.docusign.com/oauth/auth',
    tokenUrl: 'https://account-d.docusign.com/oauth/token',
    defaultScopes: ['signature'],
  },
  rateLimit: { strategy: 'token_bucket', limit: 50, windowSeconds: 1 },
  objects: [],
  actions: [],
};
