import type { ConnectorCall } from '../../connectors/connector.handler';

/** As the connector accepts it: the API Account ID (a GUID) or the account number. */
const ACCOUNT_ID = /^(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|\d{1,20})$/i;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The DocuSign account: the connection's config.accountId (the API Account ID every path is
 * under), confirmed by Accounts: get (`GET /v2.1/accounts/{accountId}`,
 * https://developers.docusign.com/docs/esign-rest-api/reference/accounts/accounts/get/), which
 * answers `accountIdGuid` only when the token's user is a member of that account
 * (USER_LACKS_MEMBERSHIP otherwise); the GUID, so an account configured by its number and by its
 * GUID is one account. /oauth/userinfo's accounts[].account_id names the same ids
 * but lives on account.docusign.com, another host than the API the connection's calls may reach.
 */
export async function identifyDocuSignAccount(call: ConnectorCall): Promise<string | null> {
  const accountId = call.config.accountId;
  if (typeof accountId !== 'string' || !ACCOUNT_ID.test(accountId)) return null;
  const { body } = await call.request<{ accountIdGuid?: unknown } | null>({ method: 'GET', path: `/v2.1/accounts/${accountId}` });
  const guid = typeof body?.accountIdGuid === 'string' && GUID.test(body.accountIdGuid) ? body.accountIdGuid : null;
  return (guid ?? (GUID.test(accountId) ? accountId : null))?.toLowerCase() ?? null;
}
