import { randomUUID } from 'node:crypto';
import type { ActionDefinition } from '../../connectors/connector.definition';
import type { ActionHandler, ActionRecovery, ActionRunOptions, ConnectorCall } from '../../connectors/connector.handler';
import { stripeForm } from './stripe.form';

/**
 * Stripe's payment and subscription actions (https://docs.stripe.com/api):
 * - createPaymentIntent: POST /v1/payment_intents; with `payment_method` and `confirm=true` it
 *   charges in the same call ("equivalent to creating and confirming the PaymentIntent"), with
 *   `off_session=true` for a customer who is not present. A declined card is Stripe's 402
 *   {error: {type: "card_error", code: "card_declined", decline_code, payment_intent}}, which
 *   reaches the caller as extensions.provider.
 * - createSubscription: POST /v1/subscriptions (customer, items[n][price], items[n][quantity]).
 * - updateSubscription: POST /v1/subscriptions/{id}: items[n][id] names an item to change (without
 *   it the item is added; `deleted` removes it), `proration_behavior` is create_prorations (Stripe's
 *   default), none or always_invoice (invoice the proration now).
 * - cancelSubscription: now is DELETE /v1/subscriptions/{id} (options in the query, as Stripe's
 *   libraries send them); at period end is POST /v1/subscriptions/{id} cancel_at_period_end=true,
 *   which leaves it active until current_period_end and can be undone.
 * - createRefund: POST /v1/refunds.
 *
 * Every POST carries an Idempotency-Key: the input's `idempotency_key`, else the automation run's
 * id (ActionRunOptions), else a fresh one; Stripe answers a repeat with the first answer (for 24
 * hours), so a resend after a lost answer cannot charge twice.
 */

const id = { type: 'string', minLength: 1, maxLength: 255 };
const metadata = { type: 'object', maxProperties: 50, additionalProperties: { type: 'string', maxLength: 500 } };
const idempotencyKey = { type: 'string', minLength: 1, maxLength: 255, description: 'Idempotency-Key; reuse it to retry without acting twice.' };
const prorationBehavior = { enum: ['create_prorations', 'none', 'always_invoice'] };
const paymentBehavior = { enum: ['allow_incomplete', 'default_incomplete', 'error_if_incomplete', 'pending_if_incomplete'] };
/** Parameters Stripe accepts only together with confirm=true ("can only be used with confirm=true"). */
const needsConfirm = (name: string) => ({ if: { required: [name] }, then: { required: ['confirm'], properties: { confirm: { const: true } } } });

