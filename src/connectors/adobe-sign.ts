import { ConnectorDefinition } from './connector.definition';
import { AuthType, ConnectorCategory, ConnectorType } from './connector.enums';

/** Adobe Acrobat Sign: metadata and rate budget. Objects and actions arrive with the connectors issue. */
export const adobeSign: ConnectorDefinition = {
  key: 'adobe_sign',
  name: 'Adobe Acrobat Sign',
  description: 'Agreements sent for signature with Adobe Acrobat Sign.',
  provider: 'adobe_sign',
  category: ConnectorCategory.E_SIGNATURE,
  connectorType: ConnectorType.REST_API,
  authTypes: [AuthType.OAUTH2],
  baseUrl: 'https://api.na1.adobesign.com/api/rest/v6',
  version: 'v6',
  icon: null,
  oauth: {
    authorizationUrl: 'https://secure.na1.adobesign.com/public/oauth/v2',
    tokenUrl: 'https://api.na1.adobesign.com/oauth/v2/token',
    defaultScopes: ['agreement_read:account', 'agreement_write:account', 'agreement_send:account'],
  },
  rateLimit: { strategy: 'token_bucket', limit: 30, windowSeconds: 1 },
  objects: [],
  actions: [],
};
