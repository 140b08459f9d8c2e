import { ConnectorDefinition } from './connector.definition';
import { AuthType, ConnectorCategory, ConnectorType } from './connector.enums';

/** PayPal: metadata and rate budget. Objects and actions arrive with the connectors issue. */
export const paypal: ConnectorDefinition = {
  key: 'paypal',
  name: 'PayPal',
  description: 'Invoices, transactions and refunds through the PayPal REST APIs.',
  provider: 'paypal',
  category: ConnectorCategory.PAYMENT,
  connectorType: ConnectorType.REST_API,
  authTypes: [AuthType.OAUTH2],
  baseUrl: 'https://api-m.paypal.com',
  version: 'v2',
  icon: null,
  oauth: {
    authorizationUrl: 'https://www.paypal.com/signin/authorize',
    tokenUrl: 'https://api-m.paypal.com/v1/oauth2/token',
    defaultScopes: ['openid'],
  },
  rateLimit: { strategy: 'token_bucket', limit: 30, windowSeconds: 1 },
  objects: [],
  actions: [],
};
