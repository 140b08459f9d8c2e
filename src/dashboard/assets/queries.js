// The operations the dashboard sends: all from the public contract, nothing private.

export const HEALTH = `query DashboardHealth { integrationHealth {
  connections connectionsInError activeSyncConfigs runningSyncs failedSyncRuns24h webhookDeliveries24h webhookFailures24h openConflicts } }`;

export const CONNECTIONS = `query DashboardConnections { connections(first: 50) { totalCount edges { node {
  id name status lastError lastUsedAt connector { key name } } } } }`;

export const SYNC_CONFIGS = `query DashboardSyncConfigs { syncConfigs(first: 50) { totalCount edges { node {
  id name direction frequency conflictResolution isActive lastSyncAt nextSyncAt connection { id name }
  lastRun { id status trigger mode startedAt completedAt durationMs recordsProcessed recordsCreated recordsUpdated recordsFailed conflicts errorDetails } } } } }`;

export const TROUBLESHOOT = `query DashboardTroubleshoot($id: ID!) { troubleshoot(syncConfigId: $id) {
  summary findings { severity code title explanation suggestedFix occurrences sample } } }`;

export const WEBHOOKS = `query DashboardWebhooks { webhookSubscriptions(first: 20) { totalCount edges { node {
  id name targetUrl status eventTypes retryPolicy lastTriggeredAt disabledReason
  succeeded: deliveries(first: 1, status: SUCCESS) { totalCount }
  failed: deliveries(first: 5, status: FAILED) { totalCount edges { node {
    id eventType attemptCount createdAt attempts { attemptNumber responseStatus error } } } } } } } }`;

export const CONFLICTS = `query DashboardConflicts { syncConflicts(first: 25, status: OPEN) { totalCount edges { node {
  id externalId internalId field baseValue sourceValue targetValue createdAt syncConfig { id name } } } } }`;

export const AUTOMATIONS = `query DashboardAutomations { automations(first: 20) { totalCount edges { node {
  id name eventTypes action isActive lastTriggeredAt connection { id name }
  recent: runs(first: 5) { totalCount edges { node { id status attemptCount error createdAt completedAt event { id type } } } }
  failed: runs(first: 1, status: FAILED) { totalCount } } } } }`;

export const TRIGGER = `mutation DashboardTrigger($id: ID!) { triggerSync(id: $id) { id status } }`;

export const RETRY = `mutation DashboardRetry($id: ID!) { retryWebhookDelivery(id: $id) { id status } }`;

export const RETRY_RUN = `mutation DashboardRetryRun($id: ID!) { retryAutomationRun(id: $id) { id status } }`;

export const RESOLVE = `mutation DashboardResolve($id: ID!, $choice: ConflictChoice!, $value: JSON) {
  resolveSyncConflict(id: $id, choice: $choice, value: $value) { id status resolvedValue } }`;

export const RUN_UPDATES = `subscription DashboardRuns { syncRunUpdated {
  id status trigger mode startedAt completedAt recordsProcessed recordsCreated recordsUpdated recordsFailed conflicts errorDetails syncConfig { id } } }`;

export const DELIVERY_UPDATES = `subscription DashboardDeliveries { webhookDeliveryUpdated { id status subscription { id } } }`;

export const AUTOMATION_RUN_UPDATES = `subscription DashboardAutomationRuns { automationRunUpdated { id status automation { id } } }`;

export const ALERTS = `subscription DashboardAlerts { integrationAlert {
  id severity code message syncConfigId connectionId webhookSubscriptionId at } }`;
