import { registerEnumType } from 'type-graphql';

export enum ConnectionStatus {
  PENDING_AUTH = 'PENDING_AUTH',
  CONNECTED = 'CONNECTED',
  DISCONNECTED = 'DISCONNECTED',
  EXPIRED = 'EXPIRED',
  ERROR = 'ERROR',
}
registerEnumType(ConnectionStatus, { name: 'ConnectionStatus' });
