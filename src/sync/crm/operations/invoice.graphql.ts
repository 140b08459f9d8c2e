import { camelFields, CrmOperations, recordSelection } from './crm-operations';

/** Invoice, owned by the Revenue cloud. */
const fields = camelFields([
  'invoice_number',
  'account_id',
  'total_amount',
  'amount_paid',
  'balance_due',
  'currency_code',
  'status',
  'invoice_date',
  'due_date',
  'paid_date',
]);
const record = recordSelection(fields);

export const invoiceOperations: CrmOperations = {
  fields,
  byIds: `query CrmInvoicesByIds($ids: [ID!]!) { records: invoicesByIds(ids: $ids) { ${record} } }`,
  changedSince: `query CrmInvoicesChangedSince($after: ChangeCursorInput, $first: Int!) {
    records: invoicesChangedSince(after: $after, first: $first) { ${record} }
  }`,
  create: `mutation CrmCreateInvoices($input: [InvoiceCreateInput!]!) { records: createInvoices(input: $input) { id } }`,
  update: `mutation CrmUpdateInvoices($input: [InvoiceUpdateInput!]!) { records: updateInvoices(input: $input) { id } }`,
  matching: `query CrmInvoicesMatching($lookups: [CrmMatchLookupInput!]!) {
    matches: invoicesMatching(lookups: $lookups) { field value id }
  }`,
  delete: `mutation CrmDeleteInvoices($ids: [ID!]!) { count: deleteInvoices(ids: $ids) }`,
};
