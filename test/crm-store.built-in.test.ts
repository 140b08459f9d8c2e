import pino from 'pino';
import { DataSource } from 'typeorm';
import { createDataSource } from '../src/assembly/data-source';
import { migrate } from '../src/db/data-source';
import { BadUserInputError } from '../src/errors';
import { BuiltInCrmStore } from '../src/sync/crm/built-in-crm-store';
import { createTestDatabase } from './support/database';

/**
 * The built-in CRM store on a real database: upserts that create and then merge, keyset change
 * reads that see every record exactly once, organizations kept apart, soft deletes, and one SQL
 * statement for a whole page of writes.
 */

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let db: DataSource;
let store: BuiltInCrmStore;
/** Every SQL text this test's DataSource ran through db.query, in order. */
let statements: string[] = [];

beforeAll(async () => {
  database = await createTestDatabase();
  db = createDataSource(database.url, pino({ level: 'silent' }));
  await db.initialize();
  await migrate(db);
  const query = db.query.bind(db);
  db.query = ((sql: string, parameters?: unknown[]) => {
    statements.push(sql);
    return query(sql, parameters);
  }) as DataSource['query'];
  store = new BuiltInCrmStore(db);
});

afterAll(async () => {
  await db?.destroy();
  await database?.drop();
});

beforeEach(() => {
  statements = [];
});

async function readAll(org: string, object: string, limit: number) {
  const seen: string[] = [];
  let after: { at: string; id: string } | null = null;
  let pages = 0;
  for (;;) {
    const page = await store.changedSince(org, object, after, limit);
    pages++;
    seen.push(...page.records.map((r) => r.id));
    if (!page.next) return { seen, pages, last: after };
    after = page.next;
  }
}

describe('BuiltInCrmStore.upsert', () => {
  it('creates records without an id, then merges fields into them by id', async () => {
    const [acme, globex] = await store.upsert('org-a', 'account', [{ data: { name: 'Acme', phone: '+1 555 0100' } }, { data: { name: 'Globex' } }]);
    expect(acme).toEqual({ id: expect.any(String), created: true });
    expect(globex.created).toBe(true);

    const before = (await store.get('org-a', 'account', [acme.id])).get(acme.id)!;
    const merged = await store.upsert('org-a', 'account', [{ id: acme.id, data: { industry: 'Manufacturing', phone: null } }]);
    expect(merged).toEqual([{ id: acme.id, created: false }]);

    const after = (await store.get('org-a', 'account', [acme.id])).get(acme.id)!;
    expect(after.data).toEqual({ name: 'Acme', phone: null, industry: 'Manufacturing' });
    expect(after.createdDate).toEqual(before.createdDate);
    expect(after.lastModifiedDate.getTime()).toBeGreaterThanOrEqual(before.lastModifiedDate.getTime());
  });

  it('creates a record under a given id that does not exist yet, and reports each row in order', async () => {
    const [existing] = await store.upsert('org-a', 'contact', [{ data: { last_name: 'Lovelace' } }]);
    const chosen = '5b0e6a4c-1f3e-5a2b-8c4d-0123456789ab';
    const result = await store.upsert('org-a', 'contact', [
      { id: chosen, data: { last_name: 'Babbage' } },
      { id: existing.id, data: { first_name: 'Ada' } },
      { id: null, data: { last_name: 'Hopper' } },
    ]);
    expect(result.map((r) => r.created)).toEqual([true, false, true]);
    expect(result[0].id).toBe(chosen);
    expect(result[1].id).toBe(existing.id);
    const records = await store.get(
      'org-a',
      'contact',
      result.map((r) => r.id),
    );
    expect(records.get(existing.id)!.data).toEqual({ last_name: 'Lovelace', first_name: 'Ada' });
    expect(records.get(chosen)!.data).toEqual({ last_name: 'Babbage' });
  });

  it('runs one SQL statement per call, for a page of 100 rows as for one', async () => {
    const rows = Array.from({ length: 100 }, (_, i) => ({ data: { name: `Bulk ${i}` } }));
    const created = await store.upsert('org-a', 'account', rows);
    expect(statements).toHaveLength(1);
    statements = [];
    const updated = await store.upsert('org-a', 'account', [...created.map((r) => ({ id: r.id, data: { type: 'Customer' } })), { data: { name: 'One more' } }]);
    expect(statements).toHaveLength(1);
    expect(updated.filter((r) => r.created)).toHaveLength(1);
  });

  it('folds a row named twice in one call into one write', async () => {
    const [row] = await store.upsert('org-a', 'account', [{ data: { name: 'Twice' } }]);
    const result = await store.upsert('org-a', 'account', [
      { id: row.id, data: { phone: '1' } },
      { id: row.id, data: { fax: '2' } },
    ]);
    expect(result).toEqual([
      { id: row.id, created: false },
      { id: row.id, created: false },
    ]);
    expect((await store.get('org-a', 'account', [row.id])).get(row.id)!.data).toEqual({ name: 'Twice', phone: '1', fax: '2' });
  });

  it('leaves system fields to the store and refuses fields and objects HotCRM does not have', async () => {
    const [row] = await store.upsert('org-a', 'account', [{ data: { name: 'Sys', id: 'x', last_modified_date: '2000-01-01' } }]);
    expect((await store.get('org-a', 'account', [row.id])).get(row.id)!.data).toEqual({ name: 'Sys' });
    await expect(store.upsert('org-a', 'account', [{ data: { colour: 'red' } }])).rejects.toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'rows.0.data.colour',
    });
    await expect(store.upsert('org-a', 'widget', [{ data: {} }])).rejects.toBeInstanceOf(BadUserInputError);
    await expect(store.upsert('org-a', 'account', [{ id: 'acc-1', data: { name: 'x' } }])).rejects.toMatchObject({ field: 'rows.0.id' });
    expect(await store.upsert('org-a', 'account', [])).toEqual([]);
  });
});

