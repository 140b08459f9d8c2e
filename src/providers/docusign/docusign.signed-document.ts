import { fileNameOf, type SignedDocumentSource } from '../../connectors/signed-document';
import { epochMs } from '../../connectors/event-change';
import { accountPath } from './docusign.account';

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * A completed DocuSign envelope's PDF: EnvelopeDocuments: get with documentId `combined`
 * (GET /v2.1/accounts/{accountId}/envelopes/{envelopeId}/documents/combined, answered as
 * application/pdf: every document of the envelope in one PDF;
 * developers.docusign.com/docs/esign-rest-api/reference/envelopes/envelopedocuments/get). The
 * envelope is "completed" once every recipient has signed (Envelopes: status); Connect announces
 * it as `envelope-completed` with data.envelopeId (JSON SIM messages, docusign.verifier.ts).
 */
export const docusignSignedDocuments: SignedDocumentSource = {
  object: 'envelopes',

  completedStatus: 'completed',

  isCompleted: (status) => typeof status === 'string' && status.toLowerCase() === 'completed',

  completedBy(event) {
    if (event.type !== 'envelope-completed' || !isObject(event.data)) return null;
    const data = isObject(event.data.data) ? event.data.data : {};
    return typeof data.envelopeId === 'string' && data.envelopeId ? data.envelopeId : event.recordId;
  },

  completedAt(event) {
    const data = isObject(event.data) && isObject(event.data.data) ? event.data.data : {};
    const summary = isObject(data.envelopeSummary) ? data.envelopeSummary : {};
    const at = epochMs(summary.completedDateTime) ?? epochMs(isObject(event.data) ? event.data.generatedDateTime : null);
    return at === null ? event.occurredAt : new Date(at);
  },

  async download(call, envelopeId, maxBytes) {
    const path = `${accountPath(call)}/envelopes/${encodeURIComponent(envelopeId)}`;
    // The subject names the file; the combined PDF itself carries no name.
    const { body: envelope } = await call.request<{ emailSubject?: unknown } | null>({ method: 'GET', path });
    const { body } = await call.request<Buffer>({
      method: 'GET',
      path: `${path}/documents/combined`,
      headers: { accept: 'application/pdf' },
      binary: { maxBytes },
    });
    // Always served back as a PDF: a provider's other content type (text/html) is never echoed onto this origin.
    return { name: fileNameOf(envelope?.emailSubject, `envelope-${envelopeId}`), contentType: 'application/pdf', bytes: body };
  },
};
