import { randomBytes } from 'node:crypto';
import type { Reply } from './provider-server';
import type { StripeServer } from './stripe.server';

type Fields = Record<string, any>;

/**
 * Stripe's PaymentIntents and Subscriptions as documented (https://docs.stripe.com/api, the
 * stripe/openapi spec3 and fixtures3), for the stand-in server:
 * - POST /v1/payment_intents with confirm=true charges the payment_method at once. Stripe's test
 *   payment methods (https://docs.stripe.com/testing#declined-payments) decide what happens: a
 *   decline is HTTP 402 {error: {type: "card_error", code, decline_code, message, charge,
 *   payment_intent}} and leaves the PaymentIntent in requires_payment_method with
 *   last_payment_error; a card that needs 3D Secure goes to requires_action on session and is
 *   declined with authentication_required off session. Confirming with automatic payment methods
 *   (the default without payment_method_types) needs a return_url unless redirects are `never`.
 * - POST /v1/subscriptions, POST /v1/subscriptions/{id} (items[n][id|price|quantity|deleted],
 *   proration_behavior, cancel_at_period_end), DELETE (in stripe.server.ts): the first invoice is
 *   paid from default_payment_method or the customer's invoice_settings.default_payment_method;
 *   payment_behavior says what a failed payment does (allow_incomplete: status incomplete;
 *   error_if_incomplete: 402 and no subscription). always_invoice bills a change at once.
 * Objects are rendered as API version 2024-06-20 (the connector's): current_period_start/end on
 * the subscription, and on its items as from 2025-03-31.
 */

/** What confirming each test PaymentMethod does (https://docs.stripe.com/testing). */
const TEST_CARDS: Record<string, { decline?: { code: string; decline_code: string; message: string }; threeDS?: boolean }> = {
  pm_card_visa: {},
  pm_card_mastercard: {},
  pm_card_chargeDeclined: { decline: { code: 'card_declined', decline_code: 'generic_decline', message: 'Your card was declined.' } },
  pm_card_chargeDeclinedInsufficientFunds: {
    decline: { code: 'card_declined', decline_code: 'insufficient_funds', message: 'Your card has insufficient funds.' },
  },
  pm_card_chargeDeclinedExpiredCard: { decline: { code: 'expired_card', decline_code: 'expired_card', message: 'Your card has expired.' } },
  pm_card_authenticationRequired: { threeDS: true },
};
const OFF_SESSION_AUTH = {
  code: 'authentication_required',
  decline_code: 'authentication_required',
  message: 'Your card was declined. This transaction requires authentication.',
};
const PRORATION = ['create_prorations', 'none', 'always_invoice'];
const PAYMENT_BEHAVIOR = ['allow_incomplete', 'default_incomplete', 'error_if_incomplete', 'pending_if_incomplete'];
const INTERVAL_DAYS: Record<string, number> = { day: 1, week: 7, month: 30, year: 365 };

export const invalid = (message: string, param?: string, code?: string, status = 400): Reply => ({
  status,
  body: { error: { type: 'invalid_request_error', message, ...(code ? { code } : {}), ...(param ? { param } : {}) } },
});
const missing = (param: string) => invalid(`Missing required param: ${param}.`, param, 'parameter_missing');
const noSuch = (what: string, id: string, param: string) => invalid(`No such ${what}: '${id}'`, param, 'resource_missing', param === 'id' ? 404 : 400);
/** Form booleans arrive as "true"/"false". */
const truthy = (value: unknown) => value === true || value === 'true';
/** `items[0][price]` arrives as {0: {price}}: back to an array. */
const listOf = (value: unknown): Fields[] =>
  value && typeof value === 'object'
    ? Object.keys(value)
        .sort((a, b) => Number(a) - Number(b))
        .map((k) => (value as Fields)[k])
    : [];

export class StripeBilling {
  constructor(private readonly server: StripeServer) {}

  private rows(object: string): Fields[] {
    return this.server.store.get(object) as Fields[];
  }
  private add(object: string, fields: Fields): Fields {
    return this.server.add(object, fields);
  }
  private update(object: string, id: string, fields: Fields, type?: string): Fields {
    return this.server.update(object, id, fields, type);
  }

