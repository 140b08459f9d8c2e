/**
 * The seed's automation flows as createAutomation inputs (without connectionId), exactly as
 * docs/automations.md "Seed flows" shows them, and the events the other clouds publish for them.
 * Templates are Mustache over {event: {id, type, source, objectType, recordId, data, occurredAt}}.
 */
export interface SeedTargets {
  slackChannel: string;
  teamId: string;
  teamsChannelId: string;
  docusignTemplateId: string;
}

const CASE_LINK = 'https://crm.example/cases/{{event.recordId}}';

export function SEED_FLOWS(targets: SeedTargets) {
  return {
    slackHighPriorityCases: {
      name: 'High-priority cases to #support-escalations',
      eventTypes: ['case.created'],
      filters: [['priority', '=', 'High']],
      action: 'postMessage',
      inputTemplate: {
        channel: targets.slackChannel,
        text: `:rotating_light: High-priority case {{event.data.case_number}}: {{event.data.subject}} ({{event.data.account_name}}) <${CASE_LINK}|Open case>`,
        blocks: [
          {
            type: 'section',
            text: { type: 'mrkdwn', text: '*{{event.data.subject}}*\nAccount: {{event.data.account_name}} · Priority: {{event.data.priority}}' },
          },
          { type: 'actions', elements: [{ type: 'button', text: { type: 'plain_text', text: 'Open case' }, url: CASE_LINK }] },
        ],
        unfurl_links: false,
      },
      retryPolicy: 'EXPONENTIAL',
      maxRetries: 5,
    },
    teamsHighPriorityCases: {
      name: 'High-priority cases to the Support channel in Teams',
      eventTypes: ['case.created'],
      filters: [['priority', '=', 'High']],
      action: 'sendAdaptiveCard',
      inputTemplate: {
        teamId: targets.teamId,
        channelId: targets.teamsChannelId,
        summary: 'High-priority case {{event.data.case_number}}',
        card: {
          type: 'AdaptiveCard',
          version: '1.5',
          body: [
            { type: 'TextBlock', text: 'High-priority case {{event.data.case_number}}', weight: 'Bolder', size: 'Medium' },
            { type: 'TextBlock', text: '{{event.data.subject}}', wrap: true },
            {
              type: 'FactSet',
              facts: [
                { title: 'Account', value: '{{event.data.account_name}}' },
                { title: 'Priority', value: '{{event.data.priority}}' },
              ],
            },
          ],
          actions: [{ type: 'Action.OpenUrl', title: 'Open case', url: CASE_LINK }],
        },
      },
    },
    docusignWonDeals: {
      name: 'Order forms for won deals',
      eventTypes: ['opportunity.won'],
      action: 'sendEnvelopeFromTemplate',
      inputTemplate: {
        templateId: targets.docusignTemplateId,
        emailSubject: 'Order form for {{event.data.name}}',
        templateRoles: [
          {
            roleName: 'Customer',
            name: '{{event.data.contact_name}}',
            email: '{{event.data.contact_email}}',
            tabs: {
              textTabs: [
                { tabLabel: 'deal_name', value: '{{event.data.name}}' },
                { tabLabel: 'amount', value: '{{event.data.amount}} {{event.data.currency_code}}' },
              ],
            },
          },
        ],
      },
      // DocuSign's 4xx cannot succeed on a resend; 5xx and 429 are retried up to 3 times.
      maxRetries: 3,
    },
  };
}

let caseNumber = 1100;

/** publishEvent input for a case the Service cloud created (High unless said otherwise). */
export function caseCreated(fields: Record<string, unknown> & { recordId?: string } = {}) {
  const { recordId, ...data } = fields;
  const number = String(++caseNumber).padStart(8, '0');
  return {
    type: 'case.created',
    objectType: 'case',
    recordId: recordId ?? `case-${number}`,
    data: {
      case_number: number,
      subject: 'Cannot log in',
      status: 'New',
      priority: 'High',
      origin: 'Email',
      account_id: 'acc-1',
      account_name: 'ACME GmbH',
      ...data,
    },
  };
}

/** publishEvent input for a deal the Sales cloud marked won. */
export function opportunityWon(fields: Record<string, unknown> & { recordId?: string } = {}) {
  const { recordId, ...data } = fields;
  return {
    type: 'opportunity.won',
    objectType: 'opportunity',
    recordId: recordId ?? `opp-${++caseNumber}`,
    data: {
      name: 'ACME expansion',
      amount: 25000,
      currency_code: 'EUR',
      stage: 'Closed Won',
      account_id: 'acc-1',
      account_name: 'ACME GmbH',
      contact_name: 'Grace Hopper',
      contact_email: 'grace@acme.example',
      ...data,
    },
  };
}
