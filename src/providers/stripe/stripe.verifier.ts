import Stripe from 'stripe';
import { header, InboundVerifier, isObject, rejected, stringOrNull, webhookSecret } from '../../webhooks/inbound/inbound-verifier';

/** Stripe's documented default: a signed timestamp older than five minutes is a replay. */
export const STRIPE_TOLERANCE_IN_SECONDS = 300;

/**
 * Stripe (https://docs.stripe.com/webhooks#verify-events): Stripe-Signature `t=<unix>,v1=<hex>`
 * (several v1 while a secret rolls) over `${t}.${body}` with the endpoint's whsec_ secret,
 * checked by the official library so parsing and tolerance are Stripe's own. Answer: 2xx.
 */
export const stripeVerifier: InboundVerifier = {
  async verify(request, context) {
    const secret = webhookSecret(context);
    if (!secret) return rejected('the connection has no credentials.webhookSecret (the endpoint signing secret)');
    const signature = header(request, 'stripe-signature');
    if (!signature) return rejected('no Stripe-Signature header');
    let event: Stripe.Event;
    try {
      event = Stripe.webhooks.constructEvent(request.body, signature, secret, STRIPE_TOLERANCE_IN_SECONDS);
    } catch {
      return rejected('Stripe-Signature does not match the body, or its timestamp is outside the tolerance');
    }
    const object = isObject(event.data?.object) ? (event.data.object as unknown as Record<string, unknown>) : {};
    return {
      kind: 'events',
      events: [
        {
          id: event.id,
          type: event.type,
          data: event,
          occurredAt: new Date(event.created * 1000),
          objectType: stringOrNull(object.object),
          recordId: stringOrNull(object.id),
        },
      ],
      reply: { status: 200, body: { received: true } },
    };
  },
};
