import { ConnectorDefinition } from './connector.definition';
import { AuthType, ConnectorCategory, ConnectorType } from './connector.enums';

/** LinkedIn: metadata and rate budget. Objects and actions arrive with the connectors issue. */
export const linkedin: ConnectorDefinition = {
  key: 'linkedin',
  name: 'LinkedIn',
  description: 'The member profile and organizations available through the LinkedIn API.',
  provider: 'linkedin',
  category: ConnectorCategory.SOCIAL,
  connectorType: ConnectorType.REST_API,
  authTypes: [AuthType.OAUTH2],
  baseUrl: 'https://api.linkedin.com',
  version: 'v2',
  icon: null,
  oauth: {
    authorizationUrl: 'https://www.linkedin.com/oauth/v2/authorization',
    tokenUrl: 'https://www.linkedin.com/oauth/v2/accessToken',
    defaultScopes: ['openid', 'profile', 'email'],
  },
  rateLimit: { strategy: 'token_bucket', limit: 30, windowSeconds: 1 },
  objects: [],
  actions: [],
};
