import { createServer } from 'node:http';
import type { DataSource } from 'typeorm';
import { ProviderError } from '../src/connectors/http/provider-error';
import { BuiltInCrmStore } from '../src/sync/crm/built-in-crm-store';
import { crmFieldNames, CRM_OBJECT_LIST, keptByItsCloud } from '../src/sync/crm/crm-objects';
import { createCrmStore } from '../src/sync/crm/crm-store.factory';
import { ByOwnerCrmStore } from '../src/sync/crm/by-owner-crm-store';
import { GatewayCrmStore } from '../src/sync/crm/gateway-crm-store';
import { CRM_OPERATIONS } from '../src/sync/crm/operations';
import { RunningCrmGateway, startCrmGateway } from './support/crm-gateway-subgraphs';

/**
 * The gateway CRM store against Sales and Revenue stand-ins composed under @apollo/gateway:
 * accounts written through it land in the Sales cloud under the cloud's field names, and read
 * back in the CRM's snake_case names, per organization, with the service token forwarded.
 */

const TOKEN = 'crm-gateway-service-token';
let crm: RunningCrmGateway;
let store: GatewayCrmStore;

beforeAll(async () => {
  crm = await startCrmGateway(TOKEN);
  store = new GatewayCrmStore({ url: crm.url, token: TOKEN });
});

afterAll(async () => {
  await crm?.stop();
});

