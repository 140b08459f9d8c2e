import { InitialSchema1764201600000 } from './1764201600000-initial-schema';
import { ProviderRateBudget1764288000000 } from './1764288000000-provider-rate-budget';
import { CrmRecord1764374400000 } from './1764374400000-crm-record';
import { SyncRunProgress1764460800000 } from './1764460800000-sync-run-progress';
import { WebhookOutbox1764547200000 } from './1764547200000-webhook-outbox';
import { SyncRunSeen1764633600000 } from './1764633600000-sync-run-seen';
import { ExternalLinkSyncPath1764640800000 } from './1764640800000-external-link-sync-path';
import { ApiKeyRateWindow1764720000000 } from './1764720000000-api-key-rate-window';
import { IntegrationAlert1764806400000 } from './1764806400000-integration-alert';
import { ExternalLinkConfigIndex1764892800000 } from './1764892800000-external-link-config-index';
import { ConnectionProviderAccount1764979200000 } from './1764979200000-connection-provider-account';
import { SyncMatchOn1765090000000 } from './1765090000000-sync-match-on';
import { ExternalLinkAccountKey1765180000000 } from './1765180000000-external-link-account-key';
import { PendingReference1765260000000 } from './1765260000000-pending-reference';
import { ExternalLinkSourceVersion1765270000000 } from './1765270000000-external-link-source-version';
import { Automations1765400000000 } from './1765400000000-automations';
import { ActivityParticipants1765500000000 } from './1765500000000-activity-participants';
import { TrackedEmail1765510000000 } from './1765510000000-tracked-email';
import { StoredDocuments1765520000000 } from './1765520000000-stored-documents';
import { MappingSuggestionLog1765600000000 } from './1765600000000-mapping-suggestion-log';

/** In order; imported rather than globbed so tests and the built service load the same list. */
export const migrations = [
  InitialSchema1764201600000,
  ProviderRateBudget1764288000000,
  CrmRecord1764374400000,
  SyncRunProgress1764460800000,
  WebhookOutbox1764547200000,
  SyncRunSeen1764633600000,
  ExternalLinkSyncPath1764640800000,
  ApiKeyRateWindow1764720000000,
  IntegrationAlert1764806400000,
  ExternalLinkConfigIndex1764892800000,
  ConnectionProviderAccount1764979200000,
  SyncMatchOn1765090000000,
  ExternalLinkAccountKey1765180000000,
  PendingReference1765260000000,
  ExternalLinkSourceVersion1765270000000,
  Automations1765400000000,
  ActivityParticipants1765500000000,
  TrackedEmail1765510000000,
  StoredDocuments1765520000000,
  MappingSuggestionLog1765600000000,
];
