import { entry } from '../../intelligence/knowledge/entry';
import type { ProviderKnowledge } from '../../intelligence/knowledge/knowledge.types';

const REAUTH = 'Reconnect QuickBooks through startOAuth/completeOAuth; refresh tokens expire after 100 days or when the app is disconnected in QuickBooks.';

/** QuickBooks Online API faults (Fault.Error[].code): developer.intuit.com … troubleshooting/error-codes. */
export const QUICKBOOKS_KNOWLEDGE: ProviderKnowledge = {
  name: 'quickbooks',
  aliases: ['quickbooks', 'quickbooks-online', 'qbo', 'intuit'],
  source: 'https://developer.intuit.com/app/developer/qbo/docs/develop/troubleshooting/error-codes',
  entries: [
    entry('3200', 'OAUTH_TOKEN_EXPIRED', 401, false, 'AuthenticationFailed: the access token is expired or revoked (message "message=AuthenticationFailed; errorCode=003200").', REAUTH, [/AuthenticationFailed/i, /errorCode=003200/i]),
    entry('AuthenticationFault', 'OAUTH_TOKEN_EXPIRED', 401, false, 'QuickBooks refused the token.', REAUTH),
    entry('100', 'INVALID_CREDENTIALS', 401, false, 'General authentication error: the token does not match the company (realmId).', 'Check the connection\'s realmId matches the company that authorised the app, then reconnect.'),
    entry('120', 'ACCOUNT_RESTRICTED', 401, false, 'Authorization Failure: the connecting user lost access to the company or the subscription.', 'Ask a current company admin to reconnect the app.', [/Authorization Failure/i]),
    entry('3100', 'INSUFFICIENT_SCOPE', 403, false, 'ApplicationAuthorizationFailed: the app is not authorised for this company or scope.', 'Reconnect with the com.intuit.quickbooks.accounting scope.', [/ApplicationAuthorizationFailed/i]),
    entry('AuthorizationFault', 'INSUFFICIENT_SCOPE', 403, false, 'The user is not authorised for this operation.', 'Reconnect as a user with admin rights.'),
    entry('3001', 'RATE_LIMITED', 429, true, 'ThrottleExceeded: more than 500 requests per minute per company (or 10 concurrent).', 'Retries back off; lower the sync frequency for this company.', [/ThrottleExceeded/i, /message=ThrottleExceeded/i]),
    entry('6240', 'DUPLICATE_RECORD', 400, false, 'Duplicate Name Exists: display names are unique across customers, vendors and employees.', 'Map a unique DisplayName (for example name plus account number) or match existing customers before creating.', [/Duplicate Name Exists/i]),
    entry('6140', 'DUPLICATE_RECORD', 400, false, 'Duplicate Document Number: the DocNumber is already used.', 'Let QuickBooks assign DocNumber or map a unique invoice number.', [/Duplicate Doc(ument)? Num/i]),
    entry('6210', 'DUPLICATE_RECORD', 400, false, 'Duplicate Document Number Error.', 'Map a unique invoice number.'),
    entry('610', 'RESOURCE_NOT_FOUND', 400, false, 'Object Not Found: a referenced entity (customer, item, account) is missing or inactive.', 'Re-activate the referenced entity in QuickBooks or sync it first.', [/Object Not Found/i]),
    entry('2020', 'REQUIRED_FIELD_MISSING', 400, false, 'Required param missing: the request lacks a required field (CustomerRef, Line, DisplayName ...).', 'Add a mapping rule that fills the field the Detail names.', [/Required param missing/i]),
    entry('6000', 'INVALID_REQUEST', 400, false, 'A business validation error occurred; the Detail says which.', 'Read the Detail and correct the mapped value.', [/A business validation error/i]),
    entry('2010', 'MAPPING_TYPE_MISMATCH', 400, false, 'Request has invalid or unsupported property.', 'Remove or rename the mapping rule that writes that property.', [/invalid or unsupported property/i]),
    entry('2050', 'MAPPING_TYPE_MISMATCH', 400, false, 'Invalid string length or format.', 'Trim or reformat the mapped value (QuickBooks limits DisplayName to 500, names to 100 characters).'),
    entry('2500', 'MAPPING_TYPE_MISMATCH', 400, false, 'Invalid Reference Id: a *Ref points at an id that is not valid.', 'Sync the referenced entity first or fix the mapped reference.', [/Invalid Reference Id/i]),
    entry('4001', 'INVALID_REQUEST', 400, false, 'Invalid query: the QuickBooks query language statement was rejected.', 'Check the object name and filter fields of the config.'),
    entry('5010', 'INVALID_REQUEST', 400, false, 'Stale Object Error: the object changed since it was read (SyncToken mismatch).', 'Retry the run; the object is read again with its current SyncToken.', [/Stale Object/i]),
    entry('6190', 'ACCOUNT_RESTRICTED', 400, false, 'Invalid Company Status: the subscription ended, was cancelled or has a billing problem.', 'Ask the company to renew its QuickBooks subscription.'),
    entry('SystemFault', 'PROVIDER_OUTAGE', 500, true, 'An internal QuickBooks error.', 'Retry later; check status.developer.intuit.com.'),
    entry('10000', 'PROVIDER_OUTAGE', 500, true, 'An application error occurred in QuickBooks.', 'Retry later.'),
  ],
};
