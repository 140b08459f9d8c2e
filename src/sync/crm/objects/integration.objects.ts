import { FieldType } from '../../../connectors/connector.enums';
import { declare, f, ref, required } from './declare';

/**
 * Objects no other cloud owns yet: the integration cloud keeps them in its own store (the
 * crm_record table), in gateway mode too, until their clouds own them (then they get `gateway`
 * names and move to that cloud's list). Hence no `gateway` here.
 */
export const INTEGRATION_OBJECTS = [
  declare({
    name: 'contract',
    label: 'Contract',
    cloud: 'integration',
    fields: [
      ref('account_id', 'account'),
      f('contract_number', FieldType.STRING),
      f('status', FieldType.ENUM),
      f('start_date', FieldType.DATE),
      f('end_date', FieldType.DATE),
      f('signed_date', FieldType.DATE),
      /** The e-signature connector that carried it (docusign, adobe_sign). */
      f('provider', FieldType.STRING),
      f('envelope_id', FieldType.STRING),
    ],
  }),
  declare({
    name: 'activity',
    label: 'Activity',
    cloud: 'integration',
    fields: [
      /** email, call, meeting, message... */
      required('kind', FieldType.ENUM),
      /** inbound or outbound. */
      required('direction', FieldType.ENUM),
      f('subject', FieldType.STRING),
      f('snippet', FieldType.STRING),
      /** Addresses, lowercased: the sender (the organizer of a meeting), the recipients (attendees), the copied. */
      f('from', FieldType.STRING),
      f('to', FieldType.ARRAY),
      f('cc', FieldType.ARRAY),
      /** Every address that takes part (from, to, cc), lowercased and distinct: what Contact.activities looks up. */
      f('participants', FieldType.ARRAY),
      f('occurred_at', FieldType.DATETIME),
      /** The HotCRM contacts among the participants when it was written (or when they appeared), and their accounts. */
      f('contact_ids', FieldType.ARRAY),
      f('account_ids', FieldType.ARRAY),
      /** Written only by open tracking, never by a sync (the upsert merges, so it survives re-syncs). */
      f('opened_at', FieldType.DATETIME),
      /** The connector that carried it (gmail, outlook) and its id there. */
      f('provider', FieldType.STRING),
      f('external_id', FieldType.STRING),
    ],
  }),
];