describe('BuiltInCrmStore.changedSince', () => {
  it('pages 250 records written in the same instant, each exactly once', async () => {
    const rows = await store.upsert(
      'org-page',
      'opportunity',
      Array.from({ length: 250 }, (_, i) => ({ data: { name: `Deal ${i}` } })),
    );
    const stamps: { n: number }[] = await db.query("SELECT count(DISTINCT last_modified_date)::int AS n FROM crm_record WHERE organization_id = 'org-page'");
    expect(stamps[0].n).toBe(1);

    const { seen, pages } = await readAll('org-page', 'opportunity', 100);
    expect(pages).toBe(4); // 100, 100, 50, then an empty page
    expect(seen).toHaveLength(250);
    expect(new Set(seen)).toEqual(new Set(rows.map((r) => r.id)));
  });

  it('keeps microseconds in the position, so records a microsecond apart in one millisecond are not skipped or repeated', async () => {
    const rows = await store.upsert(
      'org-micro',
      'invoice',
      Array.from({ length: 250 }, (_, i) => ({ data: { invoice_number: `INV-${i}` } })),
    );
    // Spread the records over one millisecond, a microsecond apart, in an order unrelated to id.
    await db.query(
      `UPDATE crm_record SET last_modified_date = '2026-01-01T00:00:00.123Z'::timestamptz + ((hashtext(id::text) & 511) % 1000) * interval '1 microsecond'
        WHERE organization_id = 'org-micro'`,
    );
    const { seen } = await readAll('org-micro', 'invoice', 7);
    expect(seen).toHaveLength(250);
    expect(new Set(seen)).toEqual(new Set(rows.map((r) => r.id)));
    const first = await store.changedSince('org-micro', 'invoice', null, 1);
    expect(first.next!.at).toMatch(/^2026-01-01T00:00:00\.123\d{3}Z$/);
  });

  it('returns a record updated after the checkpoint, and only that one', async () => {
    const rows = await store.upsert('org-upd', 'account', [{ data: { name: 'A' } }, { data: { name: 'B' } }, { data: { name: 'C' } }]);
    const caughtUp = await store.changedSince('org-upd', 'account', null, 10);
    expect(caughtUp.records).toHaveLength(3);
    expect(await store.changedSince('org-upd', 'account', caughtUp.next, 10)).toEqual({ records: [], next: null });

    await store.upsert('org-upd', 'account', [{ id: rows[0].id, data: { name: 'A2' } }]);
    const changed = await store.changedSince('org-upd', 'account', caughtUp.next, 10);
    expect(changed.records.map((r) => [r.id, r.data.name])).toEqual([[rows[0].id, 'A2']]);
    expect(changed.next).toEqual({ at: expect.any(String), id: rows[0].id });
  });

  it('refuses a limit out of range and a position it did not return', async () => {
    await expect(store.changedSince('org-upd', 'account', null, 0)).rejects.toMatchObject({ field: 'limit' });
    await expect(store.changedSince('org-upd', 'account', { at: 'yesterday', id: 'x' }, 10)).rejects.toMatchObject({ field: 'after' });
  });
});

