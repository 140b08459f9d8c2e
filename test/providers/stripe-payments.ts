import { randomBytes } from 'node:crypto';
import type { Reply } from './provider-server';
import type { StripeServer } from './stripe.server';

type Fields = Record<string, any>;

/**
 * Stripe's PaymentIntents as documented (https://docs.stripe.com/api/payment_intents, the
 * stripe/openapi spec3 and fixtures3), for the stand-in server: POST /v1/payment_intents with
 * confirm=true charges the payment_method at once. Stripe's test payment methods
 * (https://docs.stripe.com/testing#declined-payments) decide what happens: a decline is HTTP 402
 * {error: {type: "card_error", code, decline_code, message, charge, payment_intent}} and leaves the
 * PaymentIntent in requires_payment_method with last_payment_error; a card that needs 3D Secure
 * goes to requires_action on session and is declined with authentication_required off session.
 * Confirming with automatic payment methods (the default without payment_method_types) needs a
 * return_url unless redirects are `never`. Subscriptions (stripe-billing.ts) charge the same way.
 */

/** What confirming each test PaymentMethod does (https://docs.stripe.com/testing). */
export const TEST_CARDS: Record<string, { decline?: { code: string; decline_code: string; message: string }; threeDS?: boolean }> = {
  pm_card_visa: {},
  pm_card_mastercard: {},
  pm_card_chargeDeclined: { decline: { code: 'card_declined', decline_code: 'generic_decline', message: 'Your card was declined.' } },
  pm_card_chargeDeclinedInsufficientFunds: {
    decline: { code: 'card_declined', decline_code: 'insufficient_funds', message: 'Your card has insufficient funds.' },
  },
  pm_card_chargeDeclinedExpiredCard: { decline: { code: 'expired_card', decline_code: 'expired_card', message: 'Your card has expired.' } },
  pm_card_authenticationRequired: { threeDS: true },
};
export const OFF_SESSION_AUTH = {
  code: 'authentication_required',
  decline_code: 'authentication_required',
  message: 'Your card was declined. This transaction requires authentication.',
};

export const invalid = (message: string, param?: string, code?: string, status = 400): Reply => ({
  status,
  body: { error: { type: 'invalid_request_error', message, ...(code ? { code } : {}), ...(param ? { param } : {}) } },
});
export const missing = (param: string) => invalid(`Missing required param: ${param}.`, param, 'parameter_missing');
export const noSuch = (what: string, id: string, param: string) => invalid(`No such ${what}: '${id}'`, param, 'resource_missing', param === 'id' ? 404 : 400);
/** Form booleans arrive as "true"/"false". */
export const truthy = (value: unknown) => value === true || value === 'true';
/** `items[0][price]` arrives as {0: {price}}: back to an array. */
export const listOf = (value: unknown): Fields[] =>
  value && typeof value === 'object'
    ? Object.keys(value)
        .sort((a, b) => Number(a) - Number(b))
        .map((k) => (value as Fields)[k])
    : [];

export class StripePayments {
  constructor(protected readonly server: StripeServer) {}

  protected rows(object: string): Fields[] {
    return this.server.store.get(object) as Fields[];
  }
  protected add(object: string, fields: Fields): Fields {
    return this.server.add(object, fields);
  }
  protected update(object: string, id: string, fields: Fields, type?: string): Fields {
    return this.server.update(object, id, fields, type);
  }

  /** Confirms with `paymentMethod` for `amount`: the charge's outcome, a decline as Stripe's error. */
  protected charge(paymentMethod: string, amount: number, currency: string, customer: unknown, offSession: boolean, extra: Fields = {}) {
    const card = TEST_CARDS[paymentMethod];
    const decline = card.decline ?? (card.threeDS && offSession ? OFF_SESSION_AUTH : undefined);
    if (card.threeDS && !decline) return { status: 'requires_action' as const };
    const charge = this.add('charges', {
      amount,
      currency,
      customer: customer ?? null,
      payment_method: paymentMethod,
      paid: !decline,
      status: decline ? 'failed' : 'succeeded',
      failure_code: decline?.code ?? null,
      outcome: decline ? { type: 'issuer_declined', reason: decline.decline_code } : { type: 'authorized', reason: null },
      invoice: null,
      ...extra,
    });
    return decline ? { status: 'declined' as const, decline, charge } : { status: 'succeeded' as const, charge };
  }

