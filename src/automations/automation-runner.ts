import type PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import type { ConnectionEntity } from '../connections/connection.entity';
import type { ConnectionService } from '../connections/connection.service';
import type { ConnectorRuntime } from '../connections/connector-runtime';
import { insertAlerts } from '../intelligence/sql/insert-alerts';
import { bossExecutor } from '../jobs/boss-executor';
import { automationRunJobs } from './automation-run.job';
import type { EmailOpenTracking } from '../connectors/open-tracking';
import { AttemptResult, RunAttempt } from './run-attempt';
import { finishRunAttempts } from './sql/finish-run-attempt';
import { loadRunsToExecute, RunToExecute } from './sql/load-run-to-execute';
import { skipRuns } from './sql/skip-run';
import { startRunAttempts } from './sql/start-run-attempt';

export interface RunnerSettings {
  /** WEBHOOK_RETRY_SCALE: the webhook retry schedules, shrunk in tests. */
  retryScale: number;
  /** AUTOMATION_RUN_TIMEOUT_SECONDS: one attempt's deadline (budget wait and call); the lease adds a margin. */
  runTimeoutSeconds: number;
}

/** Beyond the attempt's deadline, for the bookkeeping after it: the lease and pg-boss's expiry. */
export const LEASE_MARGIN_SECONDS = 15;

/**
 * The automation.run queue's worker, a fetched batch of jobs at a time, in a handful of
 * statements whatever the batch's size: the runs loaded in one, paused automations' runs
 * SKIPPED in one, the attempts claimed and counted (RUNNING, leased) in one committed before any
 * provider is called, the calls made concurrently (RunAttempt), then every attempt's end, the
 * retries' jobs and the alerts in one transaction.
 */
export class AutomationRunner {
  private readonly attempts: RunAttempt;

  constructor(
    private readonly db: DataSource,
    private readonly boss: PgBoss,
    private readonly connections: ConnectionService,
    runtime: ConnectorRuntime,
    settings: RunnerSettings,
    private readonly log: Logger,
    openTracking?: EmailOpenTracking,
  ) {
    this.attempts = new RunAttempt(runtime, settings, openTracking);
    this.leaseSeconds = settings.runTimeoutSeconds + LEASE_MARGIN_SECONDS;
  }

  readonly leaseSeconds: number;

  run(runId: string): Promise<void> {
    return this.runBatch([runId]);
  }

  async runBatch(runIds: string[]): Promise<void> {
    const runs = await loadRunsToExecute(this.db, [...new Set(runIds)]);
    const open = runs.filter((r) => r.status === 'PENDING' || r.status === 'RUNNING');
    // Another job holds these (pg-boss ran a duplicate): look again when that attempt's lease ends.
    const held = open.filter((r) => r.status === 'RUNNING' && r.leaseUntil && new Date(r.leaseUntil) > new Date(r.now));
    for (const r of held) await this.boss.insert(automationRunJobs([{ runId: r.id }], new Date(r.leaseUntil!), this.leaseSeconds));
    const paused = open.filter((r) => r.status === 'PENDING' && !r.isActive);
    await skipRuns(
      this.db,
      paused.map((r) => r.id),
      'the automation was paused (isActive: false) before this run started',
    );
    const due = open.filter((r) => !held.includes(r) && !paused.includes(r));
    if (!due.length) return;
    const claimed = await startRunAttempts(
      this.db,
      due.map((r) => r.id),
      this.leaseSeconds,
    );
    const byId = new Map(due.map((r) => [r.id, r]));
    const connections = new Map<string, Promise<ConnectionEntity>>();
    const connectionOf = (run: RunToExecute) => {
      if (!connections.has(run.connectionId)) connections.set(run.connectionId, this.connections.get(run.organizationId, run.connectionId));
      return connections.get(run.connectionId)!;
    };
    const ends = await Promise.all(
      claimed.map(async (attempt) => {
        const run = byId.get(attempt.runId)!;
        const connection = await connectionOf(run).catch(() => null);
        const end: AttemptResult = connection
          ? await this.attempts.run(run, attempt, connection)
          : {
              status: 'FAILED',
              input: undefined,
              result: null,
              error: 'the connection no longer exists',
              nextAttemptAt: null,
              uncertainSince: null,
              uncounted: false,
            };
        return { run, attempt, end };
      }),
    );
    await this.finish(ends);
  }

  /** Every attempt's end, the next attempts' jobs and the alerts, in one transaction. */
  private async finish(ends: { run: RunToExecute; attempt: { runId: string; attemptCount: number }; end: AttemptResult }[]): Promise<void> {
    await this.db.transaction(async (tx) => {
      const changed = new Set(
        await finishRunAttempts(
          tx,
          ends.map((e) => ({ runId: e.run.id, attemptCount: e.attempt.attemptCount, end: e.end })),
        ),
      );
      const mine = ends.filter((e) => changed.has(e.run.id));
      const retries = mine.filter((e) => e.end.status === 'PENDING' && e.end.nextAttemptAt);
      for (const e of retries)
        await this.boss.insert(automationRunJobs([{ runId: e.run.id }], e.end.nextAttemptAt!, this.leaseSeconds), { db: bossExecutor(tx) });
      for (const e of mine.filter((x) => x.end.alert)) {
        await insertAlerts(tx, e.run.organizationId, [
          {
            severity: 'ERROR',
            code: 'AUTOMATION_CONNECTION_UNAVAILABLE',
            message: `Automation ${e.run.automationName}: ${e.end.alert}`,
            syncConfigId: null,
            connectionId: e.run.connectionId,
            syncRunId: null,
            metric: null,
            observed: null,
            expected: null,
            at: new Date(),
          },
        ]);
      }
    });
    for (const e of ends.filter((x) => x.end.status === 'FAILED')) {
      this.log.info({ runId: e.run.id, automationId: e.run.automationId, err: e.end.error }, 'automation run failed');
    }
  }
}
