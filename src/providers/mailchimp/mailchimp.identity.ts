import type { ConnectorCall } from '../../connectors/connector.handler';

/**
 * What a connection reaches: the Mailchimp account, from the API root (GET /3.0/, "Get account
 * info", https://mailchimp.com/developer/marketing/api/root/list-api-root-resources/: `account_id`,
 * the same for every key and user of the account), and the audience it works on. A member's id
 * is the MD5 of its email, so the same person has the same id in every audience of the account:
 * only account and audience together make members' ids one record each, hence
 * `<account_id>:<list_id>` when config.listId is set. Pointing a connection at another audience
 * is then refused like another account would be (its links belong to the first audience).
 */
export async function identifyMailchimpAccount(call: ConnectorCall): Promise<string | null> {
  const { body } = await call.request<{ account_id?: unknown } | null>({ method: 'GET', path: '/', query: { fields: 'account_id,account_name' } });
  if (typeof body?.account_id !== 'string' || !body.account_id) return null;
  return typeof call.config.listId === 'string' && call.config.listId ? `${body.account_id}:${call.config.listId}` : body.account_id;
}