describe('GatewayCrmStore with accounts in the Sales cloud', () => {
  it('creates accounts in the Sales cloud and reads them back in snake_case', async () => {
    const written = await store.upsert('org-a', 'account', [
      { data: { name: 'Acme', account_number: 'A-1', annual_revenue: 1200.5, number_of_employees: 40 } },
      { data: { name: 'Globex', billing_city: 'Springfield' } },
    ]);
    expect(written).toEqual([
      { id: expect.any(String), created: true },
      { id: expect.any(String), created: true },
    ]);
    expect(crm.records('org-a', 'account').get(written[0].id)).toMatchObject({
      name: 'Acme',
      accountNumber: 'A-1',
      annualRevenue: 1200.5,
      numberOfEmployees: 40,
    });

    const read = await store.get('org-a', 'account', [written[0].id, written[1].id, 'missing']);
    expect([...read.keys()].sort()).toEqual([written[0].id, written[1].id].sort());
    const acme = read.get(written[0].id)!;
    expect(acme.data).toMatchObject({ name: 'Acme', account_number: 'A-1', annual_revenue: 1200.5, number_of_employees: 40 });
    // A field never written is left out, as the built-in store does (GraphQL answers null).
    expect(acme.data).not.toHaveProperty('phone');
    expect(acme.createdDate).toBeInstanceOf(Date);
    expect(acme.lastModifiedDate.getTime()).toBeGreaterThanOrEqual(acme.createdDate.getTime());
  });

  it('merges into an existing account by id and creates one under an id the cloud does not know', async () => {
    const [acme] = await store.upsert('org-a', 'account', [{ data: { name: 'Acme 2', phone: '+1 555 0100' } }]);
    const chosen = '5b0e6a4c-1f3e-5a2b-8c4d-00000000a001';
    const result = await store.upsert('org-a', 'account', [
      { id: chosen, data: { name: 'Initech' } },
      { id: acme.id, data: { industry: 'Manufacturing', phone: null } },
      { data: { name: 'Hooli' } },
    ]);
    expect(result.map((r) => r.created)).toEqual([true, false, true]);
    expect(result.slice(0, 2).map((r) => r.id)).toEqual([chosen, acme.id]);

    const read = await store.get('org-a', 'account', [acme.id, chosen, result[2].id]);
    expect(read.get(acme.id)!.data).toMatchObject({ name: 'Acme 2', industry: 'Manufacturing' });
    expect(read.get(acme.id)!.data).not.toHaveProperty('phone'); // cleared
    expect(crm.records('org-a', 'account').get(acme.id)!.phone).toBeNull();
    expect(read.get(chosen)!.data).toMatchObject({ name: 'Initech' });
    expect(read.get(result[2].id)!.data).toMatchObject({ name: 'Hooli' });
  });

  it('pages changes in order, each account once, and then sees an update after the checkpoint', async () => {
    const written = await store.upsert(
      'org-pages',
      'account',
      Array.from({ length: 7 }, (_, i) => ({ data: { name: `Page ${i}` } })),
    );
    const seen: string[] = [];
    let after: { at: string; id: string } | null = null;
    for (;;) {
      const page = await store.changedSince('org-pages', 'account', after, 3);
      if (!page.next) break;
      seen.push(...page.records.map((r) => r.id));
      after = page.next;
    }
    expect(seen).toEqual(written.map((r) => r.id));

    await store.upsert('org-pages', 'account', [{ id: written[2].id, data: { website: 'https://page2.example' } }]);
    const changed = await store.changedSince('org-pages', 'account', after, 3);
    expect(changed.records.map((r) => [r.id, r.data.website])).toEqual([[written[2].id, 'https://page2.example']]);
  });

  it("keeps organizations apart: another org neither reads nor deletes this org's accounts", async () => {
    const [mine] = await store.upsert('org-iso-1', 'account', [{ data: { name: 'Mine' } }]);
    expect((await store.get('org-iso-2', 'account', [mine.id])).size).toBe(0);
    expect((await store.changedSince('org-iso-2', 'account', null, 10)).records).toEqual([]);
    expect(await store.delete('org-iso-2', 'account', [mine.id])).toBe(0);
    expect(crm.records('org-iso-1', 'account').has(mine.id)).toBe(true);
  });

  it('deletes accounts in the Sales cloud', async () => {
    const rows = await store.upsert('org-del', 'account', [{ data: { name: 'Gone' } }, { data: { name: 'Stays' } }]);
    expect(await store.delete('org-del', 'account', [rows[0].id, rows[0].id])).toBe(1);
    expect([...crm.records('org-del', 'account').keys()]).toEqual([rows[1].id]);
    expect([
      ...(
        await store.get(
          'org-del',
          'account',
          rows.map((r) => r.id),
        )
      ).keys(),
    ]).toEqual([rows[1].id]);
  });

  it('finds accounts by the normal forms of their email, website and phone, in one request, in the asking organization only', async () => {
    const [acme, web, phone] = await store.upsert('org-match', 'account', [
      { data: { name: 'Acme', email: ' ADA@Example.com ' } },
      { data: { name: 'Web', website: 'HTTPS://www.Example.org/about?x=1' } },
      { data: { name: 'Phone', phone: '+1 (555) 000-0100' } },
    ]);
    await store.upsert('org-other', 'account', [{ data: { name: 'Elsewhere', email: 'ada@example.com' } }]);
    const before = crm.lookups('account');
    const found = await store.findByFields('org-match', 'account', [
      { field: 'email', kind: 'email', keys: ['ada@example.com', 'nobody@example.com'] },
      { field: 'website', kind: 'website', keys: ['example.org'] },
      { field: 'phone', kind: 'phone', keys: ['+15550000100'] },
      { field: 'name', kind: 'text', keys: [] },
    ]);
    expect(crm.lookups('account') - before).toBe(1);
    expect(found).toEqual(
      expect.arrayContaining([
        { field: 'email', key: 'ada@example.com', id: acme.id },
        { field: 'website', key: 'example.org', id: web.id },
        { field: 'phone', key: '+15550000100', id: phone.id },
      ]),
    );
    expect(found).toHaveLength(3);
    // Nothing to look for: no request.
    expect(await store.findByFields('org-match', 'account', [{ field: 'email', kind: 'email', keys: [] }])).toEqual([]);
    expect(crm.lookups('account') - before).toBe(1);
    await expect(store.findByFields('org-match', 'account', [{ field: 'colour', kind: 'text', keys: ['red'] }])).rejects.toMatchObject({
      code: 'BAD_USER_INPUT',
    });
  });

  it('finds invoices in the Revenue cloud by invoice number', async () => {
    const [inv] = await store.upsert('org-match', 'invoice', [{ data: { invoice_number: ' INV-0042 ', total_amount: 10 } }]);
    expect(await store.findByFields('org-match', 'invoice', [{ field: 'invoice_number', kind: 'text', keys: ['inv-0042'] }])).toEqual([
      { field: 'invoice_number', key: 'inv-0042', id: inv.id },
    ]);
  });

  it('refuses unknown objects and fields before calling the gateway, and surfaces gateway refusals as provider errors', async () => {
    await expect(store.upsert('org-a', 'widget', [{ data: {} }])).rejects.toMatchObject({ code: 'BAD_USER_INPUT', field: 'object' });
    await expect(store.upsert('org-a', 'account', [{ data: { colour: 'red' } }])).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });

    const wrongToken = new GatewayCrmStore({ url: crm.url, token: 'not-the-token' });
    const error = await wrongToken.get('org-a', 'account', ['x']).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderError);
    // The gateway's UNAUTHENTICATED is this service's misconfiguration, not the sync caller's.
    expect(error).toMatchObject({ provider: 'crm-gateway', code: 'INTERNAL_SERVER_ERROR', providerCode: 'UNAUTHENTICATED' });
    const noToken = new GatewayCrmStore({ url: crm.url });
    await expect(noToken.upsert('org-a', 'account', [{ data: { name: 'Never' } }])).rejects.toMatchObject({ providerCode: 'UNAUTHENTICATED' });
    expect([...crm.records('org-a', 'account').values()].map((r) => r.name)).not.toContain('Never');
  });
});

