import type { ConnectorCall } from '../../connectors/connector.handler';
import { ProviderError } from '../../connectors/http/provider-error';

/**
 * The merchant's PayPal account. The connection uses the client-credentials grant, whose token
 * response names no account (and Log in with PayPal's userinfo `payer_id` needs a user's
 * authorization, which this connector never has). Transaction Search's `GET /v1/reporting/balances`
 * (operation balances.get in paypal/paypal-rest-api-specifications openapi/reporting_transactions_v1.json,
 * https://developer.paypal.com/docs/api/transaction-search/v1/#balances_get) answers `account_id`:
 * "The PayPal payer ID", 13 characters. It needs the app's List Balances permission (scope
 * https://uri.paypal.com/services/reporting/balances/read); without it PayPal answers 403
 * NOT_AUTHORIZED and the account stays unknown (null) rather than failing.
 */
export async function identifyPayPalPayer(call: ConnectorCall): Promise<string | null> {
  try {
    const { body } = await call.request<{ account_id?: unknown } | null>({ method: 'GET', path: '/v1/reporting/balances' });
    return typeof body?.account_id === 'string' && body.account_id ? body.account_id : null;
  } catch (error) {
    if (error instanceof ProviderError && error.status === 403) return null;
    throw error;
  }
}
