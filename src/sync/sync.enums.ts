import { registerEnumType } from 'type-graphql';

export enum TransformType {
  NONE = 'NONE',
  TRIM = 'TRIM',
  LOWERCASE = 'LOWERCASE',
  UPPERCASE = 'UPPERCASE',
  TO_STRING = 'TO_STRING',
  TO_NUMBER = 'TO_NUMBER',
  TO_BOOLEAN = 'TO_BOOLEAN',
  DATE_FORMAT = 'DATE_FORMAT',
  CENTS_TO_DECIMAL = 'CENTS_TO_DECIMAL',
  DECIMAL_TO_CENTS = 'DECIMAL_TO_CENTS',
  ENUM_MAP = 'ENUM_MAP',
  CONCAT = 'CONCAT',
  SPLIT = 'SPLIT',
  PHONE_E164 = 'PHONE_E164',
  DEFAULT = 'DEFAULT',
  REFERENCE = 'REFERENCE',
}
registerEnumType(TransformType, {
  name: 'TransformType',
  valuesConfig: {
    REFERENCE: {
      description:
        "{object}: the value is the id of an external record of that object on the same provider account (a Stripe invoice's customer); " +
        'inbound it becomes the id of the HotCRM record linked to it, outbound the reverse.',
    },
  },
});

export enum SyncDirection {
  INBOUND = 'INBOUND',
  OUTBOUND = 'OUTBOUND',
  BIDIRECTIONAL = 'BIDIRECTIONAL',
}
registerEnumType(SyncDirection, { name: 'SyncDirection' });

export enum ConflictResolution {
  LAST_WRITE_WINS = 'LAST_WRITE_WINS',
  SOURCE_WINS = 'SOURCE_WINS',
  TARGET_WINS = 'TARGET_WINS',
  MANUAL = 'MANUAL',
}
registerEnumType(ConflictResolution, {
  name: 'ConflictResolution',
  description: 'SOURCE is the external system, TARGET is HotCRM.',
});

export enum SyncMode {
  INCREMENTAL = 'INCREMENTAL',
  FULL = 'FULL',
}
registerEnumType(SyncMode, { name: 'SyncMode' });

export enum SyncRunStatus {
  QUEUED = 'QUEUED',
  RUNNING = 'RUNNING',
  COMPLETED = 'COMPLETED',
  FAILED = 'FAILED',
  CANCELLED = 'CANCELLED',
}
registerEnumType(SyncRunStatus, { name: 'SyncRunStatus' });

export enum SyncTrigger {
  MANUAL = 'MANUAL',
  SCHEDULE = 'SCHEDULE',
  WEBHOOK = 'WEBHOOK',
  RETRY = 'RETRY',
}
registerEnumType(SyncTrigger, { name: 'SyncTrigger' });

export enum SyncConflictStatus {
  OPEN = 'OPEN',
  RESOLVED = 'RESOLVED',
}
registerEnumType(SyncConflictStatus, { name: 'SyncConflictStatus' });

export enum ConflictChoice {
  KEEP_SOURCE = 'KEEP_SOURCE',
  KEEP_TARGET = 'KEEP_TARGET',
  CUSTOM = 'CUSTOM',
}
registerEnumType(ConflictChoice, { name: 'ConflictChoice' });

export enum ExternalLinkStatus {
  SYNCED = 'SYNCED',
  PENDING = 'PENDING',
  CONFLICT = 'CONFLICT',
  ERROR = 'ERROR',
  DELETED = 'DELETED',
}
registerEnumType(ExternalLinkStatus, { name: 'ExternalLinkStatus' });
