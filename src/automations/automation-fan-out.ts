import type PgBoss from 'pg-boss';
import type { EntityManager } from 'typeorm';
import type { EventFanOut, RecordedEventFacts } from '../events/event-fan-out';
import { bossExecutor } from '../jobs/boss-executor';
import { CHANGES_CHANNEL } from '../realtime/change-notice';
import { matchingSubscriptions } from '../webhooks/subscription-matcher';
import { automationRunJobs } from './automation-run.job';
import { findAutomationCandidates } from './sql/find-automation-candidates';
import { insertAutomationRuns } from './sql/insert-automation-runs';

/**
 * The outbox's automation step, in the event's transaction: the organization's active
 * automations whose patterns match the type (one statement), those whose filters pass (matched
 * like webhook subscriptions), a PENDING run each with its NOTIFY (one statement, at most one
 * run per automation and event), and their jobs. An event no automation wants costs one indexed
 * SELECT.
 */
export class AutomationFanOut implements EventFanOut {
  constructor(
    private readonly boss: PgBoss,
    private readonly jobExpireSeconds: number,
  ) {}

  async fanOut(tx: EntityManager, organizationId: string, event: RecordedEventFacts): Promise<void> {
    await this.fanOutMany(tx, organizationId, [event]);
  }

  /**
   * A batch (a sync page's record events): the candidates once per distinct type (a page has one
   * or two: <object>.created, .updated), so a page no automation wants costs one or two SELECTs;
   * a run statement per event that some automation wants, and one job insert for them all.
   */
  async fanOutMany(tx: EntityManager, organizationId: string, events: RecordedEventFacts[]): Promise<void> {
    const byType = new Map<string, Awaited<ReturnType<typeof findAutomationCandidates>>>();
    for (const type of new Set(events.map((e) => e.type))) byType.set(type, await findAutomationCandidates(tx, organizationId, type));
    const runs: { id: string }[] = [];
    for (const event of events) {
      const candidates = byType.get(event.type)!;
      if (!candidates.length) continue;
      const ids = matchingSubscriptions(candidates, event);
      if (ids.length) runs.push(...(await insertAutomationRuns(tx, organizationId, event.id, ids, CHANGES_CHANNEL)));
    }
    if (!runs.length) return;
    await this.boss.insert(
      automationRunJobs(
        runs.map((r) => ({ runId: r.id })),
        undefined,
        this.jobExpireSeconds,
      ),
      { db: bossExecutor(tx) },
    );
  }
}
