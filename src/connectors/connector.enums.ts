import { registerEnumType } from 'type-graphql';

export enum AuthType {
  OAUTH2 = 'OAUTH2',
  API_KEY = 'API_KEY',
  BASIC = 'BASIC',
  TOKEN = 'TOKEN',
  NONE = 'NONE',
}
registerEnumType(AuthType, { name: 'AuthType' });

export enum ConnectorType {
  REST_API = 'REST_API',
  GRAPHQL = 'GRAPHQL',
  SOAP = 'SOAP',
  DATABASE = 'DATABASE',
  FILE = 'FILE',
}
registerEnumType(ConnectorType, { name: 'ConnectorType' });

export enum ConnectorCategory {
  PAYMENT = 'PAYMENT',
  ACCOUNTING = 'ACCOUNTING',
  E_SIGNATURE = 'E_SIGNATURE',
  MESSAGING = 'MESSAGING',
  EMAIL = 'EMAIL',
  SOCIAL = 'SOCIAL',
  CRM = 'CRM',
  MARKETING = 'MARKETING',
  STORAGE = 'STORAGE',
  OTHER = 'OTHER',
}
registerEnumType(ConnectorCategory, { name: 'ConnectorCategory' });

export enum ConnectorStatus {
  ACTIVE = 'ACTIVE',
  INACTIVE = 'INACTIVE',
  ERROR = 'ERROR',
}
registerEnumType(ConnectorStatus, { name: 'ConnectorStatus' });

export enum FieldType {
  STRING = 'STRING',
  NUMBER = 'NUMBER',
  INTEGER = 'INTEGER',
  BOOLEAN = 'BOOLEAN',
  DATE = 'DATE',
  DATETIME = 'DATETIME',
  EMAIL = 'EMAIL',
  PHONE = 'PHONE',
  URL = 'URL',
  CURRENCY = 'CURRENCY',
  ENUM = 'ENUM',
  OBJECT = 'OBJECT',
  ARRAY = 'ARRAY',
}
registerEnumType(FieldType, { name: 'FieldType' });
