import type { ConnectorCall } from '../../connectors/connector.handler';
import { BadUserInputError } from '../../errors';

/** The API Account ID is a GUID; older accounts also answer to their numeric account id. */
const ACCOUNT_ID = /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\d{1,20})$/i;

/** Every eSignature path sits under /v2.1/accounts/{accountId}: config.accountId is the API Account ID. */
export function accountPath(call: ConnectorCall): string {
  const accountId = call.config.accountId;
  if (typeof accountId !== 'string' || !ACCOUNT_ID.test(accountId)) {
    throw new BadUserInputError(
      'DocuSign needs config.accountId: the API Account ID (a GUID, under Apps and Keys, or accounts[].account_id from /oauth/userinfo)',
      'config.accountId',
    );
  }
  return `/v2.1/accounts/${accountId}`;
}
