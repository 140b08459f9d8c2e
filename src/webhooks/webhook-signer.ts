import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';

/**
 * Standard Webhooks signing (DESIGN.md): signatures come from the reference `standardwebhooks`
 * library rather than a hand-rolled HMAC, so what we send is by construction what every
 * receiver's off-the-shelf verifier checks (id.timestamp.body, base64 key after `whsec_`).
 */

const PREFIX = 'whsec_';
/** 32 bytes: the HMAC-SHA256 block-size-safe key length the spec recommends (24–64). */
const SECRET_BYTES = 32;

/** A fresh signing secret: `whsec_` + base64 of 32 random bytes. Shown once, then stored sealed. */
export function generateWebhookSecret(): string {
  return PREFIX + randomBytes(SECRET_BYTES).toString('base64');
}

/** What the API shows instead of the secret (contract: "whsec_…last4"). */
export function secretHint(secret: string): string {
  return `${PREFIX}…${secret.slice(-4)}`;
}

export interface SignDeliveryInput {
  /** The delivery's webhook-id: the same on every attempt, so receivers can deduplicate. */
  messageId: string;
  /** This attempt's time; it is part of what is signed, so each attempt is signed afresh. */
  timestamp: Date;
  /** The exact bytes that will be POSTed. */
  body: string;
  /** The current secret first, then the one rotated out while its grace period lasts. */
  secrets: string[];
}

/**
 * The three Standard Webhooks headers for one attempt. With two secrets (a rotation's grace
 * period) webhook-signature carries both signatures, space-separated, so receivers holding
 * either secret verify it. No Webhook object is cached: decoding a 32-byte key is cheap next to
 * the HMAC, and a cache would keep plaintext secrets alive in the heap.
 */
export function signDelivery({ messageId, timestamp, body, secrets }: SignDeliveryInput): Record<string, string> {
  // An invariant, not input: the delivery worker always passes the webhook's current secret.
  if (secrets.length === 0) throw new Error('signDelivery needs at least one secret');
  return {
    'webhook-id': messageId,
    'webhook-timestamp': String(Math.floor(timestamp.getTime() / 1000)),
    'webhook-signature': secrets.map((secret) => new Webhook(secret).sign(messageId, timestamp, body)).join(' '),
  };
}
