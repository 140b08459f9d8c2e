import { effectiveMatchOn } from './crm/match-on';
import type { LinkRow } from './external-link.queries';
import { ExternalLink } from './external-link.type';
import { FieldMappingEntity } from './field-mapping.entity';
import { FieldMapping } from './field-mapping.type';
import { SyncConfigEntity } from './sync-config.entity';
import { SyncConfig } from './sync-config.type';
import { SyncConflictEntity } from './sync-conflict.entity';
import { SyncConflict } from './sync-conflict.type';
import { SyncLogEntity } from './sync-log.entity';
import { SyncLogEntry, SyncRun } from './sync-run.type';
import { SyncRunEntity } from './sync-run.entity';
import { ConflictResolution, ExternalLinkStatus, SyncConflictStatus, SyncDirection, SyncMode, SyncRunStatus, SyncTrigger, TransformType } from './sync.enums';

// Stored rows to GraphQL types for the sync capability; each copies the public columns only.

export function toFieldMapping(row: FieldMappingEntity): FieldMapping {
  return Object.assign(new FieldMapping(), {
    id: row.id,
    name: row.name,
    sourceObject: row.sourceObject,
    targetObject: row.targetObject,
    isTemplate: row.isTemplate,
    rules: row.rules.map((rule) => ({
      sourceField: rule.sourceField,
      targetField: rule.targetField,
      transform: rule.transform ? { type: rule.transform.type as TransformType, params: rule.transform.params ?? null } : null,
      defaultValue: rule.defaultValue ?? null,
    })),
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    organizationId: row.organizationId,
  });
}

export function toSyncConfig(row: SyncConfigEntity): SyncConfig {
  return Object.assign(new SyncConfig(), {
    id: row.id,
    name: row.name,
    sourceObject: row.sourceObject,
    targetObject: row.targetObject,
    direction: row.direction as SyncDirection,
    frequency: row.frequency,
    conflictResolution: row.conflictResolution as ConflictResolution,
    isActive: row.isActive,
    lastSyncAt: row.lastSyncAt,
    nextSyncAt: row.nextSyncAt,
    cursor: row.cursor ?? null,
    matchOn: effectiveMatchOn(row.targetObject, row.matchOn),
    connectionId: row.connectionId,
    fieldMappingId: row.fieldMappingId,
    organizationId: row.organizationId,
  });
}

export function toSyncRun(row: SyncRunEntity): SyncRun {
  return Object.assign(new SyncRun(), {
    id: row.id,
    status: row.status as SyncRunStatus,
    trigger: row.trigger as SyncTrigger,
    mode: row.mode as SyncMode,
    startedAt: row.startedAt,
    completedAt: row.completedAt,
    durationMs: row.durationMs,
    recordsProcessed: row.recordsProcessed,
    recordsCreated: row.recordsCreated,
    recordsUpdated: row.recordsUpdated,
    recordsDeleted: row.recordsDeleted,
    recordsFailed: row.recordsFailed,
    recordsMatched: row.recordsMatched ?? 0,
    conflicts: row.conflicts,
    errorDetails: row.errorDetails,
    syncConfigId: row.syncConfigId,
    organizationId: row.organizationId,
  });
}

export function toSyncLogEntry(row: SyncLogEntity): SyncLogEntry {
  return Object.assign(new SyncLogEntry(), { at: row.at, level: row.level, message: row.message, code: row.code, externalId: row.externalId });
}

export function toSyncConflict(row: SyncConflictEntity): SyncConflict {
  return Object.assign(new SyncConflict(), {
    id: row.id,
    externalId: row.externalId,
    internalId: row.internalId,
    field: row.field,
    baseValue: row.baseValue ?? null,
    sourceValue: row.sourceValue ?? null,
    targetValue: row.targetValue ?? null,
    status: row.status as SyncConflictStatus,
    resolvedValue: row.resolvedValue ?? null,
    createdAt: row.createdAt,
    resolvedAt: row.resolvedAt,
    syncConfigId: row.syncConfigId,
    organizationId: row.organizationId,
  });
}

export function toExternalLink(row: LinkRow): ExternalLink {
  return Object.assign(new ExternalLink(), {
    id: row.id,
    provider: row.provider,
    internalObject: row.internalObject,
    internalId: row.internalId,
    externalObject: row.externalObject,
    externalId: row.externalId,
    status: row.status as ExternalLinkStatus,
    lastSyncedData: row.lastSyncedData,
    lastSyncedAt: row.lastSyncedAt,
    connectionId: row.connectionId,
    syncConfigId: row.syncConfigId,
    organizationId: row.organizationId,
  });
}
