import { ProviderError } from '../../connectors/http/provider-error';
import { dateOf, header, InboundVerifier, isObject, malformed, parseJson, rejected, stringOrNull } from '../../webhooks/inbound/inbound-verifier';

/** The transmission headers PayPal sends with each webhook, as verify-webhook-signature names them. */
const TRANSMISSION = {
  auth_algo: 'paypal-auth-algo',
  cert_url: 'paypal-cert-url',
  transmission_id: 'paypal-transmission-id',
  transmission_sig: 'paypal-transmission-sig',
  transmission_time: 'paypal-transmission-time',
} as const;

/**
 * PayPal (https://developer.paypal.com/api/webhooks/v1/#verify-webhook-signature_post): the
 * signature is RSA over the transmission id, time, webhook id and a CRC32 of the body, checked
 * by PayPal itself: POST /v1/notifications/verify-webhook-signature with the PAYPAL-* headers,
 * the webhook id (credentials.webhookId, else credentials.webhookSecret) and the event, through
 * the connection's own runtime (its base URL, client-credentials token, rate budget, retries).
 * Only verification_status SUCCESS passes. Events: `<event_type>` (PAYMENT.CAPTURE.COMPLETED ...),
 * once per event id (WH-...), which PayPal keeps across its redeliveries.
 *
 * The event goes back re-serialized from the parsed body: the HTTP client sends JSON values, and
 * JSON.stringify of PayPal's own JSON reproduces it (PayPal sends no duplicate keys or -0).
 */
export const paypalVerifier: InboundVerifier = {
  async verify(request, context) {
    const webhookId = stringOrNull(context.credentials.webhookId) ?? stringOrNull(context.credentials.webhookSecret);
    if (!webhookId) return rejected('the connection has no credentials.webhookId (the id of the webhook in the PayPal app)');
    const transmission: Record<string, string> = {};
    for (const [field, name] of Object.entries(TRANSMISSION)) {
      const value = header(request, name);
      if (!value) return rejected(`no ${name.toUpperCase()} header`);
      transmission[field] = value;
    }
    const event = parseJson(request.body);
    if (!isObject(event)) return rejected('the body is not a JSON event PayPal could have signed');

    let status: unknown;
    try {
      const call = await context.bind();
      const { body } = await call.request<{ verification_status?: string }>({
        method: 'POST',
        path: '/v1/notifications/verify-webhook-signature',
        json: { ...transmission, webhook_id: webhookId, webhook_event: event },
        // A check with no side effect: safe to resend after an uncertain failure.
        idempotent: true,
      });
      status = body?.verification_status;
    } catch (error) {
      // PayPal refusing the request as invalid is a failed verification; anything else (PayPal
      // down, our token refused) is ours to retry, so it propagates as a 5xx and PayPal resends.
      if (error instanceof ProviderError && (error.status === 400 || error.status === 422)) return rejected('PayPal refused to verify the transmission');
      throw error;
    }
    if (status !== 'SUCCESS') return rejected('PayPal verification_status is not SUCCESS');

    if (typeof event.id !== 'string' || typeof event.event_type !== 'string') return malformed('a PayPal event without id or event_type');
    const resource = isObject(event.resource) ? event.resource : {};
    return {
      kind: 'events',
      events: [
        {
          id: event.id,
          type: event.event_type,
          data: event,
          occurredAt: dateOf(event.create_time),
          objectType: stringOrNull(event.resource_type),
          recordId: stringOrNull(resource.id),
        },
      ],
      reply: { status: 200 },
    };
  },
};
