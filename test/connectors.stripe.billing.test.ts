import { StripeServer } from './providers/stripe.server';
import { startTestService, TestService } from './support/service';

const ACTION = 'mutation($id: ID!, $action: String!, $input: JSON!) { executeConnectorAction(connectionId: $id, action: $action, input: $input) }';

/**
 * Stripe's payment and subscription actions through GraphQL against the local Stripe stand-in:
 * PaymentIntents confirmed with a payment method (a declined card is Stripe's 402 card_error in
 * extensions.provider), subscriptions created, changed (items, quantity, proration_behavior) and
 * canceled at period end or now, and Idempotency-Key replays.
 */
describe('Stripe payments and subscriptions', () => {
  let t: TestService;
  let stripe: StripeServer;
  let connectionId: string;

  const run = (action: string, input: Record<string, unknown>) => t.gql(ACTION, { id: connectionId, action, input }) as Promise<any>;
  const ok = async (action: string, input: Record<string, unknown>) => {
    const res = await run(action, input);
    expect(res.errors).toBeUndefined();
    return res.data.executeConnectorAction;
  };
  const lastCall = (method: string, path: string) => stripe.requests.filter((r) => r.method === method && r.path === path).pop()!;
  const customer = (defaultPaymentMethod = 'pm_card_visa') =>
    stripe.add('customers', { name: 'Ada', email: 'ada@example.com', invoice_settings: { default_payment_method: defaultPaymentMethod } });

  beforeAll(async () => {
    stripe = await new StripeServer().start();
    t = await startTestService({ PROVIDER_RETRY_BASE_DELAY_MS: '5' });
    const res: any = await t.gql('mutation($input: CreateConnectionInput!) { createConnection(input: $input) { id } }', {
      input: { connectorKey: 'stripe', name: 'Stripe (local)', credentials: { apiKey: stripe.apiKey }, config: { baseUrl: stripe.url } },
    });
    expect(res.errors).toBeUndefined();
    connectionId = res.data.createConnection.id;
  });
  afterAll(async () => {
    await t?.stop();
    await stripe?.stop();
  });

  describe('createPaymentIntent', () => {
    it('charges a customer’s payment method off session in one call', async () => {
      const cus = customer();
      const intent = await ok('createPaymentIntent', {
        amount: 4200,
        currency: 'usd',
        customer: cus.id,
        payment_method: 'pm_card_visa',
        confirm: true,
        off_session: true,
        return_url: 'https://crm.example.com/paid',
      });
      expect(intent).toMatchObject({ object: 'payment_intent', status: 'succeeded', amount: 4200, amount_received: 4200, customer: cus.id });
      const charge = stripe.store.get('charges')!.find((c) => c.id === intent.latest_charge)!;
      expect(charge).toMatchObject({ paid: true, amount: 4200, payment_intent: intent.id });
      const sent = lastCall('POST', '/v1/payment_intents');
      expect(new URLSearchParams(sent.raw).get('confirm')).toBe('true');
      expect(sent.body).toMatchObject({ customer: cus.id, payment_method: 'pm_card_visa', off_session: 'true', amount: '4200' });
      expect(sent.headers['idempotency-key']).toMatch(/^[0-9a-f-]{36}$/);
    });

    it('confirms without redirects when automatic payment methods allow none, and holds a manual capture', async () => {
      const intent = await ok('createPaymentIntent', {
        amount: 990,
        currency: 'eur',
        payment_method: 'pm_card_visa',
        confirm: true,
        capture_method: 'manual',
        automatic_payment_methods: { enabled: true, allow_redirects: 'never' },
      });
      expect(intent).toMatchObject({ status: 'requires_capture', amount_received: 0 });
      expect(lastCall('POST', '/v1/payment_intents').raw).toContain('automatic_payment_methods%5Ballow_redirects%5D=never');
    });

    it('answers a declined card with Stripe’s card_error in extensions.provider, decline_code included', async () => {
      const res = await run('createPaymentIntent', {
        amount: 5000,
        currency: 'usd',
        payment_method: 'pm_card_chargeDeclinedInsufficientFunds',
        confirm: true,
        payment_method_types: ['card'],
      });
      expect(res.errors[0].extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        provider: { name: 'stripe', status: 402, code: 'card_declined', message: 'Your card has insufficient funds. (decline_code insufficient_funds)' },
      });
      // The PaymentIntent stays, waiting for another payment method, with the failed attempt on it.
      const failed = stripe.store.get('payment_intents')!.pop()!;
      expect(failed).toMatchObject({ status: 'requires_payment_method', last_payment_error: { code: 'card_declined', decline_code: 'insufficient_funds' } });
    });

    it('is declined with authentication_required off session for a card that needs 3D Secure, and waits for it on session', async () => {
      const base = { amount: 700, currency: 'usd', payment_method: 'pm_card_authenticationRequired', confirm: true, payment_method_types: ['card'] };
      const off = await run('createPaymentIntent', { ...base, off_session: true });
      expect(off.errors[0].extensions.provider).toMatchObject({ status: 402, code: 'authentication_required' });
      expect(await ok('createPaymentIntent', base)).toMatchObject({ status: 'requires_action', next_action: { type: 'use_stripe_sdk' } });
    });

    it('passes on Stripe’s refusals: a confirm that could redirect without return_url, an unknown payment method', async () => {
      const noReturn = await run('createPaymentIntent', { amount: 100, currency: 'usd', payment_method: 'pm_card_visa', confirm: true });
      expect(noReturn.errors[0].extensions.provider).toMatchObject({ status: 400, code: 'invalid_request_error' });
      expect(noReturn.errors[0].extensions.provider.message).toContain('return_url');
      const unknown = await run('createPaymentIntent', {
        amount: 100,
        currency: 'usd',
        payment_method: 'pm_nope',
        confirm: true,
        return_url: 'https://x.example',
      });
      expect(unknown.errors[0].extensions.provider).toMatchObject({ status: 400, code: 'resource_missing', message: "No such PaymentMethod: 'pm_nope'" });
    });

    it('refuses input outside the schema before calling Stripe', async () => {
      const before = stripe.requests.length;
      const cases: [Record<string, unknown>, string][] = [
        [{ amount: 100, currency: 'usd', off_session: true }, 'input.confirm'], // off_session only with confirm=true
        [{ amount: 100, currency: 'usd', confirm: false, return_url: 'https://x.example' }, 'input.confirm'],
        [{ amount: 100, currency: 'USD' }, 'input.currency'],
        [{ amount: 0, currency: 'usd' }, 'input.amount'],
        [{ amount: 100, currency: 'usd', confirm: 'yes' }, 'input.confirm'],
        [{ amount: 100, currency: 'usd', payment_method: 'pm_card_visa', cvc: '123' }, 'input.cvc'],
      ];
      for (const [input, field] of cases) {
        const res = await run('createPaymentIntent', input);
        expect(res.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
      }
      expect(stripe.requests.length).toBe(before);
    });

    it('sends the given idempotency_key: a retry gets the first answer and charges once; other parameters under it are refused', async () => {
      const input = {
        amount: 1500,
        currency: 'usd',
        payment_method: 'pm_card_visa',
        confirm: true,
        payment_method_types: ['card'],
        idempotency_key: 'order-77',
      };
      const charges = stripe.store.get('charges')!.length;
      const first = await ok('createPaymentIntent', input);
      const again = await ok('createPaymentIntent', input);
      expect(again.id).toBe(first.id);
      expect(stripe.store.get('charges')!.length).toBe(charges + 1);
      const sent = stripe.requests.filter((r) => r.path === '/v1/payment_intents').slice(-2);
      expect(sent.map((r) => r.headers['idempotency-key'])).toEqual(['order-77', 'order-77']);
      expect(sent[0].raw).not.toContain('idempotency_key');
      const other = await run('createPaymentIntent', { ...input, amount: 1600 });
      expect(other.errors[0].extensions.provider).toMatchObject({ status: 400, code: 'idempotency_error' });
    });
  });

  it('resends a confirmation whose answer was lost with the same Idempotency-Key, and Stripe charges once', async () => {
    const charges = stripe.store.get('charges')!.length;
    stripe.loseNextAnswer('/v1/payment_intents');
    const intent = await ok('createPaymentIntent', {
      amount: 2200,
      currency: 'usd',
      payment_method: 'pm_card_visa',
      confirm: true,
      payment_method_types: ['card'],
    });
    expect(intent.status).toBe('succeeded');
    const sent = stripe.requests.filter((r) => r.path === '/v1/payment_intents').slice(-2);
    expect(sent[1].headers['idempotency-key']).toBe(sent[0].headers['idempotency-key']);
    expect(stripe.store.get('charges')!.length).toBe(charges + 1);
  });

  describe('subscriptions', () => {
    it('creates a subscription from prices and pays its first invoice from the customer’s default payment method', async () => {
      const cus = customer();
      const seats = stripe.billing.addPrice(1200, 'month', { nickname: 'Team seat' });
      const addon = stripe.billing.addPrice(500, 'month', { nickname: 'Archive' });
      const sub = await ok('createSubscription', {
        customer: cus.id,
        items: [{ price: seats.id, quantity: 3 }, { price: addon.id }],
        metadata: { crm_account: 'acc-1' },
      });
      expect(sub).toMatchObject({ object: 'subscription', status: 'active', customer: cus.id, cancel_at_period_end: false });
      expect(sub.items.data.map((i: any) => [i.price.id, i.quantity])).toEqual([
        [seats.id, 3],
        [addon.id, 1],
      ]);
      expect(stripe.store.get('invoices')!.find((i) => i.id === sub.latest_invoice)).toMatchObject({ status: 'paid', amount_paid: 4100 });
      const sent = new URLSearchParams(lastCall('POST', '/v1/subscriptions').raw);
      expect([sent.get('items[0][price]'), sent.get('items[0][quantity]'), sent.get('items[1][price]')]).toEqual([seats.id, '3', addon.id]);
    });

    it('leaves a subscription incomplete when the card is declined, and creates none with error_if_incomplete', async () => {
      const cus = customer('pm_card_chargeDeclined');
      const price = stripe.billing.addPrice(2000);
      expect(await ok('createSubscription', { customer: cus.id, items: [{ price: price.id }] })).toMatchObject({ status: 'incomplete' });
      const count = stripe.store.get('subscriptions')!.length;
      const strict = await run('createSubscription', { customer: cus.id, items: [{ price: price.id }], payment_behavior: 'error_if_incomplete' });
      expect(strict.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', provider: { name: 'stripe', status: 402, code: 'card_declined' } });
      expect(stripe.store.get('subscriptions')!.length).toBe(count);
    });

    it('refuses bad subscription input: before Stripe by schema, or in Stripe’s words', async () => {
      const before = stripe.requests.length;
      const noItems = await run('createSubscription', { customer: 'cus_x', items: [] });
      expect(noItems.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.items' });
      const noCustomer = await run('createSubscription', { items: [{ price: 'price_x' }] });
      expect(noCustomer.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.customer' });
      const badProration = await run('updateSubscription', { subscription_id: 'sub_x', items: [{ id: 'si_x', quantity: 2 }], proration_behavior: 'sometimes' });
      expect(badProration.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.proration_behavior' });
      const nothing = await run('updateSubscription', { subscription_id: 'sub_x' });
      expect(nothing.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.items' }); // the first of the changes it could make
      const mixed = await run('cancelSubscription', { subscription_id: 'sub_x', at_period_end: true, invoice_now: true });
      expect(mixed.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
      expect(stripe.requests.length).toBe(before);

      const cus = customer();
      const price = await run('createSubscription', { customer: cus.id, items: [{ price: 'price_missing' }] });
      expect(price.errors[0].extensions.provider).toMatchObject({ status: 400, code: 'resource_missing', message: "No such price: 'price_missing'" });
      const sub = await run('cancelSubscription', { subscription_id: 'sub_missing' });
      expect(sub.errors[0].extensions.provider).toMatchObject({ status: 404, code: 'resource_missing' });
    });

    it('changes an item’s quantity with the proration behaviour asked for: none bills nothing now, always_invoice bills at once', async () => {
      const cus = customer();
      const price = stripe.billing.addPrice(1000);
      const sub = await ok('createSubscription', { customer: cus.id, items: [{ price: price.id, quantity: 2 }] });
      const item = sub.items.data[0].id;
      const invoices = stripe.store.get('invoices')!.length;

      const quiet = await ok('updateSubscription', { subscription_id: sub.id, items: [{ id: item, quantity: 5 }], proration_behavior: 'none' });
      expect(quiet.items.data).toEqual([expect.objectContaining({ id: item, quantity: 5 })]);
      expect(stripe.store.get('invoices')!.length).toBe(invoices);
      const sent = new URLSearchParams(lastCall('POST', `/v1/subscriptions/${sub.id}`).raw);
      expect([sent.get('items[0][id]'), sent.get('items[0][quantity]'), sent.get('proration_behavior')]).toEqual([item, '5', 'none']);
      expect(sent.has('subscription_id')).toBe(false);

      const billed = await ok('updateSubscription', { subscription_id: sub.id, items: [{ id: item, quantity: 6 }], proration_behavior: 'always_invoice' });
      expect(stripe.store.get('invoices')!.find((i) => i.id === billed.latest_invoice)).toMatchObject({
        billing_reason: 'subscription_update',
        status: 'paid',
      });

      const unknownItem = await run('updateSubscription', { subscription_id: sub.id, items: [{ id: 'si_gone', quantity: 1 }] });
      expect(unknownItem.errors[0].extensions.provider).toMatchObject({ status: 400, code: 'resource_missing' });
    });

    it('cancels at period end (still active until then, undoable) or now', async () => {
      const cus = customer();
      const price = stripe.billing.addPrice(3000, 'year');
      const later = await ok('createSubscription', { customer: cus.id, items: [{ price: price.id }] });
      const now = await ok('createSubscription', { customer: cus.id, items: [{ price: price.id }] });

      const scheduled = await ok('cancelSubscription', { subscription_id: later.id, at_period_end: true, feedback: 'too_expensive' });
      expect(scheduled).toMatchObject({ status: 'active', cancel_at_period_end: true, cancel_at: later.current_period_end });
      const post = lastCall('POST', `/v1/subscriptions/${later.id}`);
      expect(post.body).toEqual({ cancel_at_period_end: 'true', 'cancellation_details[feedback]': 'too_expensive' });
      expect(post.headers['idempotency-key']).toBeTruthy();
      const undone = await ok('updateSubscription', { subscription_id: later.id, cancel_at_period_end: false });
      expect(undone).toMatchObject({ status: 'active', cancel_at_period_end: false, cancel_at: null, canceled_at: null });
      await ok('cancelSubscription', { subscription_id: later.id, at_period_end: true });
      expect(stripe.billing.endPeriod(later.id)).toMatchObject({ status: 'canceled', ended_at: later.current_period_end });

      const canceled = await ok('cancelSubscription', { subscription_id: now.id, invoice_now: true, prorate: true });
      expect(canceled).toMatchObject({ id: now.id, status: 'canceled', canceled_at: expect.any(Number) });
      const del = lastCall('DELETE', `/v1/subscriptions/${now.id}`);
      expect([del.query.get('invoice_now'), del.query.get('prorate')]).toEqual(['true', 'true']);
      const again = await run('updateSubscription', { subscription_id: now.id, items: [{ price: price.id }] });
      expect(again.errors[0].extensions.provider).toMatchObject({ status: 400, message: expect.stringContaining('canceled subscription') });
    });
  });
});
