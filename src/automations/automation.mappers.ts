import { RetryPolicy } from '../webhooks/webhook.enums';
import { AutomationRunEntity } from './automation-run.entity';
import { AutomationEntity } from './automation.entity';
import { AutomationRunStatus } from './automation.enums';
import { Automation, AutomationRun } from './automation.type';

// Stored rows to GraphQL types for automations; a run's lease and uncertainty marks stay inside.

export function toAutomation(row: AutomationEntity): Automation {
  return Object.assign(new Automation(), {
    id: row.id,
    name: row.name,
    eventTypes: row.eventTypes,
    filters: row.filters ?? null,
    action: row.action,
    inputTemplate: row.inputTemplate,
    isActive: row.isActive,
    retryPolicy: row.retryPolicy as RetryPolicy,
    maxRetries: row.maxRetries,
    lastTriggeredAt: row.lastTriggeredAt,
    connectionId: row.connectionId,
    organizationId: row.organizationId,
  });
}

export function toAutomationRun(row: AutomationRunEntity): AutomationRun {
  return Object.assign(new AutomationRun(), {
    id: row.id,
    status: row.status as AutomationRunStatus,
    attemptCount: row.attemptCount,
    input: row.input ?? null,
    result: row.result ?? null,
    error: row.error,
    createdAt: row.createdAt,
    completedAt: row.completedAt,
    automationId: row.automationId,
    eventId: row.eventId,
    organizationId: row.organizationId,
  });
}
