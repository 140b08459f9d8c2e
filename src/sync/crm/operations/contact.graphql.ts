import { conventionalOperations, CrmOperations } from './crm-operations';

/** Contact, owned by the Sales cloud, whose schema follows the clouds' conventions (crm-operations.ts). */
export const contactOperations: CrmOperations = conventionalOperations('contact');
