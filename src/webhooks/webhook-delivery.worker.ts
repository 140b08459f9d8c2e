import type PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import type { CredentialsVault } from '../connections/credentials-vault';
import type { Metrics } from '../http/metrics';
import { bossExecutor } from '../jobs/boss-executor';
import { decideOutcome } from './delivery-outcome';
import { DeliveryJobData, deliveryJobs } from './webhook-delivery.job';
import { AttemptRecord, DeliveryToSend, failUnsendable, loadDeliveries, recordAttempts } from './webhook-delivery.repository';
import { signDelivery } from './webhook-signer';
import type { WebhookSender } from './webhook-sender';
import { WebhookDeliveryStatus, WebhookStatus } from './webhook.enums';

export interface DeliverySettings {
  allowPrivateTargets: boolean;
  /** WEBHOOK_RETRY_SCALE: shrinks the retry schedule in tests. */
  retryScale: number;
}

const SENDABLE = new Set<string>([WebhookStatus.ACTIVE, WebhookStatus.FAILED]);
const OWED = new Set<string>([WebhookDeliveryStatus.PENDING, WebhookDeliveryStatus.RETRYING]);

/**
 * Sends a batch of due deliveries concurrently, then records every attempt, the deliveries'
 * next states, the follow-up jobs of those that retry and their NOTIFYs in one transaction. A job
 * whose attempt already happened (a duplicate after a crash, or superseded by a manual retry) is
 * skipped, so a receiver sees each attempt once in the normal course and at least once always.
 */
export class WebhookDeliveryWorker {
  constructor(
    private readonly db: DataSource,
    private readonly boss: PgBoss,
    private readonly vault: CredentialsVault,
    private readonly sender: WebhookSender,
    private readonly settings: DeliverySettings,
    private readonly log: Logger,
    private readonly metrics?: Metrics,
  ) {}

  async deliver(jobs: DeliveryJobData[]): Promise<void> {
    const attemptOf = new Map(jobs.map((j) => [j.deliveryId, j.attempt]));
    const rows = await loadDeliveries(this.db.manager, [...attemptOf.keys()]);
    const current = rows.filter((d) => OWED.has(d.status) && d.attemptCount < (attemptOf.get(d.id) ?? 0));
    const unsendable = current.filter((d) => !SENDABLE.has(d.subscriptionStatus));
    const sendable = current.filter((d) => SENDABLE.has(d.subscriptionStatus));
    const records = await Promise.all(sendable.map((d) => this.attempt(d)));

    await this.db.transaction(async (tx) => {
      await recordAttempts(tx, records);
      await failUnsendable(tx, unsendable);
      const retries = records.filter((r) => r.outcome.status === WebhookDeliveryStatus.RETRYING);
      for (const r of retries) {
        await this.boss.insert(deliveryJobs([{ deliveryId: r.delivery.id, attempt: r.attemptNumber + 1 }], r.outcome.nextAttemptAt!), { db: bossExecutor(tx) });
      }
    });
    for (const r of records) this.metrics?.deliveryAttempted({ status: r.outcome.status, responseStatus: r.result.status, durationMs: r.result.durationMs });
  }

  private async attempt(delivery: DeliveryToSend): Promise<AttemptRecord> {
    const attemptNumber = delivery.attemptCount + 1;
    const at = new Date();
    const body = JSON.stringify(delivery.payload);
    const headers = signDelivery({ messageId: delivery.messageId, timestamp: at, body, secrets: this.secretsOf(delivery, at) });
    const result = await this.sender.send({ url: delivery.targetUrl, headers, body, allowPrivateTargets: this.settings.allowPrivateTargets });
    if (!result.ok) this.log.debug({ deliveryId: delivery.id, attemptNumber, status: result.status, err: result.error }, 'webhook attempt failed');
    const outcome = decideOutcome(
      { retryPolicy: delivery.retryPolicy, maxRetries: delivery.maxRetries, attemptNumber },
      result,
      new Date(),
      this.settings.retryScale,
    );
    return { delivery, attemptNumber, at, result, outcome };
  }

  /** The current secret, and during a rotation's grace period the previous one (two signatures). */
  private secretsOf(delivery: DeliveryToSend, at: Date): string[] {
    const secrets = [this.vault.open<string>(delivery.secretSealed)];
    if (delivery.previousSecretSealed && delivery.previousSecretExpiresAt && new Date(delivery.previousSecretExpiresAt) > at) {
      secrets.push(this.vault.open<string>(delivery.previousSecretSealed));
    }
    return secrets;
  }
}
