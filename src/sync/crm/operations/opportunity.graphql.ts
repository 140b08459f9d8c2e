import { camelFields, CrmOperations, recordSelection } from './crm-operations';

/** Opportunity, owned by the Sales cloud. */
const fields = camelFields(['name', 'amount', 'currency_code', 'stage', 'probability', 'close_date', 'account_id']);
const record = recordSelection(fields);

export const opportunityOperations: CrmOperations = {
  fields,
  byIds: `query CrmOpportunitiesByIds($ids: [ID!]!) { records: opportunitiesByIds(ids: $ids) { ${record} } }`,
  changedSince: `query CrmOpportunitiesChangedSince($after: ChangeCursorInput, $first: Int!) {
    records: opportunitiesChangedSince(after: $after, first: $first) { ${record} }
  }`,
  create: `mutation CrmCreateOpportunities($input: [OpportunityCreateInput!]!) { records: createOpportunities(input: $input) { id } }`,
  update: `mutation CrmUpdateOpportunities($input: [OpportunityUpdateInput!]!) { records: updateOpportunities(input: $input) { id } }`,
  matching: `query CrmOpportunitiesMatching($lookups: [CrmMatchLookupInput!]!) {
    matches: opportunitiesMatching(lookups: $lookups) { field value id }
  }`,
  delete: `mutation CrmDeleteOpportunities($ids: [ID!]!) { count: deleteOpportunities(ids: $ids) }`,
};
