import type { EventChangeReader } from '../../connectors/event-change';

/**
 * Acrobat Sign agreement webhooks (adobe_sign.verifier.ts: eventResourceType `agreement`,
 * AGREEMENT_CREATED, AGREEMENT_ACTION_COMPLETED, AGREEMENT_WORKFLOW_COMPLETED,
 * AGREEMENT_RECALLED, AGREEMENT_REJECTED, AGREEMENT_EXPIRED...) name one agreement, so a realtime
 * sync of `agreements` (into `contract`) reads it and keeps its status on the CRM record. The
 * payload's agreement is partial unless the webhook asks for AgreementInfo, so it is read by id.
 * AGREEMENT_DELETED hides the agreement from its sender's lists: the link is deleted.
 * https://opensource.adobe.com/acrobat-sign/acrobat_sign_events/webhookeventsagreements.html
 */
export const adobeSignEventChange: EventChangeReader = {
  read(event) {
    if (event.objectType !== 'agreement' || !event.recordId || !event.occurredAt) return null;
    if (!event.type.startsWith('AGREEMENT_')) return null;
    return { externalObject: 'agreements', externalId: event.recordId, version: event.occurredAt.getTime(), deleted: event.type === 'AGREEMENT_DELETED' };
  },
};
