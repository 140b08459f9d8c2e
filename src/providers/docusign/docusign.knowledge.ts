import { entry } from '../../intelligence/knowledge/entry';
import type { ProviderKnowledge } from '../../intelligence/knowledge/knowledge.types';

const REAUTH = 'Reconnect DocuSign through startOAuth/completeOAuth (or renew JWT consent) so a valid token is issued.';

/** DocuSign eSignature errorCode strings: developers.docusign.com … esign101/error-codes and troubleshooting-common-errors. */
export const DOCUSIGN_KNOWLEDGE: ProviderKnowledge = {
  name: 'docusign',
  aliases: ['docusign', 'docusign-esignature', 'esignature'],
  source: 'https://developers.docusign.com/docs/esign-rest-api/esign101/error-codes/troubleshooting-common-errors/',
  entries: [
    entry('USER_AUTHENTICATION_FAILED', 'INVALID_CREDENTIALS', 401, false, 'One or both of Username and Password are invalid, or the access token is invalid.', REAUTH),
    entry('AUTHORIZATION_INVALID_TOKEN', 'OAUTH_TOKEN_EXPIRED', 401, false, 'The access token provided is expired, revoked or malformed.', REAUTH, [/access token provided is expired/i]),
    entry('PARTNER_AUTHENTICATION_FAILED', 'INVALID_CREDENTIALS', 401, false, 'The integration key is wrong or not valid for this environment (demo vs production).', 'Check the OAuth client (setOAuthClient) uses the integration key of the environment the account lives in.'),
    entry('consent_required', 'INSUFFICIENT_SCOPE', 400, false, 'The user has not granted consent for the requested scopes (JWT grant).', 'Have the user grant consent for the signature and impersonation scopes, then reconnect.'),
    entry('invalid_grant', 'OAUTH_TOKEN_EXPIRED', 400, false, 'The refresh token or JWT assertion was refused.', REAUTH),
    entry('USER_LACKS_PERMISSIONS', 'INSUFFICIENT_SCOPE', 403, false, 'The user does not have the permission the call needs.', 'Give the connecting user the DocuSign permission (sender, admin) the operation needs.'),
    entry('ACCOUNT_LACKS_PERMISSIONS', 'INSUFFICIENT_SCOPE', 403, false, 'The account plan does not include the feature being used.', 'Enable the feature on the DocuSign account or stop syncing that object.'),
    entry('USER_NOT_ACCOUNT_MEMBER', 'INSUFFICIENT_SCOPE', 403, false, 'The user is not a member of the account in the base path.', 'Check the accountId in the connection config.'),
    entry('ACCOUNT_NOT_AUTHORIZED_FOR_ENVELOPE', 'INSUFFICIENT_SCOPE', 403, false, 'The account is not authorised to access the envelope.', 'Check the envelope belongs to the connected account.'),
    entry('HOURLY_APIINVOCATION_LIMIT_EXCEEDED', 'QUOTA_EXCEEDED', 429, true, 'The account exceeded its hourly API limit (3,000 calls per hour by default).', 'Lower the sync frequency; the limit resets at the top of the hour. Prefer DocuSign Connect webhooks to polling.'),
    entry('BURST_APIINVOCATION_LIMIT_EXCEEDED', 'RATE_LIMITED', 429, true, 'Too many calls in 30 seconds (burst limit 500 in production, 200 in demo).', 'Retries back off; spread configs of this account over time.'),
    entry('ENVELOPE_DOES_NOT_EXIST', 'RESOURCE_NOT_FOUND', 404, false, 'The envelope id does not exist in this account.', 'Check the envelope id and the account id in the base path.'),
    entry('DOCUMENT_DOES_NOT_EXIST', 'RESOURCE_NOT_FOUND', 404, false, 'The document id does not exist in the envelope.', 'Check the document id.'),
    entry('INVALID_REQUEST_PARAMETER', 'INVALID_REQUEST', 400, false, 'A request parameter is invalid.', 'Fix the parameter the message names.'),
    entry('INVALID_REQUEST_BODY', 'INVALID_REQUEST', 400, false, 'The request body is missing or malformed.', 'Check the mapped envelope fields.'),
    entry('INVALID_EMAIL_ADDRESS_FOR_RECIPIENT', 'MAPPING_TYPE_MISMATCH', 400, false, 'A recipient email address is not valid.', 'Clean the mapped email (TRIM, LOWERCASE) in the CRM.'),
    entry('ENVELOPE_IS_INCOMPLETE', 'REQUIRED_FIELD_MISSING', 400, false, 'The envelope lacks required parts (a document or a recipient).', 'Map the required recipients and documents.'),
    entry('INVALID_USERID', 'INVALID_REQUEST', 400, false, 'The user id is invalid.', 'Reconnect so the user id is read again.'),
    entry('UNSPECIFIED_ERROR', 'PROVIDER_OUTAGE', 500, true, 'DocuSign reported an unspecified error.', 'Retry later; check status.docusign.com.'),
  ],
};
