import type PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import type { DataSource, EntityManager } from 'typeorm';
import type { EventRecorder, NewIntegrationEvent } from '../events/event-recorder';
import { bossExecutor } from '../jobs/boss-executor';
import { CHANGES_CHANNEL } from '../realtime/change-notice';
import { IntegrationEventEntity } from './integration-event.entity';
import { CANDIDATES_SQL, CandidateSubscription, matchingSubscriptions, RECEIVING_STATUSES } from './subscription-matcher';
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

  onCommitted(listener: CommittedListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private async recordIn(tx: EntityManager, organizationId: string, input: NewIntegrationEvent): Promise<RecordedEvent> {
    // One statement: the event, and the subscriptions that may want it.
    const inserted: (IntegrationEventEntity & { candidates: CandidateSubscription[] })[] = await tx.query(
      `WITH e AS (
         INSERT INTO integration_event (organization_id, type, source, object_type, record_id, data, occurred_at, idempotency_key, connection_id)
         VALUES ($1, $2, $4, $5, $6, $7::jsonb, COALESCE($8, now()), $9, $10)
         ON CONFLICT (organization_id, source, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
         RETURNING ${EVENT_COLUMNS})
       SELECT e.*, ${CANDIDATES_SQL} AS candidates FROM e`,
      [
        organizationId,
        input.type,
        RECEIVING_STATUSES,
        input.source,
        input.objectType ?? null,
        input.recordId ?? null,
        JSON.stringify(input.data ?? {}),
        input.occurredAt ?? null,
        input.idempotencyKey ?? null,
        input.connectionId ?? null,
      ],
    );
    if (!inserted.length) {
      const [existing]: (IntegrationEventEntity & { delivery_count: number })[] = await tx.query(
        `SELECT ${EVENT_COLUMNS}, (SELECT count(*)::int FROM webhook_delivery d WHERE d.event_id = e.id) AS delivery_count
           FROM integration_event e WHERE organization_id = $1 AND source = $2 AND idempotency_key = $3`,
        [organizationId, input.source, input.idempotencyKey],
      );
      const { delivery_count: deliveryCount, ...event } = existing;
      return { event: event as IntegrationEventEntity, created: false, deliveryCount };
    }
    const { candidates, ...event } = inserted[0];
    const subscriptionIds = matchingSubscriptions(candidates, event);
    const deliveryCount = subscriptionIds.length ? await this.insertDeliveries(tx, organizationId, event, subscriptionIds) : 0;
    return { event, created: true, deliveryCount };
  }

  /** Deliveries of `event` to exactly these subscriptions (the test webhook uses it for one). */
  async insertDeliveries(tx: EntityManager, organizationId: string, event: IntegrationEventEntity, subscriptionIds: string[]): Promise<number> {
    const body = webhookBody(event);
    // The deliveries and their NOTIFYs (sent on commit) in one statement, then their jobs.
    const deliveries: { id: string }[] = await tx.query(
      `WITH d AS (
         INSERT INTO webhook_delivery (organization_id, subscription_id, event_id, message_id, event_type, payload, next_attempt_at)
         SELECT $1, s.id, $2, m.message_id, $3, $4::jsonb, now()
           FROM unnest($5::uuid[], $6::text[]) AS m(subscription_id, message_id)
           JOIN webhook_subscription s ON s.id = m.subscription_id AND s.organization_id = $1
         RETURNING id, subscription_id)
       SELECT d.id, pg_notify($7, json_build_object('topic', 'webhook_delivery', 'organizationId', $1::text, 'id', d.id, 'parentId', d.subscription_id)::text) FROM d`,
      [organizationId, event.id, event.type, JSON.stringify(body), subscriptionIds, subscriptionIds.map(() => newMessageId()), CHANGES_CHANNEL],
    );
    await this.boss.insert(deliveryJobs(deliveries.map((d) => ({ deliveryId: d.id, attempt: 1 }))), { db: bossExecutor(tx) });
    return deliveries.length;
  }
}

const EVENT_COLUMNS = `id, organization_id AS "organizationId", type, source, object_type AS "objectType", record_id AS "recordId", data,
  occurred_at AS "occurredAt", idempotency_key AS "idempotencyKey", connection_id AS "connectionId", created_at AS "createdAt"`;
