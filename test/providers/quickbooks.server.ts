import { OAuthServer } from './oauth.server';
import { bearer, ProviderRequest, ProviderServer, Reply } from './provider-server';

type Row = Record<string, any>;

const ENTITIES = ['Customer', 'Invoice', 'Payment'];
const QUERY = new RegExp(
  String.raw`^select \* from (\w+)(?: where Metadata\.LastUpdatedTime (>=|>|<=|<|=) '([^']+)')?` +
    String.raw`(?: orderby Metadata\.LastUpdatedTime(?: (asc|desc))?)?(?: startposition (\d+))?(?: maxresults (\d+))?$`,
  'i',
);
const PACIFIC_MS = 7 * 3_600_000;
/** "CDC operations can track changes within the last 30 days." */
const CDC_LOOK_BACK_MS = 30 * 86_400_000;
/** "Server responses can handle a maximum of 1,000 objects." */
const CDC_MAX_OBJECTS = 1000;
/** Every entity but these supports CDC; the stand-in has none of them, but names them as Intuit would refuse them. */
const NO_CDC = ['JournalCode', 'TaxAgency', 'TimeActivity', 'TaxCode', 'TaxRate'];

/** Intuit writes times in the company's zone: 2024-03-01T02:00:00-07:00 (a response's `time` with milliseconds). */
export const intuitTime = (ms: number, withMs = false) => `${new Date(ms - PACIFIC_MS).toISOString().slice(0, withMs ? 23 : 19)}-07:00`;
const fault = (status: number, code: string, message: string, detail: string, type = 'ValidationFault'): Reply => ({
  status,
  body: { Fault: { Error: [{ Message: message, Detail: detail, code, element: '' }], type }, time: new Date().toISOString() },
});

/**
 * QuickBooks Online Accounting API v3 as documented: Bearer tokens from the OAuthServer (401 in
 * Intuit's lowercase {fault: {error}} shape), everything under /v3/company/{realmId}, the query
 * endpoint's `select * from X [where Metadata.LastUpdatedTime op 'time'] [orderby ...]
 * [startposition n] [maxresults m]` (≤ 1000, empty result as `QueryResponse: {}`), reads by id,
 * creates and (sparse) updates by POST with Id + SyncToken, deletes of transactions by POST
 * `?operation=delete` with Id + SyncToken, Change Data Capture (`GET /cdc?entities=&changedSince=`:
 * full payloads of what changed, deleted ones as `status: "Deleted"` stubs, 30 days back, at most
 * 1,000 objects), each response's `time` from the server's clock (half a second after its last
 * write), and Fault bodies for errors.
 */
export class QuickBooksServer extends ProviderServer {
  readonly store = new Map<string, Row[]>(ENTITIES.map((e) => [e, []]));
  /** What CDC shows of deleted entities: {domain, status: "Deleted", Id, MetaData: {LastUpdatedTime}}. */
  readonly deleted = new Map<string, Row[]>(ENTITIES.map((e) => [e, []]));
  clock = Date.parse('2024-03-01T09:00:00Z');
  private nextId = 1;

  constructor(
    private readonly oauth: OAuthServer,
    readonly realmId = '9341452713218562',
  ) {
    super();
    this.on('GET', '/v3/company/:realm/companyinfo/:id', (req, [realm]) =>
      this.authed(req, realm, () => ({
        body: { CompanyInfo: { Id: '1', CompanyName: 'Local Sandbox Company', Country: 'US', SyncToken: '0' }, time: new Date().toISOString() },
      })),
    );
    this.on('GET', '/v3/company/:realm/query', (req, [realm]) => this.authed(req, realm, () => this.query(req)));
    this.on('GET', '/v3/company/:realm/cdc', (req, [realm]) => this.authed(req, realm, () => this.cdc(req)));
    this.on('GET', '/v3/company/:realm/:entity/:id', (req, [realm, entity, id]) => this.authed(req, realm, () => this.read(entity, id)));
    this.on('POST', '/v3/company/:realm/:entity', (req, [realm, entity]) =>
      this.authed(req, realm, () => (req.query.get('operation') === 'delete' ? this.delete(entity, req.body) : this.write(entity, req.body))),
    );
  }

  /** Adds a record as QuickBooks stores it; `at` pins LastUpdatedTime (several records may share one). */
  add(entity: string, fields: Row, at = (this.clock += 1000)): Row {
    const time = intuitTime(at);
    const row = { domain: 'QBO', sparse: false, Id: String(this.nextId++), SyncToken: '0', MetaData: { CreateTime: time, LastUpdatedTime: time }, ...fields };
    this.store.get(entity)!.push(row);
    return row;
  }

  /** Records an edit made in QuickBooks: a new SyncToken and LastUpdatedTime. */
  touch(row: Row, fields: Row = {}): Row {
    Object.assign(row, fields, { SyncToken: String(Number(row.SyncToken) + 1) });
    row.MetaData = { ...row.MetaData, LastUpdatedTime: intuitTime((this.clock += 1000)) };
    return row;
  }

