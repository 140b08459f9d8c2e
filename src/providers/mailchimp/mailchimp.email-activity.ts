import type { ConnectorCall, ConnectorRecord, ListPage } from '../../connectors/connector.handler';
import { countOf, listIdOf } from './mailchimp.api';

interface Activity {
  action?: string;
  type?: string;
  timestamp?: string;
  url?: string;
}

interface EmailActivity {
  campaign_id?: string;
  list_id?: string;
  email_id?: string;
  email_address?: string;
  activity?: Activity[];
}

/** Where a read of every campaign's responses stands: the campaign's index among those sent to the audience, and the offset in its report. */
interface Position {
  c: number;
  o: number;
}

function positionOf(cursor: string | null | undefined): Position {
  if (!cursor) return { c: 0, o: 0 };
  try {
    const p = JSON.parse(cursor) as Partial<Position>;
    return { c: Number.isInteger(p.c) ? p.c! : 0, o: Number.isInteger(p.o) ? p.o! : 0 };
  } catch {
    return { c: 0, o: 0 };
  }
}

const RESPONSES = new Set(['open', 'click']);

/**
 * One recipient of one campaign as a campaign_member: the report's row plus what the CRM wants
 * from its activity: `status` (clicked, opened, bounced or sent, the strongest response), `responded`
 * (opened or clicked) and `first_responded_at` (the earliest open or click). The id joins campaign
 * and subscriber hash: a member of two campaigns is two campaign members.
 */
export function campaignMemberOf(row: EmailActivity): ConnectorRecord {
  const activity = Array.isArray(row.activity) ? row.activity : [];
  const actions = new Set(activity.map((a) => a.action));
  const responses = activity.filter((a) => RESPONSES.has(String(a.action)) && a.timestamp).map((a) => String(a.timestamp));
  responses.sort((a, b) => Date.parse(a) - Date.parse(b));
  const status = actions.has('click') ? 'clicked' : actions.has('open') ? 'opened' : actions.has('bounce') ? 'bounced' : 'sent';
  return {
    id: `${row.campaign_id}:${row.email_id}`,
    campaign_id: row.campaign_id,
    list_id: row.list_id,
    email_id: row.email_id,
    email_address: row.email_address,
    status,
    responded: responses.length > 0,
    first_responded_at: responses[0] ?? null,
    opens: activity.filter((a) => a.action === 'open').length,
    clicks: activity.filter((a) => a.action === 'click').length,
    activity,
  };
}

/**
 * Campaign responses of the audience: for each campaign sent to config.listId, oldest first
 * (GET /campaigns?list_id&status=sent, sort_field=send_time), its email activity report
 * (GET /reports/{campaign_id}/email-activity, https://mailchimp.com/developer/marketing/api/email-activity-reports/list-email-activity/):
 * one row per recipient with every open, click and bounce, paged by count/offset with
 * total_items. This report rather than a member's activity feed because it is per campaign and
 * recipient (what a campaign_member is) and pages; the feed is per member, the last 50 events.
 */
export async function readCampaignResponses(call: ConnectorCall, cursor: string | null | undefined, pageSize: number | undefined): Promise<ListPage> {
  const listId = listIdOf(call);
  const at = positionOf(cursor);
  const campaigns = await call.request<{ campaigns?: { id: string }[]; total_items?: number }>({
    method: 'GET',
    path: '/campaigns',
    query: { list_id: listId, status: 'sent', sort_field: 'send_time', sort_dir: 'ASC', count: 1, offset: at.c, fields: 'campaigns.id,total_items' },
  });
  const campaign = campaigns.body.campaigns?.[0];
  if (!campaign) return { records: [], nextCursor: null };
  const count = countOf(pageSize);
  const report = await call.request<{ emails?: EmailActivity[]; total_items?: number }>({
    method: 'GET',
    path: `/reports/${encodeURIComponent(campaign.id)}/email-activity`,
    query: { count, offset: at.o },
  });
  const emails = report.body.emails ?? [];
  const records = emails.map((e) => campaignMemberOf({ ...e, campaign_id: e.campaign_id ?? campaign.id }));
  const reportDone = emails.length === 0 || at.o + emails.length >= Number(report.body.total_items ?? 0);
  const moreCampaigns = at.c + 1 < Number(campaigns.body.total_items ?? 0);
  const next: Position | null = !reportDone ? { c: at.c, o: at.o + emails.length } : moreCampaigns ? { c: at.c + 1, o: 0 } : null;
  return { records, nextCursor: next ? JSON.stringify(next) : null };
}
