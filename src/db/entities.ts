import { ApiKeyUsageEntity } from '../apikeys/api-key-usage.entity';
import { ApiKeyEntity } from '../apikeys/api-key.entity';
import { ConnectionEntity } from '../connections/connection.entity';
import { OAuthClientEntity } from '../connections/oauth-client.entity';
import { OAuthStateEntity } from '../connections/oauth-state.entity';
import { ConnectorEntity } from '../connectors/connector.entity';
import { ExternalLinkEntity } from '../sync/external-link.entity';
import { FieldMappingEntity } from '../sync/field-mapping.entity';
import { SyncConfigEntity } from '../sync/sync-config.entity';
import { SyncConflictEntity } from '../sync/sync-conflict.entity';
import { SyncLogEntity } from '../sync/sync-log.entity';
import { SyncRunEntity } from '../sync/sync-run.entity';
import { IntegrationEventEntity } from '../webhooks/integration-event.entity';
import { WebhookAttemptEntity } from '../webhooks/webhook-attempt.entity';
import { WebhookDeliveryEntity } from '../webhooks/webhook-delivery.entity';
import { WebhookSubscriptionEntity } from '../webhooks/webhook-subscription.entity';

/** Every table's entity; each capability owns its own, this list only registers them. */
export const entities = [
  ConnectorEntity,
  ConnectionEntity,
  OAuthClientEntity,
  OAuthStateEntity,
  FieldMappingEntity,
  SyncConfigEntity,
  SyncRunEntity,
  SyncLogEntity,
  ExternalLinkEntity,
  SyncConflictEntity,
  WebhookSubscriptionEntity,
  IntegrationEventEntity,
  WebhookDeliveryEntity,
  WebhookAttemptEntity,
  ApiKeyEntity,
  ApiKeyUsageEntity,
];
