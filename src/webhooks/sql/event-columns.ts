/** integration_event's columns under IntegrationEventEntity's property names. */
export const EVENT_COLUMNS = `id, organization_id AS "organizationId", type, source, object_type AS "objectType", record_id AS "recordId", data,
  occurred_at AS "occurredAt", idempotency_key AS "idempotencyKey", connection_id AS "connectionId", created_at AS "createdAt"`;
