import { conventionalOperations, CrmOperations } from './crm-operations';

/** Opportunity, owned by the Sales cloud, whose schema follows the clouds' conventions (crm-operations.ts). */
export const opportunityOperations: CrmOperations = conventionalOperations('opportunity');
