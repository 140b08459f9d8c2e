import { ChildProcess, spawn } from 'node:child_process';

/**
 * A Stripe-shaped `GET /v1/customers` for the benches: Bearer key, `limit`, `starting_after`,
 * `has_more`, `created[gt]`, Stripe's customer object.
 */
/**
 * Customers generated on the fly, newest first as Stripe lists them: customer n has
 * created = 1,700,000,000 - n, so `starting_after=cus_n` continues at n + 1.
 */
const SERVER_SOURCE = `
const http = require('node:http');
const [KEY, TOTAL] = [process.argv[1], Number(process.argv[2])];
const customer = (n) => ({ id: 'cus_' + n, object: 'customer', created: 1700000000 - n, livemode: false,
  name: ' Customer ' + n + ' ', email: 'Customer' + n + '@Example.com', phone: '+1 555 ' + String(1000000 + (n % 9000000)).slice(-7),
  description: null, currency: 'usd', balance: 0, delinquent: false, invoice_prefix: 'B' + n,
  address: { line1: n + ' Main St', city: 'Berlin', state: null, postal_code: '10115', country: 'DE' },
  metadata: { crm: 'bench' } });
const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  if (req.headers.authorization !== 'Bearer ' + KEY) {
    res.writeHead(401, { 'content-type': 'application/json' }).end('{"error":{"type":"invalid_request_error","message":"Invalid API Key"}}');
    return;
  }
  const after = url.searchParams.get('starting_after');
  const createdGt = url.searchParams.get('created[gt]');
  const limit = Math.min(Number(url.searchParams.get('limit') || 10), 100);
  const start = after ? Number(after.slice(4)) + 1 : 0;
  const end = Math.min(TOTAL, createdGt ? 1700000000 - Number(createdGt) : TOTAL);
  const data = [];
  for (let n = start; n < Math.min(start + limit, end); n++) data.push(customer(n));
  res.writeHead(200, { 'content-type': 'application/json' })
    .end(JSON.stringify({ object: 'list', url: '/v1/customers', has_more: start + limit < end, data }));
});
server.listen(0, '127.0.0.1', () => process.stdout.write(String(server.address().port) + '\\n'));
`;

/** Starts the server in its own process (so it does not share the measured event loop). */
export async function startStripeLike(apiKey: string, total: number): Promise<{ url: string; child: ChildProcess }> {
  const child = spawn(process.execPath, ['-e', SERVER_SOURCE, apiKey, String(total)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const port = await new Promise<string>((resolve) => child.stdout!.once('data', (chunk) => resolve(String(chunk).trim())));
  return { url: `http://127.0.0.1:${port}`, child };
}
