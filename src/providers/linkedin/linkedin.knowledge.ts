import { entry } from '../../intelligence/knowledge/entry';
import type { ProviderKnowledge } from '../../intelligence/knowledge/knowledge.types';

const REAUTH = 'Reconnect LinkedIn through startOAuth/completeOAuth; member tokens last 60 days.';

/** LinkedIn API errors ({status, serviceErrorCode, code, message}): learn.microsoft.com/linkedin/shared/api-guide/concepts/error-handling. */
export const LINKEDIN_KNOWLEDGE: ProviderKnowledge = {
  name: 'linkedin',
  aliases: ['linkedin'],
  source: 'https://learn.microsoft.com/linkedin/shared/api-guide/concepts/error-handling',
  entries: [
    entry('65600', 'OAUTH_TOKEN_EXPIRED', 401, false, 'Invalid access token: expired, revoked by the member, or issued for other permissions.', REAUTH, [
      /invalid access token/i,
    ]),
    entry('65601', 'OAUTH_TOKEN_EXPIRED', 401, false, 'The token has been revoked.', REAUTH, [/token has been revoked/i]),
    entry('65602', 'OAUTH_TOKEN_EXPIRED', 401, false, 'The token has expired.', REAUTH, [/expired access token/i]),
    entry('EXPIRED_ACCESS_TOKEN', 'OAUTH_TOKEN_EXPIRED', 401, false, 'The access token has expired.', REAUTH),
    entry('REVOKED_ACCESS_TOKEN', 'OAUTH_TOKEN_EXPIRED', 401, false, 'The member revoked the token.', REAUTH),
    entry('INVALID_ACCESS_TOKEN', 'INVALID_CREDENTIALS', 401, false, 'The access token is invalid.', REAUTH, [/empty oauth2_access_token/i]),
    entry(
      '100',
      'INSUFFICIENT_SCOPE',
      403,
      false,
      'ACCESS_DENIED: not enough permissions to access the resource (the token lacks a scope or the app lacks the product).',
      'Organizations and lookupOrganization need the Community Management API product and the rw_organization_admin scope: add the product to the LinkedIn app, then re-authorise with startOAuth scopes [openid, profile, email, rw_organization_admin].',
      [/not enough permissions to access/i],
    ),
    entry(
      'ACCESS_DENIED',
      'INSUFFICIENT_SCOPE',
      403,
      false,
      'The member or app is not permitted to access the resource.',
      'Add the scope to the app and reconnect.',
    ),
    entry(
      'TOO_MANY_REQUESTS',
      'RATE_LIMITED',
      429,
      true,
      'The application or member daily throttle was reached (limits reset at midnight UTC).',
      'Lower the sync frequency; LinkedIn limits reset daily.',
      [/resource level throttle/i, /throttle limit/i],
    ),
    entry(
      'NOT_FOUND',
      'RESOURCE_NOT_FOUND',
      404,
      false,
      'The resource does not exist or is not visible to the member (lookupOrganization: no company page has that vanity name).',
      'Check the vanity name: the <name> in linkedin.com/company/<name>.',
    ),
    entry(
      'VERSION_MISSING',
      'INVALID_REQUEST',
      400,
      false,
      'The LinkedIn-Version header is missing or names a retired version.',
      'The connector names a retired LinkedIn-Version (src/providers/linkedin/linkedin.api.ts): upgrade HotCRM Integration to a release with a current one.',
      [/linkedin-version/i],
    ),
    entry('INTERNAL_SERVER_ERROR', 'PROVIDER_OUTAGE', 500, true, 'An internal LinkedIn error.', 'Retry later.'),
  ],
};
