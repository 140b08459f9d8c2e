import { conventionalOperations, CrmOperations } from './crm-operations';

/** Account, owned by the Sales cloud, whose schema follows the clouds' conventions (crm-operations.ts). */
export const accountOperations: CrmOperations = conventionalOperations('account');
