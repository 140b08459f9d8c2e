import type PgBoss from 'pg-boss';
import type { DataSource, EntityManager } from 'typeorm';
import { isUuid, Page, PageArgs, paginate } from '../db/paginate';
import { BadUserInputError, ConflictError, NotFoundError } from '../errors';
import { bossExecutor } from '../jobs/boss-executor';
import { PgPubSub } from '../realtime/pg-pubsub';
import type { EventOutbox } from './event-outbox';
import { insertTestEvent } from './sql/insert-test-event';
import { lockReplayDeliveries } from './sql/lock-replay-deliveries';
import { requeueDeliveries } from './sql/requeue-deliveries';
import { WebhookDeliveryEntity } from './webhook-delivery.entity';
import { deliveryJobs } from './webhook-delivery.job';
import { WebhookSubscriptionEntity } from './webhook-subscription.entity';
import { WebhookDeliveryStatus, WebhookStatus } from './webhook.enums';

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

  /** A subscription's deliveries, newest first, a page at a time, optionally of one status. */
  async listForSubscription(
    organizationId: string,
    subscriptionId: string,
    args: PageArgs,
    status?: WebhookDeliveryStatus | null,
  ): Promise<Page<WebhookDeliveryEntity>> {
    const qb = this.db
      .getRepository(WebhookDeliveryEntity)
      .createQueryBuilder('d')
      .where('d.organization_id = :org AND d.subscription_id = :subscriptionId', { org: organizationId, subscriptionId });
    if (status) qb.andWhere('d.status = :status', { status });
    return paginate(qb, args, { column: 'created_at', direction: 'DESC' });
  }

  /** The delivery, or null when absent or another organization's (a change notice's row). */
  find(organizationId: string, id: string): Promise<WebhookDeliveryEntity | null> {
    return this.db.getRepository(WebhookDeliveryEntity).findOne({ where: { id, organizationId } });
  }

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
      const ids = await lockReplayDeliveries(tx, organizationId, subscriptionId, since, until ?? null, MAX_REPLAY);
      await this.requeue(tx, organizationId, ids);
      return ids.length;
    });
  }

  /** A webhook.test event delivered to this subscription only (it fans out nowhere else). */
  async sendTest(organizationId: string, subscriptionId: string): Promise<WebhookDeliveryEntity> {
    return this.db.transaction(async (tx) => {
      const subscription = await this.sendableSubscription(tx, organizationId, subscriptionId);
      const event = await insertTestEvent(tx, organizationId, { subscriptionId: subscription.id, message: 'A test event from HotCRM Integration' });
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
    const rows = await requeueDeliveries(tx, organizationId, ids);
    await this.boss.insert(deliveryJobs(rows.map((r) => ({ deliveryId: r.id, attempt: r.attempt_count + 1 }))), { db: bossExecutor(tx) });
    for (const r of rows) await PgPubSub.notify(tx, { topic: 'webhook_delivery', organizationId, id: r.id, parentId: r.subscription_id });
  }
}
