import type { ConnectorCall } from '../../connectors/connector.handler';
import { ProviderError } from '../../connectors/http/provider-error';

/**
 * The Acrobat Sign account: `GET /users/me` ("userId can be replaced by 'me'", DetailedUserInfo
 * in https://secure.na1.adobesign.com/public/docs/restapi/v6 and adobe-sign/AdobeSignJavaSdk
 * docs/UsersApi.md) answers `accountId` for the account and `id` for the user. It needs the
 * user_read scope, which the connector's default scopes (agreement_*:account) do not include:
 * then Adobe answers 403 PERMISSION_DENIED and the account stays unknown (null). A connection
 * authorised with user_read (startOAuth scopes) is identified.
 */
export async function identifyAdobeSignAccount(call: ConnectorCall): Promise<string | null> {
  try {
    const { body } = await call.request<{ accountId?: unknown } | null>({ method: 'GET', path: '/users/me' });
    return typeof body?.accountId === 'string' && body.accountId ? body.accountId : null;
  } catch (error) {
    if (error instanceof ProviderError && error.status === 403) return null;
    throw error;
  }
}
