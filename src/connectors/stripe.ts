import { ConnectorDefinition } from './connector.definition';
import { AuthType, ConnectorCategory, ConnectorType } from './connector.enums';

/** Stripe: metadata and rate budget. Objects and actions arrive with the connectors issue. */
export const stripe: ConnectorDefinition = {
  key: 'stripe',
  name: 'Stripe',
  description: 'Payments, customers, invoices and subscriptions.',
  provider: 'stripe',
  category: ConnectorCategory.PAYMENT,
  connectorType: ConnectorType.REST_API,
  authTypes: [AuthType.API_KEY],
  baseUrl: 'https://api.stripe.com',
  version: '2024-06-20',
  icon: null,
  rateLimit: { strategy: 'token_bucket', limit: 100, windowSeconds: 1 },
  objects: [],
  actions: [],
};
