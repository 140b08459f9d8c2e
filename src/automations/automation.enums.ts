import { registerEnumType } from 'type-graphql';

export enum AutomationRunStatus {
  PENDING = 'PENDING',
  RUNNING = 'RUNNING',
  SUCCEEDED = 'SUCCEEDED',
  FAILED = 'FAILED',
  SKIPPED = 'SKIPPED',
}
registerEnumType(AutomationRunStatus, { name: 'AutomationRunStatus' });
