import { ConnectorDefinition } from './connector.definition';
import { AuthType, ConnectorCategory, ConnectorType } from './connector.enums';

/** QuickBooks Online: metadata and rate budget. Objects and actions arrive with the connectors issue. */
export const quickbooks: ConnectorDefinition = {
  key: 'quickbooks',
  name: 'QuickBooks Online',
  description: 'Customers, invoices and payments in QuickBooks Online accounting.',
  provider: 'quickbooks',
  category: ConnectorCategory.ACCOUNTING,
  connectorType: ConnectorType.REST_API,
  authTypes: [AuthType.OAUTH2],
  baseUrl: 'https://quickbooks.api.intuit.com',
  version: 'v3',
  icon: null,
  oauth: {
    authorizationUrl: 'https://appcenter.intuit.com/connect/oauth2',
    tokenUrl: 'https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer',
    defaultScopes: ['com.intuit.quickbooks.accounting'],
  },
  rateLimit: { strategy: 'token_bucket', limit: 30, windowSeconds: 1 },
  objects: [],
  actions: [],
};