describe('BuiltInCrmStore across organizations and deletes', () => {
  it("never reads, merges into or deletes another organization's records", async () => {
    const [mine] = await store.upsert('org-iso-1', 'account', [{ data: { name: 'Mine' } }]);
    expect((await store.get('org-iso-2', 'account', [mine.id])).size).toBe(0);
    expect((await store.changedSince('org-iso-2', 'account', null, 100)).records).toEqual([]);
    expect(await store.delete('org-iso-2', 'account', [mine.id])).toBe(0);

    // The same id in another org is another record: created there, the first one untouched.
    expect(await store.upsert('org-iso-2', 'account', [{ id: mine.id, data: { name: 'Theirs' } }])).toEqual([{ id: mine.id, created: true }]);
    expect((await store.get('org-iso-1', 'account', [mine.id])).get(mine.id)!.data).toEqual({ name: 'Mine' });
    // ...and objects are apart too.
    expect((await store.get('org-iso-1', 'contact', [mine.id])).size).toBe(0);
  });

  it('deletes live records, counts them once, and hides them from reads', async () => {
    const rows = await store.upsert('org-del', 'contact', [{ data: { last_name: 'Gone' } }, { data: { last_name: 'Stays' } }]);
    const before = await store.changedSince('org-del', 'contact', null, 10);
    expect(await store.delete('org-del', 'contact', [rows[0].id, 'not-a-uuid'])).toBe(1);
    expect(await store.delete('org-del', 'contact', [rows[0].id])).toBe(0);
    expect(await store.delete('org-del', 'contact', [])).toBe(0);

    const found = await store.get(
      'org-del',
      'contact',
      rows.map((r) => r.id),
    );
    expect([...found.keys()]).toEqual([rows[1].id]);
    expect((await store.changedSince('org-del', 'contact', null, 10)).records.map((r) => r.id)).toEqual([rows[1].id]);
    expect((await store.changedSince('org-del', 'contact', before.next, 10)).records).toEqual([]);

    // Written again, a deleted record comes back with only the new fields.
    expect(await store.upsert('org-del', 'contact', [{ id: rows[0].id, data: { first_name: 'Back' } }])).toEqual([{ id: rows[0].id, created: false }]);
    expect((await store.get('org-del', 'contact', [rows[0].id])).get(rows[0].id)!.data).toEqual({ first_name: 'Back' });
  });

  it('answers ids that cannot name a record without asking the database', async () => {
    expect((await store.get('org-del', 'contact', ['acc-1', ''])).size).toBe(0);
    expect(statements).toHaveLength(0);
  });
});
