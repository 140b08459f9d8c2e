import type { ConnectorCall } from '../../connectors/connector.handler';

/**
 * The signed-in Microsoft user, for Outlook and Teams: `GET /me` (https://learn.microsoft.com/graph/api/user-get,
 * least privileged delegated permission User.Read) answers the user, whose `id` is the user's
 * object id (a GUID, the same in every tenant-wide token of that user).
 */
export async function identifyGraphUser(call: ConnectorCall): Promise<string | null> {
  const { body } = await call.request<{ id?: unknown } | null>({ method: 'GET', path: '/me', query: { $select: 'id' } });
  return typeof body?.id === 'string' && body.id ? body.id.toLowerCase() : null;
}

/**
 * The signed-in user's mailbox address: `mail` (the SMTP address), else `userPrincipalName`
 * (https://learn.microsoft.com/graph/api/user-get, $select=mail,userPrincipalName), lowercased.
 */
export async function graphMailboxAddress(call: ConnectorCall): Promise<string | null> {
  const { body } = await call.request<{ mail?: unknown; userPrincipalName?: unknown } | null>({
    method: 'GET',
    path: '/me',
    query: { $select: 'mail,userPrincipalName' },
  });
  const address = [body?.mail, body?.userPrincipalName].find((value): value is string => typeof value === 'string' && value.includes('@'));
  return address ? address.trim().toLowerCase() : null;
}
