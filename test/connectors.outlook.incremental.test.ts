import type { ConnectorCall } from '../src/connectors/connector.handler';
import { outlook as definition } from '../src/providers/outlook/outlook.connector';
import { OAuthServer } from './providers/oauth.server';
import { OutlookServer } from './providers/outlook.server';
import { bindNewConnection, startTestService, TestService } from './support/service';

/**
 * Graph delta's removed items (https://learn.microsoft.com/graph/delta-query-overview: "removed
 * instances are returned with only their id and an @removed node", reason "changed" or "deleted")
 * as an incremental read's deletions, against the local Graph stand-in.
 */
describe('Outlook connector: removed items in delta rounds', () => {
  const handler = definition.handler!;
  let t: TestService;
  let oauth: OAuthServer;
  let graph: OutlookServer;
  let call: ConnectorCall;

  /** A whole delta round from `since`: what it read, what it reports deleted, the deltaLink. */
  const round = async (object: string, since?: unknown) => {
    const out = { records: [] as Record<string, unknown>[], deleted: [] as string[], checkpoint: undefined as unknown };
    let cursor: string | null = null;
    do {
      const page = await handler.list(call, object, { cursor, since, pageSize: 10 });
      out.records.push(...page.records);
      out.deleted.push(...(page.deleted ?? []));
      out.checkpoint = page.checkpoint ?? out.checkpoint;
      cursor = page.nextCursor;
    } while (cursor);
    return out;
  };

  beforeAll(async () => {
    oauth = await new OAuthServer().start();
    graph = await new OutlookServer((token) => oauth.isValid(token)).start();
    t = await startTestService({ PROVIDER_RETRY_BASE_DELAY_MS: '5' });
    const tokens = oauth.issueTokens();
    call = await bindNewConnection(t, {
      connectorKey: 'outlook',
      name: 'Outlook (local)',
      credentials: { accessToken: tokens.access_token, refreshToken: tokens.refresh_token },
      config: { baseUrl: `${graph.url}/v1.0` },
    });
  });
  afterAll(async () => {
    await t.stop();
    await Promise.all([graph.stop(), oauth.stop()]);
  });

  it('reports messages deleted for good and moved to Deleted Items as deletions, never as records', async () => {
    const [kept, hardDeleted, softDeleted] = graph.seedMessages(15);
    const full = await round('messages');
    expect(full).toMatchObject({ deleted: [] });
    expect(full.records).toHaveLength(15);

    graph.update('messages', String(kept.id), { isRead: true });
    graph.remove('messages', String(hardDeleted.id));
    graph.remove('messages', String(softDeleted.id), 'changed');
    const before = graph.requests.length;
    const changes = await round('messages', full.checkpoint);
    const [answer] = graph.requests.slice(before);
    expect(answer.query.has('$deltatoken')).toBe(true);
    expect(changes.records).toEqual([expect.objectContaining({ id: kept.id, isRead: true })]);
    expect(changes.deleted).toEqual([hardDeleted.id, softDeleted.id]);
    expect(changes.records.some((r) => '@removed' in r)).toBe(false);
  });

  it('reports calendar events deleted or moved out of the calendar view as deletions', async () => {
    const [stays, deleted, moved] = ['Stays', 'Deleted', 'Moved away'].map((subject, i) => graph.addEvent(subject, i + 1));
    const full = await round('events');
    expect(full.records.map((r) => r.subject)).toEqual(['Stays', 'Deleted', 'Moved away']);

    const later = (days: number) => ({ dateTime: new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 19), timeZone: 'UTC' });
    await handler.update!(call, 'events', String(stays.id), { subject: 'Stays (renamed)' });
    graph.remove('events', String(deleted.id));
    await handler.update!(call, 'events', String(moved.id), { start: later(700), end: later(700.02) }); // past the 365-day window
    const changes = await round('events', full.checkpoint);
    expect(changes.records).toEqual([expect.objectContaining({ id: stays.id, subject: 'Stays (renamed)' })]);
    expect(changes.deleted).toEqual([deleted.id, moved.id]);
    expect(await round('events', changes.checkpoint)).toMatchObject({ records: [], deleted: [] });
  });

  it('serves removed items as Graph documents them: @odata.type, id and @removed with its reason', async () => {
    const [message] = graph.seedMessages(1);
    const full = await round('messages');
    graph.remove('messages', String(message.id), 'changed');
    const res = await fetch(String(full.checkpoint), { headers: { authorization: `Bearer ${oauth.issueTokens().access_token}` } });
    const body = (await res.json()) as { value: unknown[]; '@odata.deltaLink'?: string };
    expect(body.value).toEqual([{ '@odata.type': '#microsoft.graph.message', id: message.id, '@removed': { reason: 'changed' } }]);
    expect(body['@odata.deltaLink']).toContain('$deltatoken=');
  });
});
