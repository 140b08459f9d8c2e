import { conventionalOperations, CrmOperations } from './crm-operations';

/** Campaign Member, owned by the Marketing cloud, whose schema follows the clouds' conventions (crm-operations.ts). */
export const campaignMemberOperations: CrmOperations = conventionalOperations('campaign_member');
