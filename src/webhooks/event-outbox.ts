import type PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import type { DataSource, EntityManager } from 'typeorm';
import type { EventFanOut } from '../events/event-fan-out';
import type { EventRecorder, NewIntegrationEvent } from '../events/event-recorder';
import { bossExecutor } from '../jobs/boss-executor';
import { CHANGES_CHANNEL } from '../realtime/change-notice';
import { IntegrationEventEntity } from './integration-event.entity';
import { findEventByIdempotencyKey } from './sql/find-event-by-idempotency-key';
import { insertDeliveries } from './sql/insert-deliveries';
import { insertEvent } from './sql/insert-event';
import { matchingSubscriptions, RECEIVING_STATUSES } from './subscription-matcher';
import { deliveryJobs } from './webhook-delivery.job';
import { newMessageId, webhookBody } from './webhook-message';

export type { NewIntegrationEvent };

export interface RecordedEvent {
  event: IntegrationEventEntity;
  /** false when the idempotency key had been used: the stored event, no second fan-out. */
  created: boolean;
  deliveryCount: number;
}

type CommittedListener = (organizationId: string, event: IntegrationEventEntity) => void;

/**
 * The transactional outbox (DESIGN.md): an event, its webhook deliveries, their pg-boss jobs and
 * the NOTIFY for dashboards commit in one transaction, the caller's when it passes one, so an
 * event is never lost after its cause committed and never announced when its cause rolled back.
 */
export class EventOutbox implements EventRecorder {
  private readonly listeners = new Set<CommittedListener>();
  private readonly fanOuts: EventFanOut[] = [];

  constructor(
    private readonly db: DataSource,
    private readonly boss: PgBoss,
    private readonly log: Logger,
  ) {}

  async record(organizationId: string, input: NewIntegrationEvent, manager?: EntityManager): Promise<RecordedEvent> {
    const result = manager ? await this.recordIn(manager, organizationId, input) : await this.db.transaction((tx) => this.recordIn(tx, organizationId, input));
    // Inside a caller's transaction the commit is theirs: they announce it (see `announce`).
    if (!manager && result.created) this.announce(organizationId, result.event);
    return result;
  }

  /** Tells in-process listeners (realtime sync triggers) about an event that has committed. */
  announce(organizationId: string, event: IntegrationEventEntity): void {
    for (const listener of this.listeners) {
      try {
        listener(organizationId, event);
      } catch (error) {
        this.log.warn({ err: (error as Error).message, eventType: event.type }, 'event listener failed');
      }
    }
  }

  /** Work queued in every new event's transaction beside its deliveries (automation runs). */
  addFanOut(fanOut: EventFanOut): void {
    this.fanOuts.push(fanOut);
  }

  onCommitted(listener: CommittedListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private async recordIn(tx: EntityManager, organizationId: string, input: NewIntegrationEvent): Promise<RecordedEvent> {
    // One statement: the event, and the subscriptions that may want it.
    const inserted = await insertEvent(tx, organizationId, input, RECEIVING_STATUSES);
    if (!inserted.length) {
      const existing = await findEventByIdempotencyKey(tx, organizationId, input.source, input.idempotencyKey);
      const { delivery_count: deliveryCount, ...event } = existing;
      return { event: event as IntegrationEventEntity, created: false, deliveryCount };
    }
    const { candidates, ...event } = inserted[0];
    const subscriptionIds = matchingSubscriptions(candidates, event);
    const deliveryCount = subscriptionIds.length ? await this.insertDeliveries(tx, organizationId, event, subscriptionIds) : 0;
    for (const fanOut of this.fanOuts) await fanOut.fanOut(tx, organizationId, event);
    return { event, created: true, deliveryCount };
  }

  /** Deliveries of `event` to exactly these subscriptions (the test webhook uses it for one). */
  async insertDeliveries(tx: EntityManager, organizationId: string, event: IntegrationEventEntity, subscriptionIds: string[]): Promise<number> {
    const body = webhookBody(event);
    // The deliveries and their NOTIFYs (sent on commit) in one statement, then their jobs.
    const deliveries = await insertDeliveries(
      tx,
      organizationId,
      event,
      body,
      subscriptionIds,
      subscriptionIds.map(() => newMessageId()),
      CHANGES_CHANNEL,
    );
    await this.boss.insert(deliveryJobs(deliveries.map((d) => ({ deliveryId: d.id, attempt: 1 }))), { db: bossExecutor(tx) });
    return deliveries.length;
  }
}
