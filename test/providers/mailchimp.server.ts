import { createHash, randomBytes } from 'node:crypto';
import { ProviderRequest, ProviderServer, Reply } from './provider-server';

type Row = Record<string, any>;

export const md5 = (email: string) => createHash('md5').update(email.trim().toLowerCase()).digest('hex');

/** Mailchimp's problem document (https://mailchimp.com/developer/marketing/docs/errors/). */
export function problem(status: number, title: string, detail: string, errors?: { field: string; message: string }[]): Reply {
  return {
    status,
    headers: { 'content-type': 'application/problem+json; charset=utf-8' },
    body: {
      type: 'https://mailchimp.com/developer/marketing/docs/errors/',
      title,
      status,
      detail,
      instance: randomBytes(8).toString('hex'),
      ...(errors ? { errors } : {}),
    },
  };
}

const STATUSES = new Set(['subscribed', 'unsubscribed', 'cleaned', 'pending', 'transactional']);

/**
 * Mailchimp's Marketing API 3.0 as documented (https://mailchimp.com/developer/marketing/api/),
 * served under /<dc>/3.0 so a connection's config.baseUrl `<url>/{dc}/3.0` shows which data
 * center the key picked: HTTP Basic with any user and the key as password, the key refused (401
 * "API Key Invalid") when its -dc suffix is not the data center called; count (default 10, at
 * most 1000) and offset with total_items; PUT members/{subscriber_hash} as the upsert, refused
 * with 400 when the hash is not the MD5 of the lowercased email_address; status_if_new required
 * for a new member; errors as problem documents.
 */
export class MailchimpServer extends ProviderServer {
  readonly apiKey: string;
  readonly accountId = '8d3a3db4d97663a9074efcc16';
  readonly lists: Row[] = [];
  /** Members by list id, then subscriber hash. */
  readonly members = new Map<string, Map<string, Row>>();
  readonly campaigns: Row[] = [];
  /** Email activity report rows by campaign id. */
  readonly activity = new Map<string, Row[]>();
  /** Addresses permanently deleted (GDPR "forget"): the API may not add them back. */
  readonly forgotten = new Set<string>();

  constructor(readonly dc = 'us21') {
    super();
    this.apiKey = `${randomBytes(16).toString('hex')}-${dc}`;
    const at = (path: string) => new RegExp(`^/([a-z]{2}\\d+)/3\\.0${path}$`);
    this.on('GET', at('/?'), (req) =>
      this.authed(req, () => ({ body: { account_id: this.accountId, login_id: '139624', account_name: 'HotCRM Test Co', email: 'owner@example.com' } })),
    );
    this.on('GET', at('/ping'), (req) => this.authed(req, () => ({ body: { health_status: "Everything's Chimpy!" } })));
    this.on('GET', at('/lists'), (req) => this.authed(req, () => this.page(req, this.lists, 'lists')));
    this.on('GET', at('/lists/([^/]+)'), (req, [, id]) => this.authed(req, () => this.one(this.lists.find((l) => l.id === id))));
    this.on('GET', at('/lists/([^/]+)/members'), (req, [, id]) =>
      this.authed(req, () => this.withList(id, (m) => this.page(req, [...m.values()], 'members', { list_id: id }))),
    );
    this.on('GET', at('/lists/([^/]+)/members/([^/]+)'), (req, [, id, hash]) => this.authed(req, () => this.withList(id, (m) => this.one(m.get(hash)))));
    this.on('PUT', at('/lists/([^/]+)/members/([^/]+)'), (req, [, id, hash]) =>
      this.authed(req, () => this.withList(id, (m) => this.put(id, m, hash, req.body))),
    );
    this.on('PATCH', at('/lists/([^/]+)/members/([^/]+)'), (req, [, id, hash]) =>
      this.authed(req, () => this.withList(id, (m) => this.patch(id, m, hash, req.body))),
    );
    this.on('POST', at('/lists/([^/]+)/members/([^/]+)/tags'), (req, [, id, hash]) =>
      this.authed(req, () => this.withList(id, (m) => this.tag(m.get(hash), req.body))),
    );
    this.on('GET', at('/campaigns'), (req) => this.authed(req, () => this.campaignPage(req)));
    this.on('GET', at('/reports/([^/]+)/email-activity'), (req, [, id]) =>
      this.authed(req, () => {
        const rows = this.activity.get(id);
        return rows ? this.page(req, rows, 'emails', { campaign_id: id }) : problem(404, 'Resource Not Found', 'The requested resource could not be found.');
      }),
    );
  }

  addList(name: string): Row {
    const list = {
      id: randomBytes(5).toString('hex'),
      web_id: this.lists.length + 1,
      name,
      stats: { member_count: 0 },
      date_created: '2025-01-01T00:00:00+00:00',
    };
    this.lists.push(list);
    this.members.set(list.id, new Map());
    return list;
  }

  addMember(listId: string, email: string, merge: Row = {}, status = 'subscribed'): Row {
    const row = { id: md5(email), email_address: email, status, merge_fields: merge, list_id: listId, tags: [], last_changed: new Date().toISOString() };
    this.members.get(listId)!.set(row.id, row);
    return row;
  }

