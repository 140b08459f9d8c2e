import { conventionalOperations, CrmOperations } from './crm-operations';

/** Invoice, owned by the Revenue cloud, whose schema follows the clouds' conventions (crm-operations.ts). */
export const invoiceOperations: CrmOperations = conventionalOperations('invoice');
