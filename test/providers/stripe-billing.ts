import { randomBytes } from 'node:crypto';
import type { Reply } from './provider-server';
import { invalid, listOf, missing, noSuch, OFF_SESSION_AUTH, StripePayments, TEST_CARDS, truthy } from './stripe-payments';

type Fields = Record<string, any>;

const PRORATION = ['create_prorations', 'none', 'always_invoice'];
const PAYMENT_BEHAVIOR = ['allow_incomplete', 'default_incomplete', 'error_if_incomplete', 'pending_if_incomplete'];
const INTERVAL_DAYS: Record<string, number> = { day: 1, week: 7, month: 30, year: 365 };

/**
 * Stripe's Prices and Subscriptions as documented (https://docs.stripe.com/api/subscriptions, the
 * stripe/openapi fixtures3 subscription, subscription_item and price objects), for the stand-in:
 * POST /v1/subscriptions, POST /v1/subscriptions/{id} (items[n][id|price|quantity|deleted],
 * proration_behavior, cancel_at_period_end), DELETE in stripe.server.ts. The first invoice is paid
 * from default_payment_method or the customer's invoice_settings.default_payment_method;
 * payment_behavior says what a failed payment does (allow_incomplete: status incomplete;
 * error_if_incomplete: 402 and no subscription). always_invoice bills a change at once. Objects are
 * rendered as API version 2024-06-20 (the connector's): current_period_start/end on the
 * subscription, and on its items as from 2025-03-31.
 */
export class StripeBilling extends StripePayments {
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
