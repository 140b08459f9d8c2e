import { conventionalOperations, CrmOperations } from './crm-operations';

/** Employee, owned by the HR cloud, whose schema follows the clouds' conventions (crm-operations.ts). */
export const employeeOperations: CrmOperations = conventionalOperations('employee');
