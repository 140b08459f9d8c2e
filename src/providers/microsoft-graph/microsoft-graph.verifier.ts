import { createHash } from 'node:crypto';
import { constantTimeEqual } from '../../webhooks/inbound/constant-time-equal';
import { InboundVerifier, isObject, malformed, parseJson, ProviderEvent, rejected, stringOrNull, webhookSecret } from '../../webhooks/inbound/inbound-verifier';

/**
 * Microsoft Graph change notifications, for Teams and Outlook
 * (https://learn.microsoft.com/graph/change-notifications-delivery-webhooks):
 * - Validation: when a subscription is created Graph POSTs `?validationToken=...`; the token goes
 *   back as 200 text/plain within 10 seconds.
 * - Notifications: `{value: [...]}`, each carrying the clientState the subscription was created
 *   with; here that is credentials.webhookSecret, and every item must match it (Graph signs
 *   nothing else). Answered 202 within 3 seconds.
 * Types: `<changeType>` (created, updated, deleted), or `lifecycle.<lifecycleEvent>` for lifecycle
 * notifications (reauthorizationRequired, subscriptionRemoved, missed). Ids: the notification's
 * id when Graph sends one (it is optional), else a SHA-256 of the notification, which a redelivery
 * repeats byte for byte. clientState is dropped from the stored data: it is the secret.
 */
export const microsoftGraphVerifier: InboundVerifier = {
  async verify(request, context) {
    const secret = webhookSecret(context);
    if (!secret) return rejected("the connection has no credentials.webhookSecret (the subscriptions' clientState)");
    const validationToken = request.query.validationToken;
    if (typeof validationToken === 'string') {
      return { kind: 'handshake', reply: { status: 200, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: validationToken } };
    }

    const payload = parseJson(request.body);
    if (!isObject(payload) || !Array.isArray(payload.value) || !payload.value.length || !payload.value.every(isObject)) {
      // Without a matching clientState nothing here is known to come from Graph.
      return rejected('not a change notification collection with a clientState');
    }
    const notifications = payload.value as Record<string, unknown>[];
    const matches = notifications.map((item) => typeof item.clientState === 'string' && constantTimeEqual(item.clientState, secret));
    if (matches.includes(false)) return rejected("a notification's clientState does not match the connection's webhookSecret");

    const events: ProviderEvent[] = [];
    for (const { clientState: _secret, ...notification } of notifications) {
      const type =
        typeof notification.changeType === 'string'
          ? notification.changeType
          : typeof notification.lifecycleEvent === 'string'
            ? `lifecycle.${notification.lifecycleEvent}`
            : null;
      if (!type) return malformed('a notification without changeType or lifecycleEvent');
      const resourceData = isObject(notification.resourceData) ? notification.resourceData : {};
      const odataType = stringOrNull(resourceData['@odata.type']);
      events.push({
        id: stringOrNull(notification.id) ?? createHash('sha256').update(JSON.stringify(notification)).digest('base64url'),
        type,
        data: notification,
        objectType: odataType ? odataType.replace(/^#?microsoft\.graph\./i, '') : null,
        recordId: stringOrNull(resourceData.id),
      });
    }
    return { kind: 'events', events, reply: { status: 202 } };
  },
};
