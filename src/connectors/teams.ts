import { ConnectorDefinition } from './connector.definition';
import { AuthType, ConnectorCategory, ConnectorType } from './connector.enums';

/** Microsoft Teams: metadata and rate budget. Objects and actions arrive with the connectors issue. */
export const teams: ConnectorDefinition = {
  key: 'teams',
  name: 'Microsoft Teams',
  description: 'Teams, channels and channel messages through Microsoft Graph.',
  provider: 'teams',
  category: ConnectorCategory.MESSAGING,
  connectorType: ConnectorType.REST_API,
  authTypes: [AuthType.OAUTH2],
  baseUrl: 'https://graph.microsoft.com/v1.0',
  version: 'v1.0',
  icon: null,
  oauth: {
    authorizationUrl: 'https://login.microsoftonline.com/common/oauth2/v2.0/authorize',
    tokenUrl: 'https://login.microsoftonline.com/common/oauth2/v2.0/token',
    defaultScopes: ['offline_access', 'Team.ReadBasic.All', 'Channel.ReadBasic.All', 'ChannelMessage.Read.All', 'ChannelMessage.Send'],
  },
  rateLimit: { strategy: 'token_bucket', limit: 60, windowSeconds: 60 },
  objects: [],
  actions: [],
};
