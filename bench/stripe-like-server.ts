import { ChildProcess, spawn } from 'node:child_process';

/**
 * A Stripe-shaped server for the benches (https://docs.stripe.com/api): Bearer key;
 * `GET /v1/customers` with `limit`, `starting_after`, `has_more`, `created[gt]` and Stripe's
 * customer object; `GET /v1/account` (the account a key belongs to, as connections identify it);
 * `GET /v1/events` over the events of the edits a bench makes (editCustomers), as Stripe
 * documents it (https://docs.stripe.com/api/events/list): newest first, `created[gt|gte|lt|lte]`,
 * `types[]` (up to 20 exact names), `limit` 1-100 (default 10), `starting_after`, the list
 * envelope {object: "list", url, has_more, data}, events {id, object: "event", type, created,
 * data: {object, previous_attributes}}; every answer has a Date header (Stripe's clock, which the
 * connector's checkpoints follow). Requests are counted by path for the bench (requestCounts).
 *
 * Customers are generated on the fly, newest first as Stripe lists them: customer n has
 * created = 1,700,000,000 - n, so `starting_after=cus_n` continues at n + 1. An edit is kept as an
 * override of the generated customer, so lists and events both show it.
 */
const SERVER_SOURCE = `
const http = require('node:http');
const [KEY, TOTAL] = [process.argv[1], Number(process.argv[2])];
const edits = new Map();
const customer = (n) => ({ id: 'cus_' + n, object: 'customer', created: 1700000000 - n, livemode: false,
  name: ' Customer ' + n + ' ', email: 'Customer' + n + '@Example.com', phone: '+1 555 ' + String(1000000 + (n % 9000000)).slice(-7),
  description: null, currency: 'usd', balance: 0, delinquent: false, invoice_prefix: 'B' + n,
  address: { line1: n + ' Main St', city: 'Berlin', state: null, postal_code: '10115', country: 'DE' },
  metadata: { crm: 'bench' }, ...edits.get(n) });
const events = [];
const position = new Map();
const requests = {};
const now = () => Math.floor(Date.now() / 1000);
const send = (res, status, body) =>
  res.writeHead(status, { 'content-type': 'application/json', date: new Date().toUTCString() }).end(JSON.stringify(body));
const invalid = (res, message, param) => send(res, 400, { error: { type: 'invalid_request_error', message, param } });

function listCustomers(url, res) {
  const after = url.searchParams.get('starting_after');
  const createdGt = url.searchParams.get('created[gt]');
  const limit = Math.min(Number(url.searchParams.get('limit') || 10), 100);
  const start = after ? Number(after.slice(4)) + 1 : 0;
  const end = Math.min(TOTAL, createdGt ? 1700000000 - Number(createdGt) : TOTAL);
  const data = [];
  for (let n = start; n < Math.min(start + limit, end); n++) data.push(customer(n));
  send(res, 200, { object: 'list', url: '/v1/customers', has_more: start + limit < end, data });
}

const BOUNDS = { 'created[gt]': (a, b) => a > b, 'created[gte]': (a, b) => a >= b, 'created[lt]': (a, b) => a < b, 'created[lte]': (a, b) => a <= b };

function listEvents(url, res) {
  const q = url.searchParams;
  const limit = Number(q.get('limit') || 10);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) return invalid(res, 'Invalid integer: limit must be between 1 and 100', 'limit');
  const types = q.getAll('types[]');
  if (types.length > 20) return invalid(res, 'Invalid array: types must have at most 20 elements', 'types');
  const checks = Object.entries(BOUNDS).filter(([p]) => q.has(p)).map(([p, compare]) => (created) => compare(created, Number(q.get(p))));
  const after = q.get('starting_after');
  const at = after === null ? events.length : position.get(after);
  if (at === undefined) return invalid(res, "No such event: '" + after + "'", 'starting_after');
  const oldest = now() - 30 * 86400;
  const data = [];
  let more = false;
  // Newest first: from just before the cursor back to the oldest kept event.
  for (let i = at - 1; i >= 0; i--) {
    const e = events[i];
    if (e.created <= oldest) break;
    if ((types.length && !types.includes(e.type)) || !checks.every((check) => check(e.created))) continue;
    if (data.length === limit) { more = true; break; }
    data.push(e);
  }
  send(res, 200, { object: 'list', url: '/v1/events', has_more: more, data });
}

/** The bench edits customers as an edit in Stripe would: the object changes and customer.updated is recorded. */
function editCustomers(numbers, round) {
  const created = now();
  for (const n of numbers) {
    const before = customer(n);
    edits.set(n, { ...edits.get(n), name: ' Customer ' + n + ' (edit ' + round + ') ' });
    const id = 'evt_bench' + String(events.length).padStart(9, '0');
    position.set(id, events.length);
    events.push({ id, object: 'event', api_version: '2024-06-20', created, livemode: false, pending_webhooks: 0,
      request: { id: null, idempotency_key: null }, type: 'customer.updated',
      data: { object: customer(n), previous_attributes: { name: before.name } } });
  }
}

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  requests[url.pathname] = (requests[url.pathname] || 0) + 1;
  if (req.headers.authorization !== 'Bearer ' + KEY) {
    send(res, 401, { error: { type: 'invalid_request_error', message: 'Invalid API Key' } });
    return;
  }
  if (url.pathname === '/v1/events') return listEvents(url, res);
  if (url.pathname === '/v1/account') return send(res, 200, { id: 'acct_bench', object: 'account' });
  listCustomers(url, res);
});
process.on('message', (m) => {
  if (m.edit) editCustomers(m.edit, m.round);
  const counts = { ...requests };
  if (m.requests) for (const path of Object.keys(requests)) delete requests[path];
  process.send({ id: m.id, counts, events: events.length });
});
server.listen(0, '127.0.0.1', () => process.stdout.write(String(server.address().port) + '\\n'));
`;

export interface StripeLike {
  url: string;
  child: ChildProcess;
  /** Edits these customers (cus_<n>) in the server, one customer.updated event each, all created now. */
  editCustomers(numbers: number[], round: number): Promise<void>;
  /** Requests by path since the last call (or the start), and resets them. */
  requestCounts(): Promise<Record<string, number>>;
}

/** Starts the server in its own process (so it does not share the measured event loop). */
export async function startStripeLike(apiKey: string, total: number): Promise<StripeLike> {
  const child = spawn(process.execPath, ['-e', SERVER_SOURCE, apiKey, String(total)], { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  const port = await new Promise<string>((resolve) => child.stdout!.once('data', (chunk) => resolve(String(chunk).trim())));
  let next = 0;
  const ask = (message: object) =>
    new Promise<{ counts: Record<string, number> }>((resolve) => {
      const id = ++next;
      const onReply = (reply: { id: number; counts: Record<string, number> }) => {
        if (reply.id !== id) return;
        child.off('message', onReply);
        resolve(reply);
      };
      child.on('message', onReply);
      child.send({ id, ...message });
    });
  return {
    url: `http://127.0.0.1:${port}`,
    child,
    editCustomers: async (numbers, round) => void (await ask({ edit: numbers, round })),
    requestCounts: async () => (await ask({ requests: true })).counts,
  };
}
