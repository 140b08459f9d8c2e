import { entry } from '../../intelligence/knowledge/entry';
import type { ProviderKnowledge } from '../../intelligence/knowledge/knowledge.types';

const REAUTH = 'Reconnect Acrobat Sign through startOAuth/completeOAuth; refresh tokens lapse after 60 days unused.';

/** Adobe Acrobat Sign REST v6 error codes ({code, message}): the API reference's per-call error tables and the throttling guide. */
export const ADOBE_SIGN_KNOWLEDGE: ProviderKnowledge = {
  name: 'adobe_sign',
  aliases: ['adobe_sign', 'adobe-sign', 'adobesign', 'acrobat-sign', 'acrobat_sign', 'echosign'],
  source: 'https://secure.adobesign.com/public/docs/restapi/v6, https://opensource.adobe.com/acrobat-sign/developer_guide/apiusage.html',
  entries: [
    entry('INVALID_ACCESS_TOKEN', 'OAUTH_TOKEN_EXPIRED', 401, false, 'Access token provided is invalid or has expired.', REAUTH, [
      /access token provided is invalid or has expired/i,
    ]),
    entry('NO_AUTHORIZATION_HEADER', 'INVALID_CREDENTIALS', 401, false, 'The request carried no Authorization header.', REAUTH),
    entry('INVALID_USER', 'INVALID_CREDENTIALS', 401, false, 'The user in x-api-user or the token is not valid.', 'Reconnect as an active Acrobat Sign user.'),
    entry('invalid_grant', 'OAUTH_TOKEN_EXPIRED', 400, false, 'The refresh token was refused (expired or revoked).', REAUTH),
    entry(
      'PERMISSION_DENIED',
      'INSUFFICIENT_SCOPE',
      403,
      false,
      'The token lacks the OAuth scope or the user the permission for this call.',
      'Add the scope (agreement_read, agreement_write, ...) to the application and reconnect.',
    ),
    entry(
      'INVALID_API_ACCESS_POINT',
      'INVALID_REQUEST',
      400,
      false,
      'The request went to the wrong shard (api_access_point) for this account.',
      'Reconnect so the api_access_point is read again (or set the right base URL in the connection config).',
    ),
    entry(
      'THROTTLING_TOO_MANY_REQUESTS',
      'RATE_LIMITED',
      429,
      true,
      'The account exceeded its request budget; the response carries retryAfter in seconds.',
      'Retries honour Retry-After; lower the sync frequency.',
    ),
    entry(
      'INVALID_AGREEMENT_ID',
      'RESOURCE_NOT_FOUND',
      404,
      false,
      'The agreement id does not exist or belongs to another account.',
      'Check the agreement id or relink the record.',
    ),
    entry('INVALID_WIDGET_ID', 'RESOURCE_NOT_FOUND', 404, false, 'The web form id does not exist.', 'Check the web form id.'),
    entry('RESOURCE_NOT_FOUND', 'RESOURCE_NOT_FOUND', 404, false, 'The resource does not exist.', 'Check the ids in the config.'),
    entry('MISSING_REQUIRED_PARAM', 'REQUIRED_FIELD_MISSING', 400, false, 'A required parameter is missing.', 'Map the field the message names.'),
    entry('INVALID_EMAIL', 'MAPPING_TYPE_MISMATCH', 400, false, 'An email address is not valid.', 'Clean the mapped email value.'),
    entry(
      'INVALID_PARTICIPANT_SET',
      'INVALID_REQUEST',
      400,
      false,
      'The participant sets are invalid (missing signer, bad order).',
      'Check the mapped participants.',
    ),
    entry(
      'AGREEMENT_NOT_EXPOSED',
      'INSUFFICIENT_SCOPE',
      403,
      false,
      'The agreement is not visible to the user.',
      "Connect as the agreement's sender or an account admin.",
    ),
    entry('MISC_SERVER_ERROR', 'PROVIDER_OUTAGE', 500, true, 'An internal Acrobat Sign error.', 'Retry later; check status.adobe.com.'),
  ],
};
