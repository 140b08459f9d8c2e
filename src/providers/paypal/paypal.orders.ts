import { ActionDefinition, ObjectDefinition, field as f } from '../../connectors/connector.definition';
import { FieldType } from '../../connectors/connector.enums';
import type { ActionHandler, ActionRunOptions, ConnectorCall, ConnectorRecord } from '../../connectors/connector.handler';
import { money, writeHeaders } from './paypal.shared';

/**
 * PayPal Orders v2 (checkout_orders_v2.json in paypal/paypal-rest-api-specifications):
 * - createOrder: POST /v2/checkout/orders {intent: "CAPTURE", purchase_units: [{reference_id,
 *   invoice_id, custom_id, description, amount}]}. The buyer approves it at the `approve` (or
 *   `payer-action`) link the order answers with; only then can it be captured.
 * - captureOrder: POST /v2/checkout/orders/{id}/capture. Refusals are 422 UNPROCESSABLE_ENTITY
 *   with details[0].issue: ORDER_NOT_APPROVED (not approved yet), INSTRUMENT_DECLINED (send the
 *   buyer back to approve with another funding source), ORDER_ALREADY_CAPTURED,
 *   DUPLICATE_INVOICE_ID; they reach the caller as extensions.provider {code: issue}.
 * Both send PayPal-Request-Id: the input's request_id, else the automation run's id, else a new
 * one. PayPal keeps it 6 hours and answers a repeat with the first result, so a resend after a
 * lost answer cannot create or capture twice.
 *
 * Captures are the payments of an order: PayPal has no list endpoint for them, so `captures` is
 * read from Transaction Search (event code T0006, "PayPal Checkout APIs", whose transaction id is
 * the capture id; paypal.reporting.ts) and one is fetched with GET /v2/payments/captures/{id}. A
 * capture carries its purchase unit's invoice_id: the captures → invoice payment plan
 * (link-plan.ts) attaches it to the invoice with that PayPal invoice id.
 */

export const CAPTURES_OBJECT: ObjectDefinition = {
  name: 'captures',
  supportsIncremental: true,
  supportsWrite: false,
  fields: [
    f('id', FieldType.STRING, true),
    f('status', FieldType.ENUM),
    f('amount.value', FieldType.CURRENCY),
    f('amount.currency_code', FieldType.STRING),
    f('invoice_id', FieldType.STRING, false, 'invoices'),
    f('custom_id', FieldType.STRING),
    f('create_time', FieldType.DATETIME),
    f('update_time', FieldType.DATETIME),
  ],
};

const requestId = { type: 'string', minLength: 1, maxLength: 108, description: 'PayPal-Request-Id; reuse it to retry without acting twice.' };
const text = (maxLength: number) => ({ type: 'string', minLength: 1, maxLength });

export const ORDER_ACTIONS: ActionDefinition[] = [
  {
    name: 'createOrder',
    description:
      'Creates an order to be paid (POST /v2/checkout/orders, intent CAPTURE); the buyer approves it at its approve link, then captureOrder takes the payment. invoice_id ties the payment to a PayPal invoice.',
    inputSchema: {
      type: 'object',
      required: ['purchase_units'],
      properties: {
        intent: { enum: ['CAPTURE'] },
        purchase_units: {
          type: 'array',
          minItems: 1,
          maxItems: 10,
          items: {
            type: 'object',
            required: ['amount'],
            properties: {
              reference_id: text(256),
              invoice_id: text(127),
              custom_id: text(255),
              description: text(127),
              soft_descriptor: text(22),
              amount: money,
            },
            additionalProperties: false,
          },
        },
        payment_source: { type: 'object', description: "PayPal's payment_source, e.g. {paypal: {experience_context: {return_url, cancel_url}}}." },
        request_id: requestId,
      },
      // "Required for multiple purchase units": each then needs its reference_id.
      if: { properties: { purchase_units: { minItems: 2 } } },
      then: { properties: { purchase_units: { items: { required: ['amount', 'reference_id'] } } } },
      additionalProperties: false,
    },
  },
  {
    name: 'captureOrder',
    description: 'Captures the payment of an approved order (POST /v2/checkout/orders/{id}/capture); the captures carry the purchase unit’s invoice_id.',
    inputSchema: {
      type: 'object',
      required: ['order_id'],
      properties: { order_id: text(36), request_id: requestId },
      additionalProperties: false,
    },
  },
];

/** The caller's request id, else the automation run's. */
const requestIdOf = (input: Record<string, unknown>, options?: ActionRunOptions) => input.request_id ?? options?.idempotencyKey;

async function post(call: ConnectorCall, path: string, json: Record<string, unknown>, id: unknown): Promise<unknown> {
  return (await call.request({ method: 'POST', path, json, headers: writeHeaders(id), idempotent: true })).body;
}

export const orderActionHandlers: Record<string, ActionHandler> = {
  async createOrder(call, input, options) {
    const { request_id: _id, ...order } = input;
    return post(call, '/v2/checkout/orders', { intent: 'CAPTURE', ...order }, requestIdOf(input, options));
  },
  async captureOrder(call, input, options) {
    return post(call, `/v2/checkout/orders/${encodeURIComponent(String(input.order_id))}/capture`, {}, requestIdOf(input, options));
  },
};

export async function getCapture(call: ConnectorCall, id: string): Promise<ConnectorRecord> {
  return (await call.request<ConnectorRecord>({ method: 'GET', path: `/v2/payments/captures/${encodeURIComponent(id)}` })).body;
}
