import { constantTimeEqual } from '../../webhooks/inbound/constant-time-equal';
import {
  dateOf,
  header,
  InboundContext,
  InboundReply,
  InboundVerifier,
  isObject,
  malformed,
  parseJson,
  rejected,
  stringOrNull,
} from '../../webhooks/inbound/inbound-verifier';

const CLIENT_ID_HEADER = 'x-adobesign-clientid';

/**
 * Acrobat Sign webhooks (https://opensource.adobe.com/acrobat-sign/acrobat_sign_events/webhookpayloadoverview.html):
 * no signature; every call (the GET that verifies intent when a webhook is created, and each
 * POST notification) carries X-AdobeSign-ClientId, and is accepted only when a 2xx echoes it,
 * here both as that header and as JSON {xAdobeSignClientId}. It is echoed only when it is OUR
 * application's client id: the organization's OAuth app for adobe_sign (setOAuthClient), or
 * credentials.clientId. Events: `<event>` (AGREEMENT_WORKFLOW_COMPLETED ...), one per
 * webhookNotificationId, which Adobe keeps across its retries.
 */
export const adobeSignVerifier: InboundVerifier = {
  acceptsGet: true,

  async verify(request, context) {
    const clientId = header(request, CLIENT_ID_HEADER);
    if (!clientId) return rejected('no X-AdobeSign-ClientId header');
    const ours = await ourClientIds(context);
    if (!ours.length) return rejected('no Adobe Sign client id to compare with (setOAuthClient for adobe_sign, or credentials.clientId)');
    const matches = ours.map((id) => constantTimeEqual(clientId, id));
    if (!matches.includes(true)) return rejected("X-AdobeSign-ClientId is not this organization's application");
    const reply: InboundReply = { status: 200, headers: { 'X-AdobeSign-ClientId': clientId }, body: { xAdobeSignClientId: clientId } };
    if (request.method === 'GET') return { kind: 'handshake', reply };

    const payload = parseJson(request.body);
    if (!isObject(payload) || typeof payload.webhookNotificationId !== 'string' || typeof payload.event !== 'string') {
      return malformed('not an Acrobat Sign notification (webhookNotificationId and event)');
    }
    // eventResourceType (agreement, widget, megaSign) also names the payload's resource object.
    const resourceType = stringOrNull(payload.eventResourceType);
    const resource = resourceType && isObject(payload[resourceType]) ? payload[resourceType] : null;
    return {
      kind: 'events',
      events: [
        {
          id: payload.webhookNotificationId,
          type: payload.event,
          data: payload,
          occurredAt: dateOf(payload.eventDate),
          objectType: resourceType,
          recordId: resource ? stringOrNull(resource.id) : null,
        },
      ],
      reply,
    };
  },
};

async function ourClientIds(context: InboundContext): Promise<string[]> {
  const ids = [await context.oauthClientId(), stringOrNull(context.credentials.clientId)];
  return ids.filter((id): id is string => !!id);
}
