import type PgBoss from 'pg-boss';
import type { DataSource, EntityManager } from 'typeorm';
import { isUuid } from '../db/paginate';
import { BadUserInputError, ConflictError, NotFoundError } from '../errors';
import { bossExecutor } from '../jobs/boss-executor';
import { PgPubSub } from '../realtime/pg-pubsub';
import type { EventOutbox } from './event-outbox';
import { IntegrationEventEntity } from './integration-event.entity';
import { WebhookDeliveryEntity } from './webhook-delivery.entity';
import { deliveryJobs } from './webhook-delivery.job';
import { WebhookSubscriptionEntity } from './webhook-subscription.entity';
import { WebhookStatus } from './webhook.enums';

/** Replays re-queue at most this many deliveries per call; a larger window is a second call. */
const MAX_REPLAY = 10_000;
const SENDABLE = new Set<string>([WebhookStatus.ACTIVE, WebhookStatus.FAILED]);

/**
 * Sending again: one delivery now (retry), every delivery of a time window (replay), or a test
 * event. A re-send keeps the delivery's webhook-id, so a receiver that already processed it can
 * tell; attempts continue the delivery's numbering.
 */
export class WebhookDeliveryService {
  constructor(
    private readonly db: DataSource,
    private readonly boss: PgBoss,
    private readonly outbox: EventOutbox,
  ) {}

  async retry(organizationId: string, id: string): Promise<WebhookDeliveryEntity> {
    return this.db.transaction(async (tx) => {
      const delivery = isUuid(id)
        ? await tx.getRepository(WebhookDeliveryEntity).findOne({ where: { organizationId, id }, lock: { mode: 'pessimistic_write' } })
        : null;
      if (!delivery) throw new NotFoundError('WebhookDelivery', id);
      await this.sendableSubscription(tx, organizationId, delivery.subscriptionId);
      await this.requeue(tx, organizationId, [delivery.id]);
      return tx.getRepository(WebhookDeliveryEntity).findOneOrFail({ where: { organizationId, id } });
    });
  }

  async replay(organizationId: string, subscriptionId: string, since: Date, until?: Date | null): Promise<number> {
    if (until && until <= since) throw new BadUserInputError('until must be after since', 'until');
    return this.db.transaction(async (tx) => {
      await this.sendableSubscription(tx, organizationId, subscriptionId);
      const rows: { id: string }[] = await tx.query(
        `SELECT id FROM webhook_delivery
          WHERE organization_id = $1 AND subscription_id = $2 AND created_at >= $3 AND ($4::timestamptz IS NULL OR created_at < $4)
          ORDER BY created_at, id LIMIT $5 FOR UPDATE`,
        [organizationId, subscriptionId, since, until ?? null, MAX_REPLAY],
      );
      await this.requeue(
        tx,
        organizationId,
        rows.map((r) => r.id),
      );
      return rows.length;
    });
  }

  /** A webhook.test event delivered to this subscription only (it fans out nowhere else). */
  async sendTest(organizationId: string, subscriptionId: string): Promise<WebhookDeliveryEntity> {
    return this.db.transaction(async (tx) => {
      const subscription = await this.sendableSubscription(tx, organizationId, subscriptionId);
      const [event]: IntegrationEventEntity[] = await tx.query(
        `INSERT INTO integration_event (organization_id, type, source, data) VALUES ($1, 'webhook.test', 'hotcrm', $2::jsonb)
         RETURNING id, type, data, occurred_at AS "occurredAt"`,
        [organizationId, JSON.stringify({ subscriptionId: subscription.id, message: 'A test event from HotCRM Integration' })],
      );
      await this.outbox.insertDeliveries(tx, organizationId, event, [subscription.id]);
      return tx.getRepository(WebhookDeliveryEntity).findOneOrFail({ where: { organizationId, eventId: event.id } });
    });
  }

  private async sendableSubscription(tx: EntityManager, organizationId: string, id: string): Promise<WebhookSubscriptionEntity> {
    const row = isUuid(id) ? await tx.getRepository(WebhookSubscriptionEntity).findOne({ where: { organizationId, id } }) : null;
    if (!row) throw new NotFoundError('WebhookSubscription', id);
    if (!SENDABLE.has(row.status)) throw new ConflictError(`WebhookSubscription ${id} is ${row.status}: set its status to ACTIVE first`);
    return row;
  }

  /** Back to PENDING with a job for the next attempt number (any job still waiting for an older number becomes a no-op). */
  private async requeue(tx: EntityManager, organizationId: string, ids: string[]): Promise<void> {
    if (!ids.length) return;
    // TypeORM answers an UPDATE ... RETURNING with [rows, affected].
    const [rows]: [{ id: string; subscription_id: string; attempt_count: number }[], number] = await tx.query(
      `UPDATE webhook_delivery SET status = 'PENDING', next_attempt_at = now(), updated_at = now()
        WHERE organization_id = $1 AND id = ANY($2::uuid[]) RETURNING id, subscription_id, attempt_count`,
      [organizationId, ids],
    );
    await this.boss.insert(deliveryJobs(rows.map((r) => ({ deliveryId: r.id, attempt: r.attempt_count + 1 }))), { db: bossExecutor(tx) });
    for (const r of rows) await PgPubSub.notify(tx, { topic: 'webhook_delivery', organizationId, id: r.id, parentId: r.subscription_id });
  }
}
