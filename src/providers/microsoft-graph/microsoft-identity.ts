/**
 * Microsoft Graph and the Microsoft identity platform (v2.0 endpoints, multi-tenant `common`),
 * shared by the Teams and Outlook connectors.
 */
export const GRAPH_BASE_URL = 'https://graph.microsoft.com/v1.0';

export const MICROSOFT_OAUTH_URLS = {
  authorizationUrl: 'https://login.microsoftonline.com/common/oauth2/v2.0/authorize',
  tokenUrl: 'https://login.microsoftonline.com/common/oauth2/v2.0/token',
};
