import { ConnectorDefinition } from './connector.definition';
import { AuthType, ConnectorCategory, ConnectorType } from './connector.enums';

/** Gmail: metadata and rate budget. Objects and actions arrive with the connectors issue. */
export const gmail: ConnectorDefinition = {
  key: 'gmail',
  name: 'Gmail',
  description: 'Messages and threads of a Gmail mailbox.',
  provider: 'gmail',
  category: ConnectorCategory.EMAIL,
  connectorType: ConnectorType.REST_API,
  authTypes: [AuthType.OAUTH2],
  baseUrl: 'https://gmail.googleapis.com/gmail/v1',
  version: 'v1',
  icon: null,
  oauth: {
    authorizationUrl: 'https://accounts.google.com/o/oauth2/v2/auth',
    tokenUrl: 'https://oauth2.googleapis.com/token',
    defaultScopes: ['https://www.googleapis.com/auth/gmail.readonly', 'https://www.googleapis.com/auth/gmail.send'],
  },
  rateLimit: { strategy: 'token_bucket', limit: 250, windowSeconds: 100 },
  objects: [],
  actions: [],
};
