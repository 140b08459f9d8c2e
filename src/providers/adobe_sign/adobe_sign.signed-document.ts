import { fileNameOf, type SignedDocumentSource } from '../../connectors/signed-document';
import { epochMs } from '../../connectors/event-change';

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * AgreementInfo.status values after which nothing is left to do (Acrobat Sign REST v6
 * AgreementStatus): signed, approved, accepted, form-filled or delivered, by the workflow's kind.
 */
const COMPLETED = new Set(['SIGNED', 'APPROVED', 'ACCEPTED', 'FORM_FILLED', 'DELIVERED']);

/**
 * A completed Acrobat Sign agreement's PDF: GET /agreements/{agreementId}/combinedDocument
 * (REST v6 agreements.getCombinedDocument, application/pdf: every document of the agreement
 * in one file; secure.na1.adobesign.com/public/docs/restapi/v6#!/agreements). Webhooks announce
 * completion as AGREEMENT_WORKFLOW_COMPLETED with the agreement in the payload's `agreement`
 * (opensource.adobe.com/acrobat-sign/acrobat_sign_events/webhookagreementevents.html).
 */
export const adobeSignSignedDocuments: SignedDocumentSource = {
  object: 'agreements',

  completedStatus: 'SIGNED',

  isCompleted: (status) => typeof status === 'string' && COMPLETED.has(status.toUpperCase()),

  completedBy(event) {
    if (event.type !== 'AGREEMENT_WORKFLOW_COMPLETED' || !isObject(event.data)) return null;
    const agreement = isObject(event.data.agreement) ? event.data.agreement : {};
    return typeof agreement.id === 'string' && agreement.id ? agreement.id : event.recordId;
  },

  completedAt(event) {
    const at = epochMs(isObject(event.data) ? event.data.eventDate : null);
    return at === null ? event.occurredAt : new Date(at);
  },

  async download(call, agreementId, maxBytes) {
    const path = `/agreements/${encodeURIComponent(agreementId)}`;
    const { body: agreement } = await call.request<{ name?: unknown } | null>({ method: 'GET', path });
    const { body } = await call.request<Buffer>({
      method: 'GET',
      path: `${path}/combinedDocument`,
      headers: { accept: 'application/pdf' },
      binary: { maxBytes },
    });
    return { name: fileNameOf(agreement?.name, `agreement-${agreementId}`), contentType: 'application/pdf', bytes: body };
  },
};
