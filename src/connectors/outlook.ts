import { ConnectorDefinition } from './connector.definition';
import { AuthType, ConnectorCategory, ConnectorType } from './connector.enums';

/** Outlook: metadata and rate budget. Objects and actions arrive with the connectors issue. */
export const outlook: ConnectorDefinition = {
  key: 'outlook',
  name: 'Outlook',
  description: 'Mail and calendar events of an Outlook mailbox through Microsoft Graph.',
  provider: 'outlook',
  category: ConnectorCategory.EMAIL,
  connectorType: ConnectorType.REST_API,
  authTypes: [AuthType.OAUTH2],
  baseUrl: 'https://graph.microsoft.com/v1.0',
  version: 'v1.0',
  icon: null,
  oauth: {
    authorizationUrl: 'https://login.microsoftonline.com/common/oauth2/v2.0/authorize',
    tokenUrl: 'https://login.microsoftonline.com/common/oauth2/v2.0/token',
    defaultScopes: ['offline_access', 'Mail.Read', 'Mail.Send', 'Calendars.ReadWrite'],
  },
  rateLimit: { strategy: 'token_bucket', limit: 30, windowSeconds: 1 },
  objects: [],
  actions: [],
};
