import type { ConnectorCall } from '../src/connectors/connector.handler';
import { quickbooks as definition } from '../src/providers/quickbooks/quickbooks.connector';
import { OAuthServer } from './providers/oauth.server';
import { intuitTime, QuickBooksServer } from './providers/quickbooks.server';
import { bindNewConnection, startTestService, TestService } from './support/service';

/**
 * QuickBooks' incremental reads through Change Data Capture (GET /v3/company/{realmId}/cdc),
 * against the local server speaking Intuit's documented API: changes as full payloads, deleted
 * entities as deletions, the 30-day look-back and the 1,000-object cap as full reads.
 */
describe('QuickBooks connector: incremental reads through Change Data Capture', () => {
  const handler = definition.handler!;
  let t: TestService;
  let oauth: OAuthServer;
  let qbo: QuickBooksServer;
  let call: ConnectorCall;

  beforeAll(async () => {
    oauth = await new OAuthServer().start();
    qbo = await new QuickBooksServer(oauth).start();
    t = await startTestService({ PROVIDER_RETRY_BASE_DELAY_MS: '5' });
    const tokens = oauth.issueTokens();
    call = await bindNewConnection(t, {
      connectorKey: 'quickbooks',
      name: 'direct',
      authType: 'OAUTH2',
      credentials: { accessToken: tokens.access_token, refreshToken: tokens.refresh_token },
      config: { baseUrl: qbo.url, realmId: qbo.realmId },
    });
    const customers = Array.from({ length: 50 }, (_, i) => qbo.add('Customer', { DisplayName: `Customer ${i}`, Active: true }));
    for (let i = 0; i < 5; i++) qbo.add('Invoice', { DocNumber: `10${i}`, CustomerRef: { value: customers[i].Id }, Line: [], TotalAmt: 100 + i });
  });
  afterAll(async () => {
    await t.stop();
    await Promise.all([qbo.stop(), oauth.stop()]);
  });

  it('reads a full read’s checkpoint from Intuit’s `time`, then changes since it through Change Data Capture', async () => {
    const full = await handler.list(call, 'Customer', { pageSize: 1000 });
    expect(full).toMatchObject({ nextCursor: null, checkpoint: qbo.now() });
    const customers = qbo.store.get('Customer')!;
    const changed = [qbo.touch(customers[20], { Notes: 'changed' }), qbo.touch(customers[40], { Notes: 'changed' })];
    const fresh = qbo.add('Customer', { DisplayName: 'Fresh Customer' });
    const page = await handler.list(call, 'Customer', { since: full.checkpoint });
    const cdc = qbo.requests.filter((r) => r.path === `/v3/company/${qbo.realmId}/cdc`).pop()!;
    expect(Object.fromEntries(cdc.query)).toEqual({ entities: 'Customer', changedSince: full.checkpoint, minorversion: '75' });
    expect(page.records.map((r) => r.Id)).toEqual([...changed, fresh].map((c) => c.Id));
    expect(page.records[0]).toMatchObject({ Notes: 'changed', SyncToken: changed[0].SyncToken }); // full payloads
    expect(page).toMatchObject({ deleted: [], nextCursor: null, checkpoint: qbo.now() });
    // Nothing changed since: nothing read, the checkpoint stays.
    expect(await handler.list(call, 'Customer', { since: page.checkpoint })).toEqual({
      records: [],
      deleted: [],
      nextCursor: null,
      checkpoint: page.checkpoint,
    });
    await expect(handler.list(call, 'Customer', { since: "2024-01-01' or 1=1" })).rejects.toThrow('ISO 8601');
  });

  it('sees deleted invoices as deletions, and asks for a full read past 30 days or 1,000 changes', async () => {
    const since = qbo.now();
    const [edited, deletedHere, deletedByApi] = qbo.store.get('Invoice')!.slice(0, 3);
    qbo.touch(edited, { CustomerMemo: { value: 'edited' } });
    qbo.remove('Invoice', deletedHere);
    // The documented delete (POST …/invoice?operation=delete with Id and SyncToken) answers the stub.
    const token = oauth.issueTokens().access_token;
    const res = await fetch(`${qbo.url}/v3/company/${qbo.realmId}/invoice?operation=delete&minorversion=75`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ Id: deletedByApi.Id, SyncToken: deletedByApi.SyncToken }),
    });
    expect(await res.json()).toMatchObject({ Invoice: { domain: 'QBO', status: 'Deleted', Id: deletedByApi.Id } });
    const page = await handler.list(call, 'Invoice', { since });
    expect(page.records.map((r) => r.Id)).toEqual([edited.Id]);
    expect(page.deleted).toEqual([deletedHere.Id, deletedByApi.Id]);
    expect(await handler.get!(call, 'Invoice', String(deletedHere.Id)).catch((e) => e.status)).toBe(400); // Object Not Found

    const old = intuitTime(Date.parse(qbo.now()) - 31 * 86_400_000);
    expect(await handler.list(call, 'Invoice', { since: old })).toEqual({
      records: [],
      nextCursor: null,
      fullReadRequired: expect.stringMatching(/looks back 30 days.*older than fixed days is not supported/),
    });

    const before = qbo.now();
    for (let i = 0; i < 1000; i++) qbo.add('Payment', { CustomerRef: { value: '1' }, TotalAmt: i });
    expect(await handler.list(call, 'Payment', { since: before })).toEqual({
      records: [],
      nextCursor: null,
      fullReadRequired: expect.stringContaining('at most 1,000 objects'),
    });
  });
});