  protected cardError(decline: Fields, charge: Fields, paymentIntent?: Fields): Reply {
    return {
      status: 402,
      body: {
        error: {
          type: 'card_error',
          ...decline,
          charge: charge.id,
          doc_url: `https://docs.stripe.com/error-codes/${decline.code.replace(/_/g, '-')}`,
          ...(paymentIntent ? { payment_intent: paymentIntent } : {}),
        },
      },
    };
  }

  createPaymentIntent(fields: Fields): Reply {
    if (!fields.amount) return missing('amount');
    if (!fields.currency) return missing('currency');
    const confirm = truthy(fields.confirm);
    const offSession = truthy(fields.off_session);
    if (!confirm && (fields.off_session !== undefined || fields.return_url !== undefined)) {
      return invalid(`You can only pass \`${fields.return_url !== undefined ? 'return_url' : 'off_session'}\` with \`confirm=true\`.`, 'confirm');
    }
    const pm = fields.payment_method as string | undefined;
    if (pm && !TEST_CARDS[pm]) return noSuch('PaymentMethod', pm, 'payment_method');
    if (fields.customer && !this.rows('customers').some((c) => c.id === fields.customer)) {
      return noSuch('customer', String(fields.customer), 'customer');
    }
    const amount = Number(fields.amount);
    const automatic = !fields.payment_method_types;
    const intent = this.add('payment_intents', {
      ...fields,
      amount,
      amount_received: 0,
      confirm: undefined,
      off_session: undefined,
      payment_method: pm ?? null,
      payment_method_types: listOf(fields.payment_method_types).length ? listOf(fields.payment_method_types) : ['card'],
      automatic_payment_methods: automatic ? { enabled: true, allow_redirects: fields.automatic_payment_methods?.allow_redirects ?? 'always' } : null,
      capture_method: fields.capture_method ?? 'automatic_async',
      client_secret: `pi_secret_${randomBytes(8).toString('hex')}`,
      status: pm ? 'requires_confirmation' : 'requires_payment_method',
      last_payment_error: null,
      latest_charge: null,
      next_action: null,
      invoice: null,
    });
    if (!confirm) return { body: intent };
    if (!pm) {
      return invalid(
        "You cannot confirm this PaymentIntent because it's missing a payment method. To confirm the PaymentIntent with a customer, you must provide a payment method.",
        'payment_method',
        'payment_intent_unexpected_state',
      );
    }
    if (automatic && !fields.return_url && intent.automatic_payment_methods?.allow_redirects !== 'never') {
      return invalid(
        "This PaymentIntent is configured to accept payment methods enabled in your Dashboard. Because some of these payment methods might redirect your customer off of your page, you must provide a `return_url`. If you don't want to accept redirect-based payment methods, set `automatic_payment_methods[enabled]` to `true` and `automatic_payment_methods[allow_redirects]` to `never` when creating Setup Intents and Payment Intents.",
        'return_url',
      );
    }
    const outcome = this.charge(pm, amount, intent.currency, fields.customer, offSession, { payment_intent: intent.id });
    if (outcome.status === 'requires_action') {
      return { body: this.update('payment_intents', intent.id, { status: 'requires_action', next_action: { type: 'use_stripe_sdk' } }) };
    }
    if (outcome.status === 'declined') {
      const { decline, charge } = outcome;
      const failed = this.update(
        'payment_intents',
        intent.id,
        { status: 'requires_payment_method', latest_charge: charge.id, last_payment_error: { type: 'card_error', ...decline, charge: charge.id } },
        'payment_intent.payment_failed',
      );
      return this.cardError(decline, charge, failed);
    }
    const manual = fields.capture_method === 'manual';
    return {
      body: this.update(
        'payment_intents',
        intent.id,
        { status: manual ? 'requires_capture' : 'succeeded', amount_received: manual ? 0 : amount, latest_charge: outcome.charge.id },
        manual ? 'payment_intent.amount_capturable_updated' : 'payment_intent.succeeded',
      ),
    };
  }
}
