import { retryDelayMs } from './retry-schedule';
import type { SendResult } from './webhook-sender';
import { RetryPolicy, WebhookDeliveryStatus } from './webhook.enums';

/** The parts of a delivery and its subscription that decide what happens after an attempt. */
export interface AttemptedDelivery {
  retryPolicy: RetryPolicy;
  maxRetries: number;
  /** This attempt's number (1 = the first send). */
  attemptNumber: number;
}

export interface Outcome {
  status: WebhookDeliveryStatus;
  nextAttemptAt: Date | null;
  deliveredAt: Date | null;
  /** Set when the subscription must stop (a 410 Gone). */
  disableReason: string | null;
}

/** Statuses whose Retry-After the receiver may set instead of our schedule (DESIGN.md). */
const HONOURS_RETRY_AFTER = new Set([429, 503]);

/**
 * DESIGN.md's rules: a 2xx is success; 410 fails the delivery and disables the subscription; any
 * other answer or a network error is retried per the policy until maxRetries retries were spent,
 * after the schedule's delay or, on 429 and 503, the receiver's Retry-After.
 */
export function decideOutcome(delivery: AttemptedDelivery, result: SendResult, now: Date, scale: number): Outcome {
  if (result.ok) return { status: WebhookDeliveryStatus.SUCCESS, nextAttemptAt: null, deliveredAt: now, disableReason: null };
  if (result.status === 410) {
    return { status: WebhookDeliveryStatus.FAILED, nextAttemptAt: null, deliveredAt: null, disableReason: 'The target answered 410 Gone' };
  }
  const retryNumber = delivery.attemptNumber; // the retry that would come next: 1 after the first attempt
  const scheduled = retryNumber <= delivery.maxRetries ? retryDelayMs(delivery.retryPolicy, retryNumber, { scale }) : null;
  if (scheduled === null) return { status: WebhookDeliveryStatus.FAILED, nextAttemptAt: null, deliveredAt: null, disableReason: null };
  const requested = result.status !== null && HONOURS_RETRY_AFTER.has(result.status) ? result.retryAfterMs : null;
  const delay = requested ?? scheduled;
  return { status: WebhookDeliveryStatus.RETRYING, nextAttemptAt: new Date(now.getTime() + delay), deliveredAt: null, disableReason: null };
}
