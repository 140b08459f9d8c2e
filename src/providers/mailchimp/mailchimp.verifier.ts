import { createHash } from 'node:crypto';
import { constantTimeEqual } from '../../webhooks/inbound/constant-time-equal';
import { InboundRequest, InboundVerifier, isObject, malformed, rejected, stringOrNull, webhookSecret } from '../../webhooks/inbound/inbound-verifier';

/** The query parameter of the registered URL that carries the secret: `…/webhooks/inbound/<id>?secret=<credentials.webhookSecret>`. */
export const SECRET_PARAM = 'secret';
const TYPES = new Set(['subscribe', 'unsubscribe', 'profile', 'upemail', 'cleaned', 'campaign']);

/**
 * Mailchimp audience webhooks (https://mailchimp.com/developer/marketing/guides/sync-audience-data-webhooks/):
 * unsigned, so Mailchimp recommends a secret in the callback URL; it is compared in constant
 * time with credentials.webhookSecret before anything is read. Mailchimp checks the URL with a
 * GET when the webhook is saved (answered 200 once the secret holds), then POSTs
 * application/x-www-form-urlencoded bodies: type (subscribe, unsubscribe, profile, upemail,
 * cleaned, campaign), fired_at ("2009-03-26 21:35:57", UTC) and data[...] with PHP-style
 * brackets (data[email], data[merges][FNAME]). Recorded as mailchimp.<type> with {type,
 * fired_at, data}, once per (type, list, member or campaign, fired_at): Mailchimp sends no event id,
 * and its retries repeat all four.
 */
export const mailchimpVerifier: InboundVerifier = {
  acceptsGet: true,

  async verify(request, context) {
    const secret = webhookSecret(context);
    if (!secret) return rejected('the connection has no credentials.webhookSecret (the secret of the Mailchimp callback URL)');
    const given = request.query[SECRET_PARAM];
    if (typeof given !== 'string' || !given) return rejected(`no ${SECRET_PARAM} query parameter in the callback URL`);
    if (!constantTimeEqual(given, secret)) return rejected(`the ${SECRET_PARAM} query parameter does not match`);
    if (request.method === 'GET') return { kind: 'handshake', reply: { status: 200 } };
    // A POST with nothing in it (some validations): acknowledged, nothing to record.
    if (!request.body.length) return { kind: 'events', events: [], reply: { status: 200 } };

    const payload = parseBracketForm(request);
    if (!payload) return malformed('not a form-encoded Mailchimp webhook');
    const type = stringOrNull(payload.type);
    const data = isObject(payload.data) ? payload.data : null;
    if (!type || !data) return malformed('a Mailchimp webhook needs type and data[...]');
    if (!TYPES.has(type)) return { kind: 'events', events: [], reply: { status: 200 } };
    const firedAt = stringOrNull(payload.fired_at);
    // upemail names the member by its new id; campaign events by the campaign's.
    const subject = stringOrNull(data.new_id) ?? stringOrNull(data.id) ?? stringOrNull(data.email) ?? '';
    const key = [type, stringOrNull(data.list_id) ?? '', subject, firedAt ?? createHash('sha256').update(request.body).digest('hex')].join(':');
    return {
      kind: 'events',
      events: [
        {
          id: key,
          type,
          data: { type, fired_at: firedAt, data },
          occurredAt: firedAtDate(firedAt),
          objectType: type === 'campaign' ? 'campaigns' : 'members',
          recordId: subject || null,
        },
      ],
      reply: { status: 200 },
    };
  },
};

function firedAtDate(value: string | null): Date | undefined {
  if (!value) return undefined;
  const at = new Date(`${value.replace(' ', 'T')}Z`);
  return Number.isNaN(at.getTime()) ? undefined : at;
}

/** `data[merges][FNAME]=Ada` → {data: {merges: {FNAME: 'Ada'}}}; null unless the body is a form. */
function parseBracketForm(request: InboundRequest): Record<string, unknown> | null {
  const type = String(request.headers['content-type'] ?? '');
  if (!type.includes('application/x-www-form-urlencoded')) return null;
  const out: Record<string, unknown> = {};
  for (const [name, value] of new URLSearchParams(request.body.toString('utf8'))) {
    const path = name.replace(/\]/g, '').split('[');
    if (path.some((p) => !p || p === '__proto__' || p === 'constructor' || p === 'prototype')) continue;
    let node = out;
    for (const part of path.slice(0, -1)) {
      if (!isObject(node[part])) node[part] = {};
      node = node[part] as Record<string, unknown>;
    }
    node[path[path.length - 1]] = value;
  }
  return out;
}
