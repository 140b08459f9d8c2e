import type { Queryable } from '../../db/sql/queryable';
import type { IntegrationEventEntity } from '../integration-event.entity';
import { EVENT_COLUMNS } from './event-columns';

/** The event an idempotency key already recorded (the insert just found it), with how many deliveries it fanned out to. */
export async function findEventByIdempotencyKey(
  db: Queryable,
  organizationId: string,
  source: string,
  idempotencyKey: string | null | undefined,
): Promise<IntegrationEventEntity & { delivery_count: number }> {
  const [existing]: (IntegrationEventEntity & { delivery_count: number })[] = await db.query(
    `SELECT ${EVENT_COLUMNS}, (SELECT count(*)::int FROM webhook_delivery d WHERE d.event_id = e.id) AS delivery_count
           FROM integration_event e WHERE organization_id = $1 AND source = $2 AND idempotency_key = $3`,
    [organizationId, source, idempotencyKey],
  );
  return existing;
}