export const STRIPE_ACTIONS: ActionDefinition[] = [
  {
    name: 'createPaymentIntent',
    description:
      'Creates a PaymentIntent (POST /v1/payment_intents); with payment_method and confirm: true it charges at once (off_session: true for a customer who is not present).',
    inputSchema: {
      type: 'object',
      required: ['amount', 'currency'],
      properties: {
        amount: { type: 'integer', minimum: 1, maximum: 99_999_999, description: 'In the smallest currency unit (cents).' },
        currency: { type: 'string', pattern: '^[a-z]{3}$' },
        customer: id,
        payment_method: id,
        confirm: { type: 'boolean' },
        off_session: { type: 'boolean' },
        return_url: { type: 'string', format: 'uri' },
        capture_method: { enum: ['automatic', 'automatic_async', 'manual'] },
        payment_method_types: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 } },
        automatic_payment_methods: {
          type: 'object',
          required: ['enabled'],
          properties: { enabled: { type: 'boolean' }, allow_redirects: { enum: ['always', 'never'] } },
          additionalProperties: false,
        },
        setup_future_usage: { enum: ['off_session', 'on_session'] },
        receipt_email: { type: 'string', format: 'email' },
        description: { type: 'string', maxLength: 1000 },
        metadata,
        idempotency_key: idempotencyKey,
      },
      allOf: [needsConfirm('off_session'), needsConfirm('return_url')],
      additionalProperties: false,
    },
  },
  {
    name: 'createRefund',
    description: 'Refunds a charge or PaymentIntent, in full or in part (POST /v1/refunds).',
    inputSchema: {
      type: 'object',
      properties: {
        payment_intent: { type: 'string' },
        charge: { type: 'string' },
        amount: { type: 'integer', minimum: 1 },
        reason: { enum: ['duplicate', 'fraudulent', 'requested_by_customer'] },
        idempotency_key: idempotencyKey,
      },
      oneOf: [{ required: ['payment_intent'] }, { required: ['charge'] }],
      additionalProperties: false,
    },
  },
  {
    name: 'createSubscription',
    description: "Subscribes a customer to one or more prices (POST /v1/subscriptions); the first invoice is paid from the customer's default payment method.",
    inputSchema: {
      type: 'object',
      required: ['customer', 'items'],
      properties: {
        customer: id,
        items: {
          type: 'array',
          minItems: 1,
          maxItems: 20,
          items: {
            type: 'object',
            required: ['price'],
            properties: { price: id, quantity: { type: 'integer', minimum: 0 }, metadata },
            additionalProperties: false,
          },
        },
        default_payment_method: id,
        payment_behavior: paymentBehavior,
        proration_behavior: prorationBehavior,
        trial_period_days: { type: 'integer', minimum: 0, maximum: 730 },
        cancel_at_period_end: { type: 'boolean' },
        collection_method: { enum: ['charge_automatically', 'send_invoice'] },
        days_until_due: { type: 'integer', minimum: 0 },
        description: { type: 'string', maxLength: 500 },
        metadata,
        idempotency_key: idempotencyKey,
      },
      additionalProperties: false,
    },
  },
  {
    name: 'updateSubscription',
    description:
      'Changes a subscription’s items or quantities (POST /v1/subscriptions/{id}); items with an id change that item, without one add a price; proration_behavior says how the change is billed.',
    inputSchema: {
      type: 'object',
      required: ['subscription_id'],
      properties: {
        subscription_id: id,
        items: {
          type: 'array',
          minItems: 1,
          maxItems: 20,
          items: {
            type: 'object',
            properties: { id, price: id, quantity: { type: 'integer', minimum: 0 }, deleted: { type: 'boolean' }, metadata },
            anyOf: [{ required: ['id'] }, { required: ['price'] }],
            additionalProperties: false,
          },
        },
        proration_behavior: prorationBehavior,
        payment_behavior: paymentBehavior,
        cancel_at_period_end: { type: 'boolean', description: 'false undoes a cancellation at period end.' },
        default_payment_method: id,
        description: { type: 'string', maxLength: 500 },
        metadata,
        idempotency_key: idempotencyKey,
      },
      anyOf: ['items', 'cancel_at_period_end', 'default_payment_method', 'description', 'metadata'].map((name) => ({ required: [name] })),
      additionalProperties: false,
    },
  },
  {
    name: 'cancelSubscription',
    description:
      'Cancels a subscription now (DELETE /v1/subscriptions/{id}), or with at_period_end: true at the end of the paid period (cancel_at_period_end, undone with updateSubscription).',
    inputSchema: {
      type: 'object',
      required: ['subscription_id'],
      properties: {
        subscription_id: id,
        at_period_end: { type: 'boolean' },
        invoice_now: { type: 'boolean', description: 'Cancel now only: invoice pending usage and prorations at once.' },
        prorate: { type: 'boolean', description: 'Cancel now only: credit the unused time.' },
        comment: { type: 'string', maxLength: 5000 },
        feedback: {
          enum: ['customer_service', 'low_quality', 'missing_features', 'other', 'switched_service', 'too_complex', 'too_expensive', 'unused'],
        },
        idempotency_key: idempotencyKey,
      },
      // invoice_now and prorate are parameters of the immediate cancel only.
      if: { required: ['at_period_end'], properties: { at_period_end: { const: true } } },
      then: { not: { anyOf: [{ required: ['invoice_now'] }, { required: ['prorate'] }] } },
      additionalProperties: false,
    },
  },
];

/** The key for one logical write: the caller's, else the automation run's, else a new one. */
function keyFor(input: Record<string, unknown>, options?: ActionRunOptions): Record<string, string> {
  const given = typeof input.idempotency_key === 'string' ? input.idempotency_key : options?.idempotencyKey;
  return { 'idempotency-key': given ?? randomUUID() };
}

const without = (input: Record<string, unknown>, ...names: string[]) => Object.fromEntries(Object.entries(input).filter(([k]) => !names.includes(k)));
const subscriptionPath = (input: Record<string, unknown>) => `/v1/subscriptions/${encodeURIComponent(String(input.subscription_id))}`;

async function post(call: ConnectorCall, path: string, form: Record<string, unknown>, headers: Record<string, string>) {
  return (await call.request({ method: 'POST', path, form: stripeForm(form), headers })).body;
}

export const stripeActionHandlers: Record<string, ActionHandler> = {
  createPaymentIntent: (call, input, options) => post(call, '/v1/payment_intents', without(input, 'idempotency_key'), keyFor(input, options)),
  createRefund: (call, input, options) => post(call, '/v1/refunds', without(input, 'idempotency_key'), keyFor(input, options)),
  createSubscription: (call, input, options) => post(call, '/v1/subscriptions', without(input, 'idempotency_key'), keyFor(input, options)),
  updateSubscription: (call, input, options) =>
    post(call, subscriptionPath(input), without(input, 'idempotency_key', 'subscription_id'), keyFor(input, options)),
  async cancelSubscription(call, input, options) {
    const details = input.comment !== undefined || input.feedback !== undefined ? { comment: input.comment, feedback: input.feedback } : undefined;
    if (input.at_period_end === true) {
      return post(call, subscriptionPath(input), { cancel_at_period_end: true, cancellation_details: details }, keyFor(input, options));
    }
    // Stripe ignores idempotency keys on DELETE; cancelling twice answers the canceled subscription.
    const query = stripeForm({ invoice_now: input.invoice_now, prorate: input.prorate, cancellation_details: details });
    return (await call.request({ method: 'DELETE', path: subscriptionPath(input), query })).body;
  },
};

/** Stripe deduplicates every POST above on its Idempotency-Key, and the DELETE is idempotent: an automation may resend any of them. */
export const stripeActionRecovery: Record<string, ActionRecovery> = Object.fromEntries(
  STRIPE_ACTIONS.map((action) => [action.name, { idempotentWithKey: true }]),
);
