import { createHmac } from 'node:crypto';
import { constantTimeEqual } from '../../webhooks/inbound/constant-time-equal';
import { dateOf, InboundVerifier, isObject, malformed, parseJson, rejected, stringOrNull, webhookSecret } from '../../webhooks/inbound/inbound-verifier';

/** DocuSign sends one signature header per active Connect key, numbered from 1 (at most 100). */
const SIGNATURE_HEADER = /^x-docusign-signature-(\d{1,3})$/;

/**
 * DocuSign Connect with HMAC (https://developers.docusign.com/platform/webhooks/connect/hmac):
 * X-DocuSign-Signature-1 (and -2.. while several Connect keys are active) = base64 HMAC-SHA256
 * of the whole body with a Connect key; one match is enough. Messages are the JSON SIM format
 * ({event, generatedDateTime, data: {accountId, envelopeId, recipientId?...}}).
 *
 * Connect messages carry no event id, and a retry resends the same message with retryCount
 * raised, so the id is `<envelopeId>:<event>:<recipientId>:<generatedDateTime>` (recipientId
 * empty for envelope events): the same for every retry of a message, different for each event.
 */
export const docusignVerifier: InboundVerifier = {
  async verify(request, context) {
    const secret = webhookSecret(context);
    if (!secret) return rejected('the connection has no credentials.webhookSecret (the Connect HMAC key)');
    const signatures = Object.entries(request.headers)
      .filter(([name, value]) => SIGNATURE_HEADER.test(name) && typeof value === 'string')
      .map(([, value]) => value as string);
    if (!signatures.length) return rejected('no X-DocuSign-Signature-1 header (is "Include HMAC signature" on?)');
    const expected = createHmac('sha256', secret).update(request.body).digest('base64');
    // Every header is compared, matched or not, so the time taken says nothing about which one held.
    const matches = signatures.map((signature) => constantTimeEqual(signature, expected));
    if (!matches.includes(true)) return rejected('no X-DocuSign-Signature-N header matches the body');

    const message = parseJson(request.body);
    if (!isObject(message) || typeof message.event !== 'string' || typeof message.generatedDateTime !== 'string') {
      return malformed('not a Connect JSON SIM message (set the configuration to JSON, SIM, REST v2.1)');
    }
    const data = isObject(message.data) ? message.data : {};
    const envelopeId = stringOrNull(data.envelopeId);
    const id = [envelopeId ?? stringOrNull(data.templateId) ?? '', message.event, stringOrNull(data.recipientId) ?? '', message.generatedDateTime].join(':');
    return {
      kind: 'events',
      events: [
        {
          id,
          type: message.event,
          data: message,
          occurredAt: dateOf(message.generatedDateTime),
          objectType: envelopeId ? 'envelope' : null,
          recordId: envelopeId,
        },
      ],
      reply: { status: 200 },
    };
  },
};
