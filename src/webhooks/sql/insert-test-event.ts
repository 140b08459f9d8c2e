import type { Queryable } from '../../db/sql/queryable';
import type { IntegrationEventEntity } from '../integration-event.entity';

/**
 * A webhook.test event, inserted straight (not through the outbox's fan-out: it is delivered to
 * one subscription only). Returns what its delivery is built from.
 */
export async function insertTestEvent(db: Queryable, organizationId: string, data: Record<string, unknown>): Promise<IntegrationEventEntity> {
  const [event]: IntegrationEventEntity[] = await db.query(
    `INSERT INTO integration_event (organization_id, type, source, data) VALUES ($1, 'webhook.test', 'hotcrm', $2::jsonb)
         RETURNING id, type, data, occurred_at AS "occurredAt"`,
    [organizationId, JSON.stringify(data)],
  );
  return event;
}
