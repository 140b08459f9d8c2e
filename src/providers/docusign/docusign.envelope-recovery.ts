import type { CallResponse, ConnectorCall, ConnectorRecord, PreviousCall } from '../../connectors/connector.handler';
import { ProviderError } from '../../connectors/http/provider-error';
import { accountPath } from './docusign.account';

/** The envelope custom field that marks an envelope an automation run sent; its value is the run's key. */
export const RUN_CUSTOM_FIELD = 'hotcrm_automation_run';
/** How far before the attempt's start the lookup reaches: DocuSign's clock is its own. */
const CLOCK_SLACK_MS = 60_000;

/**
 * With an idempotency key (an automation run), the envelope carries it as a hidden text custom
 * field (envelopeDefinition.customFields.textCustomFields, show "false": recipients never see
 * it), which Envelopes: listStatusChanges can search for.
 */
export function withRunMarker<T extends Record<string, unknown>>(definition: T, idempotencyKey: string | undefined): T {
  if (!idempotencyKey) return definition;
  return { ...definition, customFields: { textCustomFields: [{ name: RUN_CUSTOM_FIELD, value: idempotencyKey, show: 'false', required: 'false' }] } };
}

/**
 * Whether sendEnvelope / sendEnvelopeFromTemplate with this key took effect at or after `since`:
 * GET …/envelopes?from_date=…&custom_field=hotcrm_automation_run=<key> (Envelopes:
 * listStatusChanges, "custom_field: the envelope custom field name and value searched for",
 * developers.docusign.com/docs/esign-rest-api/reference/envelopes/envelopes/liststatuschanges).
 * Found, the result has the envelope summary's fields, as the send would have returned them.
 */
export async function findSentEnvelope(call: ConnectorCall, _input: Record<string, unknown>, key: string, since: Date): Promise<PreviousCall> {
  try {
    const response: CallResponse<{ envelopes?: ConnectorRecord[] } | null> = await call.request({
      method: 'GET',
      path: `${accountPath(call)}/envelopes`,
      query: { from_date: new Date(since.getTime() - CLOCK_SLACK_MS).toISOString(), custom_field: `${RUN_CUSTOM_FIELD}=${key}`, count: 10 },
    });
    const [envelope] = response.body?.envelopes ?? [];
    if (!envelope) return { found: false };
    const { envelopeId, status, envelopeUri, statusChangedDateTime } = envelope;
    return { found: true, result: { envelopeId, status, uri: envelopeUri, statusDateTime: statusChangedDateTime } };
  } catch (error) {
    return { unknown: error instanceof ProviderError ? error.message : String(error) };
  }
}
