import { accountOperations } from './account.graphql';
import { campaignMemberOperations } from './campaign-member.graphql';
import { campaignOperations } from './campaign.graphql';
import { caseOperations } from './case.graphql';
import { contactOperations } from './contact.graphql';
import { employeeOperations } from './employee.graphql';
import { invoiceOperations } from './invoice.graphql';
import { leadOperations } from './lead.graphql';
import { opportunityOperations } from './opportunity.graphql';
import { subscriptionOperations } from './subscription.graphql';
import type { CrmOperations } from './crm-operations';

/**
 * The gateway documents for each CRM object a cloud owns, by the object's name in crm-objects.ts
 * (the objects without `gateway` names, contract and activity, stay in the built-in store).
 */
export const CRM_OPERATIONS: Record<string, CrmOperations> = {
  account: accountOperations,
  contact: contactOperations,
  opportunity: opportunityOperations,
  invoice: invoiceOperations,
  lead: leadOperations,
  subscription: subscriptionOperations,
  case: caseOperations,
  campaign: campaignOperations,
  campaign_member: campaignMemberOperations,
  employee: employeeOperations,
};