  /** Confirms with `paymentMethod` for `amount`: the charge's outcome, a decline as Stripe's error. */
  private charge(paymentMethod: string, amount: number, currency: string, customer: unknown, offSession: boolean, extra: Fields = {}) {
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

  private cardError(decline: Fields, charge: Fields, paymentIntent?: Fields): Reply {
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

  /** A Price (https://docs.stripe.com/api/prices/object) subscriptions can be made of. */
  addPrice(unitAmount: number, interval: 'day' | 'week' | 'month' | 'year' = 'month', fields: Fields = {}): Fields {
    return this.add('prices', {
      active: true,
      currency: 'usd',
      unit_amount: unitAmount,
      unit_amount_decimal: String(unitAmount),
      type: 'recurring',
      billing_scheme: 'per_unit',
      recurring: { interval, interval_count: 1, usage_type: 'licensed' },
      product: `prod_${randomBytes(7).toString('hex')}`,
      nickname: null,
      ...fields,
    });
  }

  private item(price: Fields, quantity: number, subscription: string, period: Fields): Fields {
    const id = `si_${randomBytes(7).toString('hex')}`;
    return { id, object: 'subscription_item', created: this.server.now(), price, quantity, subscription, metadata: {}, ...period };
  }

  private period(price: Fields, start: number): Fields {
    return { current_period_start: start, current_period_end: start + INTERVAL_DAYS[price.recurring.interval] * 86_400 };
  }

  private price(id: string, param: string): Fields | Reply {
    return this.rows('prices').find((p) => p.id === id) ?? noSuch('price', id, param);
  }

  /** An invoice for `total`, paid from `pm` when there is one; `declined`: Stripe's 402 when the payment failed. */
  private payInvoice(sub: Fields, total: number, pm: string | undefined, reason: string): { declined?: Reply; invoice: Fields } {
    const invoice = this.add('invoices', {
      customer: sub.customer,
      subscription: sub.id,
      billing_reason: reason,
      currency: sub.currency,
      total,
      amount_due: total,
      amount_paid: 0,
      status: 'open',
    });
    if (total === 0) return { invoice: this.update('invoices', invoice.id, { status: 'paid' }, 'invoice.paid') };
    if (!pm) return { invoice };
    const outcome = this.charge(pm, total, sub.currency, sub.customer, true, { invoice: invoice.id });
    if (outcome.status !== 'succeeded') {
      const decline = outcome.status === 'declined' ? outcome.decline : OFF_SESSION_AUTH;
      const charge = outcome.status === 'declined' ? outcome.charge : { id: null };
      return { invoice, declined: this.cardError(decline, charge) };
    }
    return { invoice: this.update('invoices', invoice.id, { status: 'paid', amount_paid: total, charge: outcome.charge.id }, 'invoice.paid') };
  }

  createSubscription(fields: Fields): Reply {
    if (!fields.customer) return missing('customer');
    const customer = this.rows('customers').find((c) => c.id === fields.customer);
    if (!customer) return noSuch('customer', String(fields.customer), 'customer');
    const wanted = listOf(fields.items);
    if (!wanted.length) return missing('items');
    const behavior = fields.payment_behavior ?? 'allow_incomplete';
    if (!PAYMENT_BEHAVIOR.includes(behavior)) return invalid(`Invalid payment_behavior: must be one of ${PAYMENT_BEHAVIOR.join(', ')}`, 'payment_behavior');
    const prices: Fields[] = [];
    for (const [i, item] of wanted.entries()) {
      if (!item.price) return missing(`items[${i}][price]`);
      const price = this.price(item.price, `items[${i}][price]`);
      if ('status' in price && 'body' in price) return price;
      prices.push(price);
    }
    const pm: string | undefined = fields.default_payment_method ?? customer.invoice_settings?.default_payment_method ?? undefined;
    if (pm && !TEST_CARDS[pm]) return noSuch('PaymentMethod', pm, 'default_payment_method');
    const trialDays = Number(fields.trial_period_days ?? 0);
    const total = trialDays ? 0 : prices.reduce((sum, price, i) => sum + price.unit_amount * Number(wanted[i].quantity ?? 1), 0);
    if (!pm && total > 0 && behavior === 'error_if_incomplete' && fields.collection_method !== 'send_invoice') {
      return invalid('This customer has no attached payment source or default payment method.', undefined, 'resource_missing');
    }
    const start = this.server.now();
    const period = this.period(prices[0], start);
    // The id is chosen first so the items, and the created event, name their subscription.
    const id = `sub_${randomBytes(7).toString('hex')}`;
    const items = prices.map((price, i) => this.item(price, Number(wanted[i].quantity ?? 1), id, period));
    const sub = this.add('subscriptions', {
      id,
      customer: customer.id,
      status: 'incomplete',
      currency: prices[0].currency,
      collection_method: fields.collection_method ?? 'charge_automatically',
      default_payment_method: fields.default_payment_method ?? null,
      description: fields.description ?? null,
      metadata: fields.metadata ?? {},
      start_date: start,
      ...period,
      trial_start: trialDays ? start : null,
      trial_end: trialDays ? start + trialDays * 86_400 : null,
      cancel_at_period_end: truthy(fields.cancel_at_period_end),
      cancel_at: truthy(fields.cancel_at_period_end) ? period.current_period_end : null,
      canceled_at: null,
      ended_at: null,
      latest_invoice: null,
      items: { object: 'list', data: items, has_more: false, url: `/v1/subscription_items?subscription=${id}` },
    });
    if (behavior === 'default_incomplete' && total > 0) return { body: sub };
    if (sub.collection_method === 'send_invoice') return { body: this.update('subscriptions', sub.id, { status: 'active' }) };
    const { invoice, declined } = this.payInvoice(sub, total, pm, 'subscription_create');
    if (declined && behavior === 'error_if_incomplete') {
      // "If the first invoice cannot be paid, the subscription is not created" (HTTP 402).
      this.rows('subscriptions').splice(this.rows('subscriptions').indexOf(sub), 1);
      return declined;
    }
    const paid = invoice.status === 'paid';
    const status = trialDays ? 'trialing' : paid ? 'active' : 'incomplete';
    return { body: this.update('subscriptions', sub.id, { status, latest_invoice: invoice.id }) };
  }

  updateSubscription(id: string, fields: Fields): Reply {
    const sub = this.rows('subscriptions').find((s) => s.id === id);
    if (!sub) return noSuch('subscription', id, 'id');
    const onlyAllowed = Object.keys(fields).every((k) => k === 'metadata' || k === 'cancellation_details');
    if (sub.status === 'canceled' && !onlyAllowed) return invalid('A canceled subscription can only update its cancellation_details and metadata.');
    const proration = fields.proration_behavior ?? 'create_prorations';
    if (!PRORATION.includes(proration)) return invalid(`Invalid proration_behavior: must be one of ${PRORATION.join(', ')}`, 'proration_behavior');
    const changes: Fields = {};
    if (fields.items !== undefined) {
      const items: Fields[] = structuredClone(sub.items.data);
      for (const [i, change] of listOf(fields.items).entries()) {
        const at = change.id ? items.findIndex((item) => item.id === change.id) : -1;
        if (change.id && at < 0) return invalid(`No such subscription item: '${change.id}'`, `items[${i}][id]`, 'resource_missing');
        const price = change.price ? this.price(change.price, `items[${i}][price]`) : null;
        if (price && 'status' in price && 'body' in price) return price;
        if (at < 0) {
          if (!price) return missing(`items[${i}][price]`);
          items.push(this.item(price, Number(change.quantity ?? 1), sub.id, this.period(price, sub.current_period_start)));
        } else if (truthy(change.deleted)) {
          items.splice(at, 1);
        } else {
          Object.assign(items[at], price ? { price } : {}, change.quantity !== undefined ? { quantity: Number(change.quantity) } : {});
        }
      }
      if (!items.length)
        return invalid('A subscription must have at least one active plan. To cancel a subscription, please use the cancel API endpoint.', 'items');
      changes.items = { ...sub.items, data: items };
    }
    if (fields.cancel_at_period_end !== undefined) {
      const atEnd = truthy(fields.cancel_at_period_end);
      // canceled_at is when the cancellation was asked for, not when the period ends.
      Object.assign(changes, { cancel_at_period_end: atEnd, cancel_at: atEnd ? sub.current_period_end : null, canceled_at: atEnd ? this.server.now() : null });
    }
    if (fields.cancellation_details) changes.cancellation_details = fields.cancellation_details;
    for (const name of ['metadata', 'description', 'default_payment_method']) if (fields[name] !== undefined) changes[name] = fields[name];
    const before = (sub.items.data as Fields[]).reduce((sum, item) => sum + item.price.unit_amount * item.quantity, 0);
    const updated = this.update('subscriptions', id, changes);
    if (changes.items && proration === 'always_invoice') {
      const after = (updated.items as Fields).data.reduce((sum: number, item: Fields) => sum + item.price.unit_amount * item.quantity, 0);
      const pm = sub.default_payment_method ?? this.rows('customers').find((c) => c.id === sub.customer)?.invoice_settings?.default_payment_method;
      const { invoice } = this.payInvoice(sub, Math.max(0, after - before), pm, 'subscription_update');
      return { body: this.update('subscriptions', id, { latest_invoice: invoice.id }) };
    }
    return { body: updated };
  }

  /** The current period ends: a subscription set to cancel at period end is canceled, as Stripe does then. */
  endPeriod(id: string): Fields {
    const sub = this.rows('subscriptions').find((s) => s.id === id)!;
    if (!sub.cancel_at_period_end) throw new Error(`${id} is not set to cancel at period end`);
    this.server.advance(sub.current_period_end - this.server.now());
    return this.update('subscriptions', id, { status: 'canceled', ended_at: sub.current_period_end }, 'customer.subscription.deleted');
  }
}
