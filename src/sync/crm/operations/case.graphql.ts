import { conventionalOperations, CrmOperations } from './crm-operations';

/** Case, owned by the Service cloud, whose schema follows the clouds' conventions (crm-operations.ts). */
export const caseOperations: CrmOperations = conventionalOperations('case');
