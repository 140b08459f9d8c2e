import type { ConnectorCall } from '../../connectors/connector.handler';

/**
 * The QuickBooks company: Intuit names it on the OAuth redirect as `realmId` ("The QuickBooks
 * company ID", https://developer.intuit.com/app/developer/qbo/docs/develop/authentication-and-authorization/oauth-2.0),
 * which the connection keeps in config.realmId (callbackConfigParams) and every API path is under.
 * No call: the token is issued for that one company, and there is no endpoint that names the
 * company without already being given its id.
 */
export async function identifyQuickBooksRealm(call: ConnectorCall): Promise<string | null> {
  const realmId = call.config.realmId;
  return typeof realmId === 'string' && /^\d+$/.test(realmId) ? realmId : null;
}
