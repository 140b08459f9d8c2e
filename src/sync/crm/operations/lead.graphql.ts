import { conventionalOperations, CrmOperations } from './crm-operations';

/** Lead, owned by the Sales cloud, whose schema follows the clouds' conventions (crm-operations.ts). */
export const leadOperations: CrmOperations = conventionalOperations('lead');
