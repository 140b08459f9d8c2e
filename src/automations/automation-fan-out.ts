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
    const candidates = await findAutomationCandidates(tx, organizationId, event.type);
    if (!candidates.length) return;
    const ids = matchingSubscriptions(candidates, event);
    if (!ids.length) return;
    const runs = await insertAutomationRuns(tx, organizationId, event.id, ids, CHANGES_CHANNEL);
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
