import type { Queryable } from '../../db/sql/queryable';
import type { NewIntegrationEvent } from '../../events/event-recorder';
import type { CandidateSubscription } from '../subscription-matcher';

/** An event of a batch as inserted: what the fan-out needs besides the caller's input (matched back by idempotency key). */
export interface InsertedBatchEvent {
  id: string;
  idempotencyKey: string;
  occurredAt: Date;
  createdAt: Date;
}

export interface InsertedBatch {
  /** The events inserted; those whose idempotency key was used already are absent. */
  events: InsertedBatchEvent[];
  /** The subscriptions (of the receiving statuses) whose patterns may match one of the batch's types. */
  candidates: CandidateSubscription[];
}

/**
 * A batch of events in one statement (a sync page's record events: hundreds at once), and in the
 * same statement the subscriptions that may want any of them, each once: a subscription whose
 * patterns match none of the batch's types is not read at all. Every event carries an idempotency
 * key; a used one inserts nothing (ON CONFLICT DO NOTHING), so a retried batch fans out only what
 * is new. Parameters: $1 organization, $2 the events as a JSON array, $3 their distinct types, $4 statuses.
 */
export async function insertEvents(db: Queryable, organizationId: string, inputs: NewIntegrationEvent[], receivingStatuses: string[]): Promise<InsertedBatch> {
  const rows = inputs.map((input) => ({
    type: input.type,
    source: input.source,
    object_type: input.objectType ?? null,
    record_id: input.recordId ?? null,
    data: input.data ?? {},
    occurred_at: input.occurredAt ?? null,
    idempotency_key: input.idempotencyKey,
    connection_id: input.connectionId ?? null,
  }));
  const [result]: InsertedBatch[] = await db.query(
    `WITH e AS (
         INSERT INTO integration_event (organization_id, type, source, object_type, record_id, data, occurred_at, idempotency_key, connection_id)
         SELECT $1, x.type, x.source, x.object_type, x.record_id, x.data, COALESCE(x.occurred_at, now()), x.idempotency_key, x.connection_id
           FROM jsonb_to_recordset($2::jsonb) AS x(type text, source text, object_type text, record_id text, data jsonb,
                                                   occurred_at timestamptz, idempotency_key text, connection_id uuid)
         ON CONFLICT (organization_id, source, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
         RETURNING id, idempotency_key, occurred_at, created_at)
       SELECT (SELECT COALESCE(json_agg(json_build_object('id', e.id, 'idempotencyKey', e.idempotency_key, 'occurredAt', e.occurred_at, 'createdAt', e.created_at)), '[]'::json)
                 FROM e) AS events,
              (SELECT COALESCE(json_agg(json_build_object('id', s.id, 'eventTypes', s.event_types, 'filters', s.filters) ORDER BY s.created_at, s.id), '[]'::json)
                 FROM webhook_subscription s
                WHERE s.organization_id = $1 AND s.status = ANY($4::text[])
                  AND EXISTS (SELECT 1 FROM unnest(s.event_types) p, unnest($3::text[]) t
                               WHERE p = '*' OR p = t OR (p LIKE '%.*' AND starts_with(t, left(p, -1))))) AS candidates`,
    [organizationId, JSON.stringify(rows), [...new Set(inputs.map((i) => i.type))], receivingStatuses],
  );
  return result;
}
