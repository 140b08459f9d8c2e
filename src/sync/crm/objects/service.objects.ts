import { FieldType } from '../../../connectors/connector.enums';
import { declare, f, ref, required } from './declare';

/** The Service cloud's objects. */
export const SERVICE_OBJECTS = [
  declare({
    name: 'case',
    label: 'Case',
    cloud: 'service',
    gateway: { type: 'Case', plural: 'Cases' },
    fields: [
      f('case_number', FieldType.STRING),
      required('subject', FieldType.STRING),
      f('description', FieldType.STRING),
      f('status', FieldType.ENUM),
      f('priority', FieldType.ENUM),
      f('origin', FieldType.ENUM),
      f('type', FieldType.ENUM),
      ref('account_id', 'account'),
      ref('contact_id', 'contact'),
      f('closed_date', FieldType.DATETIME),
    ],
  }),
];
