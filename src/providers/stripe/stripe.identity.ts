import type { ConnectorCall } from '../../connectors/connector.handler';

/**
 * The Stripe account a secret key belongs to: `GET /v1/account` ("Retrieves the details of an
 * account", https://docs.stripe.com/api/accounts/retrieve) answers the account object, whose `id`
 * is the `acct_…` id. Every key of an account (test or live, rolled or restricted with the
 * Account read permission) names the same id.
 */
export async function identifyStripeAccount(call: ConnectorCall): Promise<string | null> {
  const { body } = await call.request<{ id?: unknown; object?: unknown } | null>({ method: 'GET', path: '/v1/account' });
  return typeof body?.id === 'string' && body.id.startsWith('acct_') ? body.id : null;
}
