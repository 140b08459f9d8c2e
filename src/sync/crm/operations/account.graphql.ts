import { camelFields, CrmOperations, recordSelection } from './crm-operations';

/** Account, owned by the Sales cloud. */
const fields = camelFields([
  'name',
  'account_number',
  'type',
  'industry',
  'annual_revenue',
  'number_of_employees',
  'phone',
  'fax',
  'website',
  'email',
  'description',
  'billing_street',
  'billing_city',
  'billing_state',
  'billing_postal_code',
  'billing_country',
  'shipping_street',
  'shipping_city',
  'shipping_state',
  'shipping_postal_code',
  'shipping_country',
  'currency_code',
]);
const record = recordSelection(fields);

export const accountOperations: CrmOperations = {
  fields,
  byIds: `query CrmAccountsByIds($ids: [ID!]!) { records: accountsByIds(ids: $ids) { ${record} } }`,
  changedSince: `query CrmAccountsChangedSince($after: ChangeCursorInput, $first: Int!) {
    records: accountsChangedSince(after: $after, first: $first) { ${record} }
  }`,
  create: `mutation CrmCreateAccounts($input: [AccountCreateInput!]!) { records: createAccounts(input: $input) { id } }`,
  update: `mutation CrmUpdateAccounts($input: [AccountUpdateInput!]!) { records: updateAccounts(input: $input) { id } }`,
  matching: `query CrmAccountsMatching($lookups: [CrmMatchLookupInput!]!) {
    matches: accountsMatching(lookups: $lookups) { field value id }
  }`,
  delete: `mutation CrmDeleteAccounts($ids: [ID!]!) { count: deleteAccounts(ids: $ids) }`,
};