  /** Deletes an entity in QuickBooks (a transaction: customers are made inactive instead); CDC then shows its stub. */
  remove(entity: string, row: Row): void {
    const rows = this.store.get(entity)!;
    rows.splice(rows.indexOf(row), 1);
    this.deleted.get(entity)!.push({ domain: 'QBO', status: 'Deleted', Id: row.Id, MetaData: { LastUpdatedTime: intuitTime((this.clock += 1000)) } });
  }

  /** The server's clock: half a second after its last write, so a `time` it answers falls between writes. */
  now(): string {
    return intuitTime(this.clock + 500, true);
  }

  private authed(req: ProviderRequest, realm: string, then: () => Reply): Reply {
    if (!this.oauth.isValid(bearer(req))) {
      return {
        status: 401,
        body: {
          fault: {
            error: [{ message: 'message=AuthenticationFailed; errorCode=003200; statusCode=401', detail: 'Token expired: local', code: '3200' }],
            type: 'AUTHENTICATION',
          },
          time: Date.now(),
        },
      };
    }
    if (realm !== this.realmId) return fault(403, '3100', 'message=ApplicationAuthorizationFailed; errorCode=003100; statusCode=403', '', 'SECURITY');
    return then();
  }

  private query(req: ProviderRequest): Reply {
    const text = (req.query.get('query') ?? '').trim().replace(/\s+/g, ' ');
    const match = QUERY.exec(text);
    if (!match) return fault(400, '4000', 'Error parsing query', `QueryParserError: Encountered an unexpected token in "${text}"`);
    const [, entity, op, value, direction, start, max] = match;
    const rows = this.store.get(entity);
    if (!rows) return fault(400, '4001', 'Invalid query', `QueryValidationError: Property ${entity} not found for Entity`);
    const bound = value === undefined ? NaN : Date.parse(value);
    if (value !== undefined && Number.isNaN(bound)) return fault(400, '4001', 'Invalid query', `QueryValidationError: value ${value} is not a valid DateTime`);
    const compare: Record<string, (a: number) => boolean> = {
      '>': (a) => a > bound,
      '>=': (a) => a >= bound,
      '<': (a) => a < bound,
      '<=': (a) => a <= bound,
      '=': (a) => a === bound,
    };
    const updated = (r: Row) => Date.parse(r.MetaData.LastUpdatedTime);
    const sorted = rows.filter((r) => !op || compare[op](updated(r))).sort((a, b) => updated(a) - updated(b) || Number(a.Id) - Number(b.Id));
    if (direction?.toLowerCase() === 'desc') sorted.reverse();
    const from = Math.max(1, Number(start ?? 1));
    const page = sorted.slice(from - 1, from - 1 + Math.min(Number(max ?? 100), 1000));
    const QueryResponse = page.length ? { [entity]: page, startPosition: from, maxResults: page.length } : {};
    return { body: { QueryResponse, time: this.now() } };
  }

  /** GET /cdc: what changed in each named entity after changedSince, oldest first, deleted ones as stubs. */
  private cdc(req: ProviderRequest): Reply {
    const names = (req.query.get('entities') ?? '').split(',').map((n) => n.trim());
    const since = req.query.get('changedSince');
    if (!names.some(Boolean) || !since) {
      const missing = names.some(Boolean) ? 'changedSince' : 'entities';
      return fault(
        400,
        '2020',
        'Required param missing, need to supply the required value for the API',
        `Required parameter ${missing} is missing in the request`,
      );
    }
    const entities = names.map((name) => ENTITIES.find((e) => e.toLowerCase() === name.toLowerCase()));
    const unknown = names.find((name, i) => !entities[i]);
    if (unknown !== undefined) {
      const why = NO_CDC.some((e) => e.toLowerCase() === unknown.toLowerCase()) ? 'is not supported by CDC' : 'is not a valid entity';
      return fault(400, '4001', 'Invalid query', `QueryValidationError: ${unknown} ${why}`);
    }
    const bound = Date.parse(since);
    if (Number.isNaN(bound)) return fault(400, '4001', 'Invalid query', `QueryValidationError: value ${since} is not a valid DateTime`);
    if (bound < Date.parse(this.now()) - CDC_LOOK_BACK_MS) {
      // The text as Intuit answers it (the code is not documented; 10000 is Intuit's generic one).
      return fault(400, '10000', `Operation cdc with changedSince date ${since} which is older than fixed days is not supported.`, '');
    }
    const updated = (r: Row) => Date.parse(r.MetaData.LastUpdatedTime);
    let room = CDC_MAX_OBJECTS;
    const QueryResponse = entities.flatMap((entity) => {
      const changed = [...this.store.get(entity!)!, ...this.deleted.get(entity!)!]
        .filter((r) => updated(r) > bound)
        .sort((a, b) => updated(a) - updated(b))
        .slice(0, Math.max(0, room));
      room -= changed.length;
      return changed.length ? [{ [entity!]: changed, startPosition: 1, maxResults: changed.length }] : [];
    });
    return { body: { CDCResponse: [{ QueryResponse: QueryResponse.length ? QueryResponse : [{}] }], time: this.now() } };
  }

