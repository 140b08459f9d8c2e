import { FieldType } from '../../../connectors/connector.enums';
import { declare, f, ref, required } from './declare';

/** The Revenue cloud's objects. */
export const REVENUE_OBJECTS = [
  declare({
    name: 'invoice',
    label: 'Invoice',
    cloud: 'revenue',
    gateway: { type: 'Invoice', plural: 'Invoices' },
    defaultMatchOn: ['invoice_number'],
    fields: [
      required('invoice_number', FieldType.STRING),
      ref('account_id', 'account'),
      f('total_amount', FieldType.CURRENCY),
      f('amount_paid', FieldType.CURRENCY),
      f('balance_due', FieldType.CURRENCY),
      f('currency_code', FieldType.STRING),
      f('status', FieldType.ENUM),
      f('invoice_date', FieldType.DATE),
      f('due_date', FieldType.DATE),
      f('paid_date', FieldType.DATE),
    ],
  }),
  declare({
    name: 'subscription',
    label: 'Subscription',
    cloud: 'revenue',
    gateway: { type: 'Subscription', plural: 'Subscriptions' },
    fields: [
      ref('account_id', 'account'),
      f('plan_name', FieldType.STRING),
      f('status', FieldType.ENUM),
      f('quantity', FieldType.INTEGER),
      f('amount', FieldType.CURRENCY),
      f('currency_code', FieldType.STRING),
      f('interval', FieldType.ENUM),
      f('current_period_start', FieldType.DATETIME),
      f('current_period_end', FieldType.DATETIME),
      f('canceled_at', FieldType.DATETIME),
    ],
  }),
];
