import { registerEnumType } from 'type-graphql';

export enum WebhookStatus {
  ACTIVE = 'ACTIVE',
  INACTIVE = 'INACTIVE',
  FAILED = 'FAILED',
  DISABLED = 'DISABLED',
}
registerEnumType(WebhookStatus, { name: 'WebhookStatus' });

export enum RetryPolicy {
  NONE = 'NONE',
  FIXED = 'FIXED',
  LINEAR = 'LINEAR',
  EXPONENTIAL = 'EXPONENTIAL',
}
registerEnumType(RetryPolicy, { name: 'RetryPolicy' });

export enum WebhookDeliveryStatus {
  PENDING = 'PENDING',
  RETRYING = 'RETRYING',
  SUCCESS = 'SUCCESS',
  FAILED = 'FAILED',
}
registerEnumType(WebhookDeliveryStatus, { name: 'WebhookDeliveryStatus' });
