import { registerEnumType } from 'type-graphql';

export enum Severity {
  INFO = 'INFO',
  WARNING = 'WARNING',
  ERROR = 'ERROR',
  CRITICAL = 'CRITICAL',
}
registerEnumType(Severity, { name: 'Severity' });