  addCampaign(listId: string, title: string, sendTime: string, rows: { email: string; actions: { action: string; timestamp: string }[] }[]): Row {
    const campaign = {
      id: randomBytes(5).toString('hex'),
      type: 'regular',
      status: 'sent',
      send_time: sendTime,
      settings: { title, subject_line: title },
      recipients: { list_id: listId },
    };
    this.campaigns.push(campaign);
    this.activity.set(
      campaign.id,
      rows.map((r) => ({
        campaign_id: campaign.id,
        list_id: listId,
        list_is_active: true,
        email_id: md5(r.email),
        email_address: r.email,
        activity: r.actions,
      })),
    );
    return campaign;
  }

  private authed(req: ProviderRequest, then: () => Reply): Reply {
    const match = /^Basic (.+)$/.exec(String(req.headers.authorization ?? ''));
    if (!match) return problem(401, 'API Key Missing', 'Your request did not include an API key.');
    const decoded = Buffer.from(match[1], 'base64').toString('utf8');
    const key = decoded.slice(decoded.indexOf(':') + 1);
    const calledDc = req.path.split('/')[1];
    if (key !== this.apiKey || !key.endsWith(`-${calledDc}`)) {
      return problem(401, 'API Key Invalid', "Your API key may be invalid, or you've attempted to access the wrong datacenter.");
    }
    return then();
  }

  private withList(id: string, then: (members: Map<string, Row>) => Reply): Reply {
    const members = this.members.get(id);
    return members ? then(members) : problem(404, 'Resource Not Found', 'The requested resource could not be found.');
  }

  private one(row: Row | undefined): Reply {
    return row ? { body: row } : problem(404, 'Resource Not Found', 'The requested resource could not be found.');
  }

  private page(req: ProviderRequest, rows: Row[], key: string, extra: Row = {}): Reply {
    const count = Number(req.query.get('count') ?? 10);
    const offset = Number(req.query.get('offset') ?? 0);
    if (!Number.isInteger(count) || count < 1 || count > 1000) return problem(400, 'Invalid Resource', 'count must be between 1 and 1000');
    return { body: { [key]: rows.slice(offset, offset + count), ...extra, total_items: rows.length } };
  }

  private campaignPage(req: ProviderRequest): Reply {
    const listId = req.query.get('list_id');
    const status = req.query.get('status');
    let rows = this.campaigns.filter((c) => (!listId || c.recipients.list_id === listId) && (!status || c.status === status));
    if (req.query.get('sort_field') === 'send_time') rows = [...rows].sort((a, b) => Date.parse(a.send_time) - Date.parse(b.send_time));
    if (req.query.get('sort_dir') === 'DESC') rows.reverse();
    return this.page(req, rows, 'campaigns');
  }

  private put(listId: string, members: Map<string, Row>, hash: string, body: Row): Reply {
    const email = typeof body.email_address === 'string' ? body.email_address : '';
    if (!email)
      return problem(400, 'Invalid Resource', 'The resource submitted could not be validated.', [
        { field: 'email_address', message: 'This value should not be blank.' },
      ]);
    if (md5(email) !== hash)
      return problem(400, 'Invalid Resource', 'The subscriber hash does not match the email address: it must be the MD5 of the lowercase email.');
    const existing = members.get(hash);
    if (!existing && this.forgotten.has(email.trim().toLowerCase())) {
      return problem(
        400,
        'Forgotten Email Not Subscribed',
        `${email} was permanently deleted and cannot be re-imported. The contact must re-subscribe to get back on the list.`,
      );
    }
    if (!existing && !STATUSES.has(body.status ?? body.status_if_new)) {
      return problem(400, 'Invalid Resource', 'The resource submitted could not be validated.', [
        { field: 'status_if_new', message: 'Data presented is not one of the accepted values.' },
      ]);
    }
    if ('tags' in body)
      return problem(400, 'Invalid Resource', 'The resource submitted could not be validated.', [{ field: 'tags', message: 'Tags are not accepted here.' }]);
    const { status_if_new, merge_fields, ...rest } = body;
    const row: Row = existing ?? { id: hash, list_id: listId, status: status_if_new, tags: [], merge_fields: {} };
    Object.assign(row, rest, { merge_fields: { ...row.merge_fields, ...merge_fields }, last_changed: new Date().toISOString() });
    members.set(hash, row);
    return { body: row };
  }

  private patch(listId: string, members: Map<string, Row>, hash: string, body: Row): Reply {
    const row = members.get(hash);
    if (!row) return problem(404, 'Resource Not Found', 'The requested resource could not be found.');
    const { merge_fields, ...rest } = body;
    Object.assign(row, rest, { merge_fields: { ...row.merge_fields, ...merge_fields }, last_changed: new Date().toISOString() });
    if (rest.email_address && md5(rest.email_address) !== hash) {
      members.delete(hash);
      row.id = md5(rest.email_address);
      members.set(row.id, row);
    }
    return { body: { ...row, list_id: listId } };
  }

  private tag(row: Row | undefined, body: Row): Reply {
    if (!row) return problem(404, 'Resource Not Found', 'The requested resource could not be found.');
    for (const t of body.tags ?? []) {
      row.tags = row.tags.filter((x: Row) => x.name !== t.name);
      if (t.status === 'active') row.tags.push({ id: row.tags.length + 1, name: t.name });
    }
    return { status: 204 };
  }
}
