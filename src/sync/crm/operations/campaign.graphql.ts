import { conventionalOperations, CrmOperations } from './crm-operations';

/** Campaign, owned by the Marketing cloud, whose schema follows the clouds' conventions (crm-operations.ts). */
export const campaignOperations: CrmOperations = conventionalOperations('campaign');