  private find(entity: string, id: string): Row | undefined {
    return this.store.get(entity)?.find((r) => r.Id === id);
  }

  private read(path: string, id: string): Reply {
    const entity = ENTITIES.find((e) => e.toLowerCase() === path);
    const row = entity && this.find(entity, id);
    if (!row)
      return fault(
        400,
        '610',
        'Object Not Found',
        `Object Not Found : Something you're trying to use has been made inactive. Check the fields with accounts, customers, items, vendors or employees.`,
      );
    return { body: { [entity!]: row, time: new Date().toISOString() } };
  }

  private write(path: string, body: Row): Reply {
    const entity = ENTITIES.find((e) => e.toLowerCase() === path && e !== 'Payment');
    if (!entity) return fault(400, '4001', 'Unsupported Operation', `Operation ${path} is not supported.`);
    if (body.Id !== undefined) return this.update(entity, body);
    const invalid = entity === 'Customer' ? this.checkCustomer(body) : this.checkInvoice(body);
    if (invalid) return invalid;
    const fields = entity === 'Invoice' ? this.invoiceTotals(body) : { Balance: 0, Active: true, ...body };
    return { body: { [entity]: this.add(entity, fields), time: new Date().toISOString() } };
  }

  /** POST ?operation=delete with Id and SyncToken: transactions only; the answer is the deleted stub. */
  private delete(path: string, body: Row): Reply {
    const entity = ENTITIES.find((e) => e.toLowerCase() === path);
    if (!entity || entity === 'Customer') return fault(400, '4001', 'Unsupported Operation', `Operation Delete is not supported for ${path}.`);
    const row = this.find(entity, String(body.Id));
    if (!row) return this.read(path, String(body.Id));
    if (body.SyncToken !== row.SyncToken)
      return fault(400, '5010', 'Stale Object Error', 'Stale Object Error : You and admin were working on this at the same time.');
    this.remove(entity, row);
    return { body: { [entity]: { domain: 'QBO', status: 'Deleted', Id: row.Id }, time: this.now() } };
  }

  private update(entity: string, body: Row): Reply {
    const row = this.find(entity, String(body.Id));
    if (!row) return this.read(entity.toLowerCase(), String(body.Id));
    if (body.SyncToken !== row.SyncToken) {
      return fault(
        400,
        '5010',
        'Stale Object Error',
        'Stale Object Error : You and admin were working on this at the same time. admin finished before you did, so your work was not saved.',
      );
    }
    const { sparse, Id: _id, SyncToken: _token, ...fields } = body;
    if (!sparse) for (const key of Object.keys(row)) if (!['Id', 'SyncToken', 'MetaData', 'domain', 'sparse'].includes(key)) delete row[key];
    return { body: { [entity]: this.touch(row, fields), time: new Date().toISOString() } };
  }

  private checkCustomer(body: Row): Reply | null {
    const name = body.DisplayName ?? [body.GivenName, body.FamilyName].filter(Boolean).join(' ');
    if (!name)
      return fault(
        400,
        '2020',
        'Required param missing, need to supply the required value for the API',
        'Required parameter DisplayName or a name is missing in the request',
      );
    if (this.store.get('Customer')!.some((c) => c.DisplayName === name)) {
      return fault(
        400,
        '6240',
        'Duplicate Name Exists Error',
        `The name supplied already exists. : Another customer, vendor or employee is already using this name. Please use a different name.`,
      );
    }
    body.DisplayName = name;
    return null;
  }

  private checkInvoice(body: Row): Reply | null {
    if (!body.CustomerRef?.value || !Array.isArray(body.Line) || !body.Line.length) {
      return fault(
        400,
        '2020',
        'Required param missing, need to supply the required value for the API',
        `Required parameter ${body.CustomerRef?.value ? 'Line' : 'CustomerRef'} is missing in the request`,
      );
    }
    if (!this.find('Customer', String(body.CustomerRef.value))) {
      return fault(
        400,
        '2500',
        'Invalid Reference Id',
        `Invalid Reference Id : Something you're trying to use has been made inactive. Check the fields with accounts, customers, items, vendors or employees.`,
      );
    }
    return null;
  }

  private invoiceTotals(body: Row): Row {
    const total = body.Line.reduce((sum: number, line: Row) => sum + Number(line.Amount ?? 0), 0);
    const lines = body.Line.map((line: Row, i: number) => ({ Id: String(i + 1), LineNum: i + 1, ...line }));
    return { DocNumber: String(1000 + this.nextId), TxnDate: '2024-03-01', ...body, Line: lines, TotalAmt: total, Balance: total, EmailStatus: 'NotSet' };
  }
}
