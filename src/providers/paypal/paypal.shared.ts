import { randomUUID } from 'node:crypto';

/**
 * PayPal's idempotency header (https://developer.paypal.com/api/rest/reference/idempotency/): a
 * POST repeated with the same PayPal-Request-Id returns the first result instead of acting again
 * (kept 6 hours by default). The caller's id, else a new one; with the full resource back.
 */
export function writeHeaders(requestId?: unknown): Record<string, string> {
  return { prefer: 'return=representation', 'paypal-request-id': typeof requestId === 'string' ? requestId : randomUUID() };
}

/** PayPal's money object (currency_code, value as a string with at most 3 decimals). */
export const money = {
  type: 'object',
  required: ['value', 'currency_code'],
  additionalProperties: false,
  properties: { value: { type: 'string', pattern: '^\\d{1,10}(\\.\\d{1,3})?$' }, currency_code: { type: 'string', pattern: '^[A-Z]{3}$' } },
};
