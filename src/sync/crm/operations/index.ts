import { accountOperations } from './account.graphql';
import { contactOperations } from './contact.graphql';
import type { CrmOperations } from './crm-operations';
import { invoiceOperations } from './invoice.graphql';
import { opportunityOperations } from './opportunity.graphql';

/** The gateway documents for each CRM object, by the object's name in crm-objects.ts. */
export const CRM_OPERATIONS: Record<string, CrmOperations> = {
  account: accountOperations,
  contact: contactOperations,
  invoice: invoiceOperations,
  opportunity: opportunityOperations,
};
