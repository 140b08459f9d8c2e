import { FieldType } from '../../../connectors/connector.enums';
import { declare, f, required } from './declare';

/** The HR cloud's objects. */
export const HR_OBJECTS = [
  declare({
    name: 'employee',
    label: 'Employee',
    cloud: 'hr',
    gateway: { type: 'Employee', plural: 'Employees' },
    // An HRIS and HotCRM both know a person by their work email.
    defaultMatchOn: ['email'],
    fields: [
      f('first_name', FieldType.STRING),
      required('last_name', FieldType.STRING),
      f('email', FieldType.EMAIL),
      f('title', FieldType.STRING),
      f('department', FieldType.STRING),
      f('manager_email', FieldType.EMAIL),
      f('employment_type', FieldType.ENUM),
      f('status', FieldType.ENUM),
      f('start_date', FieldType.DATE),
      f('termination_date', FieldType.DATE),
      f('work_location', FieldType.STRING),
    ],
  }),
];
