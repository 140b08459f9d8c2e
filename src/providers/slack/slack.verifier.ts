import { createHmac } from 'node:crypto';
import { constantTimeEqual } from '../../webhooks/inbound/constant-time-equal';
import { dateOf, header, InboundVerifier, isObject, malformed, parseJson, rejected, webhookSecret } from '../../webhooks/inbound/inbound-verifier';

/** Slack rejects requests whose timestamp is more than five minutes from now (replays). */
export const SLACK_TOLERANCE_IN_SECONDS = 300;
const VERSION = 'v0';

/**
 * Slack's signed requests (https://api.slack.com/authentication/verifying-requests-from-slack):
 * X-Slack-Signature `v0=` + hex HMAC-SHA256 with the app's signing secret over
 * `v0:<X-Slack-Request-Timestamp>:<body>`. Events API bodies: url_verification (answer with the
 * challenge, only once the signature holds) and event_callback, recorded once per event_id (Slack
 * retries with the same id when no 2xx arrives within 3 seconds). The deprecated verification
 * `token` Slack puts in every body is dropped from the stored data.
 */
export const slackVerifier: InboundVerifier = {
  async verify(request, context) {
    const secret = webhookSecret(context);
    if (!secret) return rejected('the connection has no credentials.webhookSecret (the Slack signing secret)');
    const timestamp = header(request, 'x-slack-request-timestamp');
    const signature = header(request, 'x-slack-signature');
    if (!timestamp || !signature) return rejected('no X-Slack-Signature or X-Slack-Request-Timestamp header');
    const sentAt = Number(timestamp);
    if (!Number.isInteger(sentAt) || Math.abs(Date.now() / 1000 - sentAt) > SLACK_TOLERANCE_IN_SECONDS) {
      return rejected('X-Slack-Request-Timestamp is outside the five-minute tolerance');
    }
    const expected = `${VERSION}=${createHmac('sha256', secret).update(`${VERSION}:${timestamp}:`).update(request.body).digest('hex')}`;
    if (!constantTimeEqual(signature, expected)) return rejected('X-Slack-Signature does not match the body');

    const payload = parseJson(request.body);
    if (!isObject(payload) || typeof payload.type !== 'string') return malformed('not a Slack Events API JSON body');
    if (payload.type === 'url_verification') {
      if (typeof payload.challenge !== 'string') return malformed('url_verification without a challenge');
      return { kind: 'handshake', reply: { status: 200, body: { challenge: payload.challenge } } };
    }
    const { token: _verificationToken, ...data } = payload;
    if (payload.type !== 'event_callback') {
      // app_rate_limited and future envelope types: acknowledged so Slack does not retry them.
      return { kind: 'events', events: [], reply: { status: 200 } };
    }
    if (typeof payload.event_id !== 'string' || !isObject(payload.event) || typeof payload.event.type !== 'string') {
      return malformed('event_callback without event_id or event.type');
    }
    return {
      kind: 'events',
      events: [{ id: payload.event_id, type: payload.event.type, data, occurredAt: dateOf(payload.event_time, 'seconds') }],
      reply: { status: 200 },
    };
  },
};
