import { randomUUID } from 'node:crypto';
import { seedRunHistory, wobble, HistoryRun } from './support/run-history';
import { seed } from './support/seed';
import { gatewayToken, startTestService, TestService } from './support/service';

const INSIGHTS = `query($id: ID!) { syncInsights(syncConfigId: $id) {
  dataQualityIssues { severity code title explanation suggestedFix occurrences sample }
  anomalies { metric observed expected detectedAt explanation }
  recommendedFrequency recommendationReason } }`;

/** 30 ordinary runs: about 100 records in about a second, each finding some 40 changes. */
const stable = (n = 30): HistoryRun[] =>
  Array.from({ length: n }, (_, i) => ({ processed: wobble(100, 4, i), durationMs: wobble(1000, 60, i), updated: wobble(40, 5, i) }));

/**
 * syncInsights through GraphQL on seeded run histories (the engine's sync_run shape) and seeded
 * synced records (crm_record rows linked by external_link, as the sync leaves them).
 */
describe('syncInsights', () => {
  let t: TestService;
  let connectionId: string;

  const newConfig = async (row: Record<string, unknown> = {}, connection = connectionId) =>
    seed.syncConfig(t.service.db, 'default', connection, { name: `cfg ${randomUUID()}`, ...row });
  const insights = async (id: string, token?: string) => {
    const res = await t.gql(INSIGHTS, { id }, token);
    if (token === undefined) expect(res.errors).toBeUndefined();
    return res;
  };

  beforeAll(async () => {
    t = await startTestService();
    connectionId = await seed.connection(t.service.db, 'default');
  });
  afterAll(async () => {
    await t.stop();
  });

  describe('anomalies from run history', () => {
    it('flags nothing on a stable history', async () => {
      const config = await newConfig();
      await seedRunHistory(t.service.db, 'default', config, stable());
      const res = await insights(config);
      expect(res.data!.syncInsights.anomalies).toEqual([]);
    });

    it('flags a spike in records processed, with what was expected', async () => {
      const config = await newConfig();
      await seedRunHistory(t.service.db, 'default', config, [...stable(), { processed: 2400, durationMs: 1050, updated: 40 }]);
      const [anomaly, ...rest] = (await insights(config)).data!.syncInsights.anomalies;
      expect(rest).toEqual([]);
      expect(anomaly).toMatchObject({ metric: 'recordsProcessed', observed: 2400 });
      expect(anomaly.expected).toBeGreaterThanOrEqual(96);
      expect(anomaly.expected).toBeLessThanOrEqual(104);
      expect(anomaly.explanation).toMatch(/processed 2,400 records; the previous 30 processed a median of 10\d/);
      expect(new Date(anomaly.detectedAt).getTime()).toBeGreaterThan(Date.now() - 10 * 60_000);
    });

    it('flags a drop in volume too', async () => {
      const config = await newConfig();
      await seedRunHistory(t.service.db, 'default', config, [...stable(), { processed: 3, durationMs: 980 }]);
      const anomalies = (await insights(config)).data!.syncInsights.anomalies;
      expect(anomalies).toEqual([expect.objectContaining({ metric: 'recordsProcessed', observed: 3 })]);
      expect(anomalies[0].explanation).toMatch(/far fewer records/);
    });

    it('flags a run that took much longer, but not one that was faster', async () => {
      const slow = await newConfig();
      await seedRunHistory(t.service.db, 'default', slow, [...stable(), { processed: 101, durationMs: 9000 }]);
      const anomalies = (await insights(slow)).data!.syncInsights.anomalies;
      expect(anomalies).toEqual([expect.objectContaining({ metric: 'durationMs', observed: 9000 })]);
      expect(anomalies[0].expected).toBeGreaterThan(900);
      expect(anomalies[0].expected).toBeLessThan(1100);

      const fast = await newConfig();
      await seedRunHistory(t.service.db, 'default', fast, [...stable(), { processed: 101, durationMs: 50 }]);
      expect((await insights(fast)).data!.syncInsights.anomalies).toEqual([]);
    });

    it('flags a burst of failed runs against a history that rarely fails, and names the error', async () => {
      const config = await newConfig();
      const history = stable();
      history[10] = { status: 'FAILED', processed: 20 }; // one failure in 30 is the baseline
      await seedRunHistory(t.service.db, 'default', config, [
        ...history,
        { processed: 99 },
        { status: 'FAILED', processed: 0 },
        { status: 'FAILED', processed: 0 },
        { status: 'FAILED', processed: 0, errorDetails: 'invalid_grant: refresh token revoked' },
      ]);
      const anomalies = (await insights(config)).data!.syncInsights.anomalies;
      const failure = anomalies.find((a: any) => a.metric === 'failureRate');
      expect(failure).toMatchObject({ observed: 0.6 });
      expect(failure.expected).toBeCloseTo(1 / 29, 5);
      expect(failure.explanation).toMatch(/3 of the last 5 runs failed .* invalid_grant: refresh token revoked/);
    });

    it('does not call one failure in a mostly healthy history a spike', async () => {
      const config = await newConfig();
      await seedRunHistory(t.service.db, 'default', config, [...stable(), { status: 'FAILED', processed: 0 }]);
      expect((await insights(config)).data!.syncInsights.anomalies).toEqual([]);
    });

    it('flags a jump in records failing within runs', async () => {
      const config = await newConfig();
      await seedRunHistory(t.service.db, 'default', config, [...stable(), { processed: 100, failed: 35 }]);
      const anomalies = (await insights(config)).data!.syncInsights.anomalies;
      expect(anomalies).toEqual([expect.objectContaining({ metric: 'recordFailureRate', observed: 0.35, expected: 0 })]);
    });

    it('compares a FULL run only with FULL runs, and needs a baseline at all', async () => {
      const mixed = await newConfig();
      // Every third run is a FULL re-read of 5,000 records, the others read about 20 changes:
      // routine for this config, so a FULL run of 5,010 is not a spike.
      const history = stable().map((r, i): HistoryRun =>
        i % 3 === 0 ? { ...r, mode: 'FULL', processed: wobble(5000, 40, i) } : { ...r, mode: 'INCREMENTAL', processed: wobble(20, 3, i) },
      );
      await seedRunHistory(t.service.db, 'default', mixed, [...history, { mode: 'FULL', processed: 5010 }]);
      expect((await insights(mixed)).data!.syncInsights.anomalies).toEqual([]);

      const young = await newConfig();
      await seedRunHistory(t.service.db, 'default', young, [...stable(5), { processed: 90_000 }]);
      expect((await insights(young)).data!.syncInsights.anomalies).toEqual([]);
    });
  });

  describe('data quality of the synced records', () => {
    /** Links `records` to `config` as the inbound sync does: a crm_record row and an external_link to it. */
    async function synced(config: string, object: string, records: Record<string, unknown>[], syncedAt: Date) {
      const db = t.service.db;
      for (const data of records) {
        const [{ id }] = await db.query(`INSERT INTO crm_record (organization_id, object, data) VALUES ('default', $1, $2::jsonb) RETURNING id`, [
          object,
          JSON.stringify(data),
        ]);
        await seed.externalLink(db, 'default', connectionId, {
          sync_config_id: config,
          internal_object: object,
          internal_id: id,
          last_synced_data: data,
          last_synced_at: syncedAt,
          updated_at: syncedAt,
        });
      }
    }

    it('finds invalid emails, phones and dates, duplicates, and a field that went empty', async () => {
      const config = await newConfig({ target_object: 'contact' });
      const before = new Date(Date.now() - 3 * 3_600_000);
      const earlier = Array.from({ length: 20 }, (_, i) => ({
        first_name: `Person${i}`,
        last_name: 'Earlier',
        email: `p${i}@example.com`,
        phone: '+49 30 1234567',
        birthdate: '1980-04-12',
      }));
      earlier[0].email = 'not-an-email';
      earlier[1].email = 'bob@example';
      earlier[2].phone = 'call me';
      earlier[3].birthdate = '1713916800' as string;
      earlier[4].email = 'p5@Example.com '; // same person as earlier[5] once trimmed and lower-cased
      await synced(config, 'contact', earlier, before);
      // The latest run (started an hour ago) wrote records without phones: a broken mapping rule.
      const latest = Array.from({ length: 15 }, (_, i) => ({
        first_name: `New${i}`,
        last_name: 'Latest',
        email: `n${i}@example.org`,
        phone: null,
        birthdate: i === 0 ? '2999-01-01' : '1990-02-28',
      }));
      latest[1].first_name = 'Person6'; // same name as an earlier record
      latest[1].last_name = 'earlier.';
      await synced(config, 'contact', latest, new Date());
      // The latest run started ten minutes ago and is still the one that wrote `latest`.
      await seedRunHistory(t.service.db, 'default', config, [{ processed: 20 }, { processed: 15, durationMs: 600_000 }], 120, 0);

      const issues: any[] = (await insights(config)).data!.syncInsights.dataQualityIssues;
      const byCode = Object.fromEntries(issues.map((i) => [i.code, i]));
      expect(Object.keys(byCode).sort()).toEqual(['DUPLICATE_EMAIL', 'DUPLICATE_NAME', 'INVALID_DATE', 'INVALID_EMAIL', 'INVALID_PHONE', 'NULL_RATE_JUMP']);
      expect(byCode.INVALID_EMAIL).toMatchObject({ severity: 'WARNING', occurrences: 2 });
      expect(byCode.INVALID_PHONE).toMatchObject({ severity: 'WARNING', occurrences: 1 });
      expect(byCode.INVALID_PHONE.sample).toContain('"call me"');
      expect(byCode.INVALID_PHONE.suggestedFix).toContain('PHONE_E164');
      // The Unix timestamp and the birthdate in the future.
      expect(byCode.INVALID_DATE).toMatchObject({ severity: 'ERROR', occurrences: 2 });
      expect(byCode.INVALID_DATE.suggestedFix).toContain('DATE_FORMAT');
      expect(byCode.DUPLICATE_EMAIL).toMatchObject({ occurrences: 1 });
      expect(byCode.DUPLICATE_NAME).toMatchObject({ severity: 'INFO', occurrences: 1 });
      expect(byCode.NULL_RATE_JUMP).toMatchObject({ title: "'phone' went empty", occurrences: 15 });
      expect(byCode.NULL_RATE_JUMP.explanation).toMatch(/empty on 100 % of the 15 records the latest run synced, against 0 % of the 20 synced before/);
      // Errors first.
      expect(issues[0].code).toBe('INVALID_DATE');
    });

    it('reports nothing for clean records', async () => {
      const config = await newConfig();
      await synced(
        config,
        'account',
        Array.from({ length: 12 }, (_, i) => ({
          name: `Company ${i}`,
          email: `billing@company${i}.com`,
          phone: '+1 (415) 555-01' + String(i).padStart(2, '0'),
        })),
        new Date(),
      );
      expect((await insights(config)).data!.syncInsights.dataQualityIssues).toEqual([]);
    });
  });

  describe('recommended frequency', () => {
    it('matches the schedule to the change rate', async () => {
      const config = await newConfig({ frequency: 'every 5m' });
      // 50 changes an hour: a page of changes every two hours.
      await seedRunHistory(
        t.service.db,
        'default',
        config,
        Array.from({ length: 10 }, () => ({ processed: 50, updated: 50 })),
        60,
      );
      const res = (await insights(config)).data!.syncInsights;
      expect(res.recommendedFrequency).toBe('every 2h');
      expect(res.recommendationReason).toMatch(/^About 50 records change per hour \(450 records created, updated or deleted in 9 runs over 9 h\)/);
      expect(res.recommendationReason).toContain('Stripe');
      expect(res.recommendationReason).toMatch(/Currently every 5m\.$/);

      const busy = await newConfig();
      await seedRunHistory(
        t.service.db,
        'default',
        busy,
        Array.from({ length: 10 }, () => ({ processed: 1000, created: 200, updated: 800 })),
        15,
      );
      expect((await insights(busy)).data!.syncInsights.recommendedFrequency).toBe('every 5m');

      const quiet = await newConfig();
      await seedRunHistory(
        t.service.db,
        'default',
        quiet,
        Array.from({ length: 6 }, () => ({ processed: 100 })),
        60,
      );
      const idle = (await insights(quiet)).data!.syncInsights;
      expect(idle.recommendedFrequency).toBe('daily');
      expect(idle.recommendationReason).toMatch(/No record changed in the last 5 runs/);
    });

    it("lengthens the schedule to stay within the provider's rate budget", async () => {
      // Slack allows 1 request per second; full re-reads of 200,000 records cost 2,000 requests each.
      const slack = await seed.connection(t.service.db, 'default', { connector_key: 'slack', name: 'Slack' });
      const config = await newConfig({}, slack);
      await seedRunHistory(
        t.service.db,
        'default',
        config,
        Array.from({ length: 10 }, () => ({ processed: 200_000, updated: 2000 })),
        60,
      );
      const res = (await insights(config)).data!.syncInsights;
      expect(res.recommendedFrequency).toBe('every 6h');
      expect(res.recommendationReason).toMatch(
        /A shorter schedule \(every 5 minutes\) would take over 25 % of Slack's budget of 1 requests per 1 s, so it is lengthened\./,
      );
    });

    it('declines to recommend without enough history, and says why', async () => {
      const config = await newConfig();
      await seedRunHistory(t.service.db, 'default', config, [{ processed: 10 }, { status: 'FAILED' }]);
      const res = (await insights(config)).data!.syncInsights;
      expect(res.recommendedFrequency).toBeNull();
      expect(res.recommendationReason).toBe('Needs 3 completed runs to measure how fast records change; 1 so far. Keeping hourly.');
      expect(res.dataQualityIssues).toEqual([]);
      expect(res.anomalies).toEqual([]);
    });
  });

  describe('input and tenancy', () => {
    it('answers NOT_FOUND for an id that is not a UUID, an unknown config and another organization’s', async () => {
      const config = await newConfig();
      for (const id of ['not-a-uuid', randomUUID()]) {
        const res = await t.gql(INSIGHTS, { id });
        expect(res.errors?.[0].extensions?.code).toBe('NOT_FOUND');
      }
      const other = await t.gql(INSIGHTS, { id: config }, await gatewayToken('org-b', ['read:sync']));
      expect(other.errors?.[0].extensions?.code).toBe('NOT_FOUND');
      expect(other.data).toBeNull();
    });

    it('needs read:sync', async () => {
      const config = await newConfig();
      const res = await t.gql(INSIGHTS, { id: config }, await gatewayToken('default', ['read:connections']));
      expect(res.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    });
  });
});
