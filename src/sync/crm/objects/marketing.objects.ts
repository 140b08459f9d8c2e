import { FieldType } from '../../../connectors/connector.enums';
import { declare, f, ref, required } from './declare';

/** The Marketing cloud's objects. */
export const MARKETING_OBJECTS = [
  declare({
    name: 'campaign',
    label: 'Campaign',
    cloud: 'marketing',
    gateway: { type: 'Campaign', plural: 'Campaigns' },
    fields: [
      required('name', FieldType.STRING),
      f('type', FieldType.ENUM),
      f('status', FieldType.ENUM),
      f('start_date', FieldType.DATE),
      f('end_date', FieldType.DATE),
    ],
  }),
  declare({
    name: 'campaign_member',
    label: 'Campaign Member',
    cloud: 'marketing',
    gateway: { type: 'CampaignMember', plural: 'CampaignMembers' },
    fields: [
      ref('campaign_id', 'campaign'),
      ref('contact_id', 'contact'),
      ref('lead_id', 'lead'),
      f('email', FieldType.EMAIL),
      f('status', FieldType.ENUM),
      f('responded', FieldType.BOOLEAN),
      f('first_responded_date', FieldType.DATE),
    ],
  }),
];