describe('GatewayCrmStore operations for every CRM object', () => {
  it('covers every field of every CRM object a cloud owns, and nothing else', () => {
    for (const object of CRM_OBJECT_LIST.filter(keptByItsCloud).map((o) => o.name)) {
      const own = crmFieldNames(object).filter((f) => !['id', 'created_date', 'last_modified_date'].includes(f));
      expect(Object.keys(CRM_OPERATIONS[object]?.fields ?? {}).sort()).toEqual(own.sort());
    }
    // The integration cloud's own objects never go through the gateway.
    expect(Object.keys(CRM_OPERATIONS).sort()).toEqual(
      CRM_OBJECT_LIST.filter(keptByItsCloud)
        .map((o) => o.name)
        .sort(),
    );
    expect(CRM_OPERATIONS.contract).toBeUndefined();
  });

  it.each([
    ['contact', { last_name: 'Lovelace', first_name: 'Ada', mailing_city: 'London' }, { title: 'Countess' }],
    ['opportunity', { name: 'Big deal', amount: 5000, probability: 0.4 }, { stage: 'Negotiation' }],
    ['invoice', { invoice_number: 'INV-9', total_amount: 120.5, status: 'OPEN' }, { amount_paid: 120.5, status: 'PAID' }],
    ['lead', { last_name: 'Hopper', company: 'Navy', rating: 'Hot' }, { status: 'Qualified' }],
    ['subscription', { plan_name: 'Pro', quantity: 3, amount: 29.5, interval: 'month' }, { status: 'canceled', canceled_at: '2026-12-01T00:00:00.000Z' }],
    ['case', { subject: 'Printer on fire', priority: 'High', origin: 'Email' }, { status: 'Closed' }],
    ['campaign', { name: 'Winter launch', type: 'Email', start_date: '2026-12-01' }, { status: 'Completed' }],
    ['campaign_member', { email: 'ada@example.com', status: 'Sent', responded: false }, { responded: true, first_responded_date: '2026-12-02' }],
    ['employee', { first_name: 'Grace', last_name: 'Hopper', employment_type: 'Full-Time' }, { department: 'Engineering' }],
  ])('writes, merges, pages and deletes %s through the gateway', async (object: string, data: Record<string, unknown>, change: Record<string, unknown>) => {
    const [row] = await store.upsert('org-all', object, [{ data }]);
    expect(await store.upsert('org-all', object, [{ id: row.id, data: change }])).toEqual([{ id: row.id, created: false }]);
    expect((await store.get('org-all', object, [row.id])).get(row.id)!.data).toMatchObject({ ...data, ...change });
    expect((await store.changedSince('org-all', object, null, 10)).records.map((r) => r.id)).toEqual([row.id]);
    expect(crm.records('org-all', object).has(row.id)).toBe(true);
    expect(await store.delete('org-all', object, [row.id])).toBe(1);
    expect(crm.records('org-all', object).has(row.id)).toBe(false);
  });

  it.each(['contract', 'activity'])('has no gateway documents for %s, which the integration cloud keeps itself', async (object) => {
    await expect(store.upsert('org-all', object, [{ data: { status: 'Draft' } }])).rejects.toMatchObject({
      code: 'BAD_USER_INPUT',
      message: expect.stringContaining(`no operations for ${object}`),
    });
  });
});

describe('createCrmStore', () => {
  it('uses the built-in store unless CRM_GATEWAY_URL is set', () => {
    const db = {} as DataSource;
    expect(createCrmStore(db, { crmGatewayUrl: undefined, crmGatewayToken: undefined })).toBeInstanceOf(BuiltInCrmStore);
    expect(createCrmStore(db, { crmGatewayUrl: crm.url, crmGatewayToken: TOKEN })).toBeInstanceOf(ByOwnerCrmStore);
  });
});

describe('GatewayCrmStore when the gateway throttles', () => {
  // The one Retry-After reader (src/net/retry-after.ts): the gateway store and the provider HTTP
  // layer read "1.5" and an HTTP-date alike (the store read "1.5" as 1.5 and a date as nothing).
  // The HTTP date is made when the gateway answers, not when the file loads: under load the
  // test may start many seconds later.
  const inThirtySeconds = () => new Date(Date.now() + 30_000).toUTCString();
  it.each([
    ['1.5', 2],
    ['7', 7],
    ['an HTTP date 30 s ahead', 30],
  ])('reads Retry-After %s as %i seconds', async (header, seconds) => {
    const server = createServer((_req, res) => {
      const value = header === 'an HTTP date 30 s ahead' ? inThirtySeconds() : header;
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': value });
      res.end(JSON.stringify({ errors: [{ message: 'slow down' }] }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const port = (server.address() as { port: number }).port;
      const throttled = new GatewayCrmStore({ url: `http://127.0.0.1:${port}/graphql`, token: TOKEN });
      const error = await throttled.get('org-a', 'account', ['x']).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ProviderError);
      const retryAfter = (error as ProviderError).extensions().retryAfterSeconds as number;
      expect(Number.isInteger(retryAfter)).toBe(true); // a whole number of seconds, as the contract's retryAfterSeconds
      expect(retryAfter).toBeGreaterThanOrEqual(seconds - 1);
      expect(retryAfter).toBeLessThanOrEqual(seconds);
    } finally {
      server.close();
    }
  });
});
