import { ConnectorDefinition } from './connector.definition';
import { AuthType, ConnectorCategory, ConnectorType } from './connector.enums';

/** Slack: metadata and rate budget. Objects and actions arrive with the connectors issue. */
export const slack: ConnectorDefinition = {
  key: 'slack',
  name: 'Slack',
  description: 'Users, conversations and messages in a Slack workspace.',
  provider: 'slack',
  category: ConnectorCategory.MESSAGING,
  connectorType: ConnectorType.REST_API,
  authTypes: [AuthType.OAUTH2, AuthType.TOKEN],
  baseUrl: 'https://slack.com/api',
  version: null,
  icon: null,
  oauth: {
    authorizationUrl: 'https://slack.com/oauth/v2/authorize',
    tokenUrl: 'https://slack.com/api/oauth.v2.access',
    defaultScopes: ['chat:write', 'users:read', 'channels:read'],
  },
  rateLimit: { strategy: 'token_bucket', limit: 1, windowSeconds: 1 },
  objects: [],
  actions: [],
};
