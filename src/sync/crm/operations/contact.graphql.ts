import { camelFields, CrmOperations, recordSelection } from './crm-operations';

/** Contact, owned by the Sales cloud. */
const fields = camelFields([
  'first_name',
  'last_name',
  'email',
  'phone',
  'mobile_phone',
  'title',
  'department',
  'account_id',
  'mailing_street',
  'mailing_city',
  'mailing_state',
  'mailing_postal_code',
  'mailing_country',
  'birthdate',
  'lead_source',
]);
const record = recordSelection(fields);

export const contactOperations: CrmOperations = {
  fields,
  byIds: `query CrmContactsByIds($ids: [ID!]!) { records: contactsByIds(ids: $ids) { ${record} } }`,
  changedSince: `query CrmContactsChangedSince($after: ChangeCursorInput, $first: Int!) {
    records: contactsChangedSince(after: $after, first: $first) { ${record} }
  }`,
  create: `mutation CrmCreateContacts($input: [ContactCreateInput!]!) { records: createContacts(input: $input) { id } }`,
  update: `mutation CrmUpdateContacts($input: [ContactUpdateInput!]!) { records: updateContacts(input: $input) { id } }`,
  matching: `query CrmContactsMatching($lookups: [CrmMatchLookupInput!]!) {
    matches: contactsMatching(lookups: $lookups) { field value id }
  }`,
  delete: `mutation CrmDeleteContacts($ids: [ID!]!) { count: deleteContacts(ids: $ids) }`,
};
