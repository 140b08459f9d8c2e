import type { EventChangeReader } from '../../connectors/event-change';
import { epochMs } from '../../connectors/event-change';

/**
 * Connect messages (docusign.verifier.ts) name one envelope: envelope events (envelope-sent,
 * -delivered, -completed, -declined, -voided...) and recipient events (recipient-completed...)
 * both carry data.envelopeId, so a realtime sync of `envelopes` (into `contract`) reads that
 * envelope and keeps its status on the CRM record. The SIM message carries the envelope only when
 * "include envelope data" is on, so it is read by id rather than trusted. Template events name no
 * envelope. A purged envelope still exists (status and metadata stay), so nothing deletes.
 * https://developers.docusign.com/platform/webhooks/connect/json-sim-event-model/
 */
export const docusignEventChange: EventChangeReader = {
  read(event) {
    if (event.objectType !== 'envelope' || !event.recordId || !event.occurredAt) return null;
    if (!event.type.startsWith('envelope-') && !event.type.startsWith('recipient-')) return null;
    return { externalObject: 'envelopes', externalId: event.recordId, version: event.occurredAt.getTime(), deleted: false };
  },
  versionOf(record) {
    return epochMs(record.statusChangedDateTime) ?? epochMs(record.lastModifiedDateTime);
  },
};
