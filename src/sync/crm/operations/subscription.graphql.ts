import { conventionalOperations, CrmOperations } from './crm-operations';

/** Subscription, owned by the Revenue cloud, whose schema follows the clouds' conventions (crm-operations.ts). */
export const subscriptionOperations: CrmOperations = conventionalOperations('subscription');
