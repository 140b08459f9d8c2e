import type { EntityManager } from 'typeorm';
import { PgPubSub } from '../realtime/pg-pubsub';
import type { Outcome } from './delivery-outcome';
import { advanceDeliveries } from './sql/advance-deliveries';
import { failUnsendableDeliveries } from './sql/fail-unsendable-deliveries';
import { insertAttempts } from './sql/insert-attempts';
import { DeliveryToSend, loadDeliveriesToSend } from './sql/load-deliveries-to-send';
import { notifyDeliveryUpdates } from './sql/notify-delivery-updates';
import { disableSubscription, markSubscriptionFailing, markSubscriptionHealthy } from './sql/update-subscription-health';
import type { SendResult } from './webhook-sender';

export type { DeliveryToSend };

export interface AttemptRecord {
  delivery: DeliveryToSend;
  attemptNumber: number;
  at: Date;
  result: SendResult;
  outcome: Outcome;
}

export function loadDeliveries(db: EntityManager, ids: string[]): Promise<DeliveryToSend[]> {
  return loadDeliveriesToSend(db, ids);
}

/**
 * Records a batch of attempts in one transaction: the attempt rows, each delivery's new state,
 * the subscriptions' health (FAILED while failing, back to ACTIVE on a success, DISABLED after a
 * 410 or five days of failures) and one NOTIFY per delivery for webhookDeliveryUpdated.
 * A delivery already past this attempt (a concurrent duplicate job) is left as it is.
 */
export async function recordAttempts(tx: EntityManager, records: AttemptRecord[]): Promise<void> {
  if (!records.length) return;
  await insertAttempts(
    tx,
    records.map((r) => ({
      organizationId: r.delivery.organizationId,
      deliveryId: r.delivery.id,
      attemptNumber: r.attemptNumber,
      at: r.at,
      responseStatus: r.result.status,
      responseBody: r.result.body,
      durationMs: Math.round(r.result.durationMs),
      error: r.result.error,
    })),
  );
  await advanceDeliveries(
    tx,
    records.map((r) => ({
      id: r.delivery.id,
      status: r.outcome.status,
      attempt: r.attemptNumber,
      nextAttemptAt: r.outcome.nextAttemptAt,
      deliveredAt: r.outcome.deliveredAt,
    })),
  );
  // lastTriggeredAt moves here, once per batch, not in the publishing transaction: there every
  // concurrent publisher would queue on the subscription's row lock.
  for (const [subscriptionId, last] of lastPerSubscription(records)) await updateHealth(tx, subscriptionId, last);
  await notifyDeliveryUpdates(
    tx,
    records.map((r) => r.delivery),
  );
}

/** Deliveries that cannot be sent (their subscription was paused or disabled) end FAILED without an attempt. */
export async function failUnsendable(tx: EntityManager, deliveries: DeliveryToSend[]): Promise<void> {
  if (!deliveries.length) return;
  await failUnsendableDeliveries(
    tx,
    deliveries.map((d) => d.id),
  );
  for (const d of deliveries) await PgPubSub.notify(tx, { topic: 'webhook_delivery', organizationId: d.organizationId, id: d.id, parentId: d.subscriptionId });
}

function lastPerSubscription(records: AttemptRecord[]): Map<string, AttemptRecord> {
  const last = new Map<string, AttemptRecord>();
  for (const r of records) {
    const seen = last.get(r.delivery.subscriptionId);
    // A 410 anywhere in the batch disables, whatever came after it.
    if (!seen || !seen.outcome.disableReason) last.set(r.delivery.subscriptionId, r);
  }
  return last;
}

async function updateHealth(tx: EntityManager, subscriptionId: string, last: AttemptRecord): Promise<void> {
  if (last.outcome.disableReason) await disableSubscription(tx, subscriptionId, last.outcome.disableReason, last.at);
  else if (last.result.ok) await markSubscriptionHealthy(tx, subscriptionId, last.at);
  else await markSubscriptionFailing(tx, subscriptionId, last.at);
}
