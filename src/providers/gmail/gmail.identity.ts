import type { ConnectorCall } from '../../connectors/connector.handler';

/**
 * The mailbox: `GET /users/me/profile` (users.getProfile,
 * https://developers.google.com/gmail/api/reference/rest/v1/users/getProfile; any of the Gmail
 * scopes the connector asks for) answers `emailAddress`, lowercased here since addresses compare
 * case-insensitively. Google's stable user id (OpenID `sub`) needs the openid scope, which the
 * connector does not request.
 */
export async function identifyGmailMailbox(call: ConnectorCall): Promise<string | null> {
  const { body } = await call.request<{ emailAddress?: unknown } | null>({ method: 'GET', path: '/users/me/profile' });
  return typeof body?.emailAddress === 'string' && body.emailAddress.includes('@') ? body.emailAddress.trim().toLowerCase() : null;
}
