import { IntegrationEventEntity } from './integration-event.entity';
import { IntegrationEvent } from './integration-event.type';
import { WebhookAttemptEntity } from './webhook-attempt.entity';
import { WebhookDeliveryEntity } from './webhook-delivery.entity';
import { WebhookAttempt, WebhookDelivery } from './webhook-delivery.type';
import { WebhookSubscriptionEntity } from './webhook-subscription.entity';
import { WebhookSubscription } from './webhook-subscription.type';
import { RetryPolicy, WebhookDeliveryStatus, WebhookStatus } from './webhook.enums';

// Stored rows to GraphQL types for webhooks; secrets (current and previous) are never copied.

export function toWebhookSubscription(row: WebhookSubscriptionEntity): WebhookSubscription {
  return Object.assign(new WebhookSubscription(), {
    id: row.id,
    name: row.name,
    eventTypes: row.eventTypes,
    targetUrl: row.targetUrl,
    status: row.status as WebhookStatus,
    retryPolicy: row.retryPolicy as RetryPolicy,
    maxRetries: row.maxRetries,
    filters: row.filters ?? null,
    secretHint: row.secretHint,
    lastTriggeredAt: row.lastTriggeredAt,
    disabledReason: row.disabledReason,
    createdAt: row.createdAt,
    organizationId: row.organizationId,
  });
}

export function toWebhookDelivery(row: WebhookDeliveryEntity): WebhookDelivery {
  return Object.assign(new WebhookDelivery(), {
    id: row.id,
    messageId: row.messageId,
    eventId: row.eventId,
    eventType: row.eventType,
    payload: row.payload,
    status: row.status as WebhookDeliveryStatus,
    attemptCount: row.attemptCount,
    nextAttemptAt: row.nextAttemptAt,
    deliveredAt: row.deliveredAt,
    createdAt: row.createdAt,
    subscriptionId: row.subscriptionId,
    organizationId: row.organizationId,
  });
}

export function toWebhookAttempt(row: WebhookAttemptEntity): WebhookAttempt {
  return Object.assign(new WebhookAttempt(), {
    attemptNumber: row.attemptNumber,
    at: row.at,
    responseStatus: row.responseStatus,
    responseBody: row.responseBody,
    durationMs: row.durationMs,
    error: row.error,
  });
}

export function toIntegrationEvent(row: IntegrationEventEntity): IntegrationEvent {
  return Object.assign(new IntegrationEvent(), {
    id: row.id,
    type: row.type,
    source: row.source,
    objectType: row.objectType,
    recordId: row.recordId,
    data: row.data,
    occurredAt: row.occurredAt,
    organizationId: row.organizationId,
  });
}
