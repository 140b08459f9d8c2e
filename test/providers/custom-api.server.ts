import { ProviderRequest, ProviderServer, Reply } from './provider-server';

type Row = Record<string, unknown> & { id: string; updated_at: string };

/**
 * "Acme", a made-up REST API a customer declares as a custom connector. Each collection pages in
 * one of the styles the REST engine knows, the way real APIs do it:
 * - contacts: cursor ({data, meta: {next_cursor}}, `cursor` + `limit`, `updated_since` filter)
 * - companies, people (its staff directory): offset ({items}, `offset` + `limit`; a short page is the last)
 * - deals: numbered pages ({results, total_pages}, `page` from 1 + `per_page`)
 * - tickets: a bare array with an RFC 8288 `Link: <…>; rel="next"` header (`page` + `per_page`)
 * The key goes in `X-Api-Key`, or in `api_key` when `keyInQuery` (an older API style, which also
 * echoes the key in its next links). Errors are {error: {code, message}}.
 */
export class CustomApiServer extends ProviderServer {
  readonly store: Record<'contacts' | 'companies' | 'deals' | 'tickets' | 'people', Row[]> = {
    contacts: [],
    companies: [],
    deals: [],
    tickets: [],
    people: [],
  };
  private clock = Date.parse('2025-01-01T00:00:00Z');
  private sequence = 0;

  constructor(
    readonly apiKey = 'acme_live_7f3a9c2e41b8',
    readonly keyInQuery = false,
  ) {
    super();
    this.on('GET', '/v1/me', (req) => this.authed(req, () => ({ body: { account: 'acme', plan: 'pro' } })));
    this.on('GET', '/v1/contacts', (req) => this.authed(req, () => this.cursorPage(req)));
    this.on('GET', '/v1/contacts/:id', (req, [id]) => this.authed(req, () => this.one('contacts', id)));
    this.on('POST', '/v1/contacts', (req) => this.authed(req, () => this.createContact(req.body)));
    this.on('PATCH', '/v1/contacts/:id', (req, [id]) => this.authed(req, () => this.patch('contacts', id, req.body?.contact ?? {})));
    this.on('POST', '/v1/contacts/:id/notes', (req, [id]) => this.authed(req, () => this.addNote(id, req.body)));
    this.on('GET', '/v1/companies', (req) => this.authed(req, () => this.offsetPage(req, 'companies')));
    this.on('GET', '/v1/people', (req) => this.authed(req, () => this.offsetPage(req, 'people')));
    this.on('POST', '/v1/companies', (req) =>
      this.authed(req, () => ({ status: 201, body: this.add('companies', { ...req.body, employees: Number(req.body.employees) }) })),
    );
    this.on('GET', '/v1/deals', (req) => this.authed(req, () => this.numberedPage(req)));
    this.on('GET', '/v1/tickets', (req) => this.authed(req, () => this.linkPage(req)));
  }

  add(collection: keyof CustomApiServer['store'], fields: Record<string, unknown>): Row {
    this.clock += 60_000;
    const row = { id: `${collection.slice(0, 3)}_${++this.sequence}`, updated_at: new Date(this.clock).toISOString(), ...fields } as Row;
    this.store[collection].push(row);
    return row;
  }

  seed(collection: keyof CustomApiServer['store'], count: number): Row[] {
    return Array.from({ length: count }, (_, i) => this.add(collection, { name: `${collection} ${i}`, email: `${collection}${i}@acme.test` }));
  }

  private authed(req: ProviderRequest, then: () => Reply): Reply {
    const given = this.keyInQuery ? req.query.get('api_key') : req.headers['x-api-key'];
    if (given !== this.apiKey) return { status: 401, body: { error: { code: 'invalid_api_key', message: 'The API key is missing or wrong' } } };
    return then();
  }

  private size(req: ProviderRequest, param: string, fallback: number): number | Reply {
    const size = Number(req.query.get(param) ?? fallback);
    if (!Number.isInteger(size) || size < 1 || size > 100)
      return { status: 400, body: { error: { code: 'invalid_parameter', message: `${param} must be 1-100` } } };
    return size;
  }

  private cursorPage(req: ProviderRequest): Reply {
    const limit = this.size(req, 'limit', 20);
    if (typeof limit !== 'number') return limit;
    const since = req.query.get('updated_since');
    const rows = this.store.contacts.filter((r) => !since || r.updated_at > since);
    const cursor = req.query.get('cursor');
    const start = cursor ? Number(Buffer.from(cursor, 'base64url').toString()) : 0;
    const data = rows.slice(start, start + limit);
    const more = start + limit < rows.length;
    return { body: { data, meta: { next_cursor: more ? Buffer.from(String(start + limit)).toString('base64url') : null } } };
  }

  private offsetPage(req: ProviderRequest, collection: 'companies' | 'people'): Reply {
    const limit = this.size(req, 'limit', 20);
    if (typeof limit !== 'number') return limit;
    const offset = Number(req.query.get('offset') ?? 0);
    return { body: { items: this.store[collection].slice(offset, offset + limit) } };
  }

  private numberedPage(req: ProviderRequest): Reply {
    const perPage = this.size(req, 'per_page', 20);
    if (typeof perPage !== 'number') return perPage;
    const page = Number(req.query.get('page') ?? 1);
    const rows = this.store.deals;
    return { body: { results: rows.slice((page - 1) * perPage, page * perPage), page, total_pages: Math.ceil(rows.length / perPage) } };
  }

  private linkPage(req: ProviderRequest): Reply {
    const perPage = this.size(req, 'per_page', 20);
    if (typeof perPage !== 'number') return perPage;
    const page = Number(req.query.get('page') ?? 1);
    const rows = this.store.tickets;
    const headers: Record<string, string> = {};
    if (page * perPage < rows.length) {
      const key = this.keyInQuery ? `&api_key=${this.apiKey}` : '';
      const last = Math.ceil(rows.length / perPage);
      const next = `<${this.url}/v1/tickets?page=${page + 1}&per_page=${perPage}${key}>; rel="next"`;
      headers.link = `${next}, <${this.url}/v1/tickets?page=${last}&per_page=${perPage}${key}>; rel="last"`;
    }
    return { headers, body: rows.slice((page - 1) * perPage, page * perPage) };
  }

  private one(collection: keyof CustomApiServer['store'], id: string): Reply {
    const row = this.store[collection].find((r) => r.id === id);
    return row ? { body: { data: row } } : { status: 404, body: { error: { code: 'not_found', message: `No ${collection} ${id}` } } };
  }

  private createContact(body: { contact?: Record<string, unknown> }): Reply {
    if (!body?.contact?.email) return { status: 422, body: { error: { code: 'validation_failed', message: 'contact.email is required' } } };
    return { status: 201, body: { data: this.add('contacts', body.contact) } };
  }

  private patch(collection: keyof CustomApiServer['store'], id: string, fields: Record<string, unknown>): Reply {
    const row = this.store[collection].find((r) => r.id === id);
    if (!row) return this.one(collection, id);
    this.clock += 60_000;
    Object.assign(row, fields, { updated_at: new Date(this.clock).toISOString() });
    return { body: { data: row } };
  }

  private addNote(id: string, body: { text?: string; pinned?: boolean }): Reply {
    if (!this.store.contacts.some((r) => r.id === id)) return this.one('contacts', id);
    return { status: 201, body: { note: { id: `note_${++this.sequence}`, contact_id: id, text: body.text, pinned: body.pinned ?? false } } };
  }
}
