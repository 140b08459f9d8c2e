import type PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import type { ConnectionService } from '../connections/connection.service';
import { ConnectionStatus } from '../connections/connection.enums';
import type { ConnectorRuntime } from '../connections/connector-runtime';
import { ActionInputValidator } from '../connectors/action-input.validator';
import type { ActionRecovery, ConnectorCall } from '../connectors/connector.handler';
import { insertAlerts } from '../intelligence/sql/insert-alerts';
import { retryDelayMs } from '../webhooks/retry-schedule';
import { RetryPolicy } from '../webhooks/webhook.enums';
import { classifyFailure, FailedAttempt } from './attempt-outcome';
import { automationRunJobs } from './automation-run.job';
import { bossExecutor } from '../jobs/boss-executor';
import { renderInputTemplate, TemplateView } from './input-template';
import { AttemptEnd, finishRunAttempt } from './sql/finish-run-attempt';
import { loadRunToExecute, RunToExecute } from './sql/load-run-to-execute';
import { skipRun } from './sql/skip-run';
import { startRunAttempt, StartedAttempt } from './sql/start-run-attempt';

export interface RunnerSettings {
  /** WEBHOOK_RETRY_SCALE: the webhook retry schedules, shrunk in tests. */
  retryScale: number;
  /** AUTOMATION_RUN_TIMEOUT_SECONDS: one attempt's deadline (budget wait and call); the lease adds a margin. */
  runTimeoutSeconds: number;
}

/** Beyond the attempt's deadline, for the bookkeeping after it: the lease and pg-boss's expiry. */
export const LEASE_MARGIN_SECONDS = 15;
const INTERRUPTED =
  'the worker stopped during the call and the action has no way to check what happened; the provider may have acted, so the run is not sent again (retryAutomationRun sends it anyway)';
const UNANSWERED =
  'an earlier attempt reached the provider without an answer and the action has no way to check what happened; the provider may have acted, so the run is not sent again (retryAutomationRun sends it anyway)';

/**
 * Runs one attempt of an automation run (the automation.run queue's worker). The attempt is
 * claimed and counted (RUNNING) in its own commit before the provider is called; the input is
 * rendered from the event and checked against the action's inputSchema; the call goes through the
 * connection runtime like executeConnectorAction, so the provider's shared rate budget paces it.
 * An attempt that may have reached the provider without an answer is never blindly resent: the
 * action's ActionRecovery settles it, or the run fails saying the provider may have acted.
 */
export class AutomationRunner {
  private readonly validator = new ActionInputValidator();

  constructor(
    private readonly db: DataSource,
    private readonly boss: PgBoss,
    private readonly connections: ConnectionService,
    private readonly runtime: ConnectorRuntime,
    private readonly settings: RunnerSettings,
    private readonly log: Logger,
  ) {}

  get leaseSeconds(): number {
    return this.settings.runTimeoutSeconds + LEASE_MARGIN_SECONDS;
  }

  async run(runId: string): Promise<void> {
    const run = await loadRunToExecute(this.db, runId);
    if (!run || (run.status !== 'PENDING' && run.status !== 'RUNNING')) return;
    if (run.status === 'RUNNING' && run.leaseUntil && new Date(run.leaseUntil) > new Date(run.now)) {
      // Another job holds it (pg-boss ran a duplicate): look again when that attempt's lease ends.
      await this.schedule(run.id, new Date(run.leaseUntil));
      return;
    }
    if (run.status === 'PENDING' && !run.isActive) {
      await skipRun(this.db, run.id, 'the automation was paused (isActive: false) before this run started');
      return;
    }
    const attempt = await startRunAttempt(this.db, run.id, this.leaseSeconds);
    if (!attempt) return;
    const end = await this.attempt(run, attempt).catch((error: unknown) => this.failed(run, attempt, classifyFailure(error), null));
    await this.finish(run, attempt, end);
  }

  private async attempt(run: RunToExecute, attempt: StartedAttempt): Promise<AttemptEnd & { alert?: string }> {
    const connection = await this.connections.get(run.organizationId, run.connectionId);
    if (connection.status === ConnectionStatus.EXPIRED || connection.status === ConnectionStatus.DISCONNECTED) {
      return this.failed(run, attempt, { kind: 'connection', error: `connection ${connection.name} is ${connection.status}: authorize it again` }, null);
    }
    const input = renderInputTemplate(run.inputTemplate, viewOf(run)) as Record<string, unknown>;
    const definition = await this.runtime.definitionOf(connection);
    const declared = definition?.actions.find((a) => a.name === run.action);
    const handler = definition?.handler?.actions[run.action];
    if (!definition || !declared || !handler)
      return this.failed(run, attempt, { kind: 'fail', error: `action ${run.action} is no longer offered by ${connection.connectorKey}` }, input);
    try {
      this.validator.check(declared.inputSchema, input);
    } catch (error) {
      return this.failed(run, attempt, { kind: 'fail', error: `the rendered input does not fit the action's inputSchema: ${(error as Error).message}` }, input);
    }
    const signal = AbortSignal.timeout(this.settings.runTimeoutSeconds * 1000);
    try {
      const { call } = await this.runtime.bind(connection, { signal });
      const recovery = definition.handler?.actionRecovery?.[run.action];
      const uncertainSince = attempt.interruptedSince ?? run.uncertainSince;
      if (uncertainSince) {
        const settled = await this.settle(call, recovery, input, run, new Date(uncertainSince), attempt);
        if (settled) return settled;
      }
      const result = await handler(call, input, { idempotencyKey: run.id });
      return { status: 'SUCCEEDED', input, result: result ?? null, error: null, nextAttemptAt: null, uncertainSince: null, uncounted: false };
    } catch (error) {
      return this.failed(run, attempt, classifyFailure(error), input);
    }
  }

  /** An earlier attempt may have acted: its result when the provider says it did, a failure when nobody can tell, null to send. */
  private async settle(
    call: ConnectorCall,
    recovery: ActionRecovery | undefined,
    input: Record<string, unknown>,
    run: RunToExecute,
    since: Date,
    attempt: StartedAttempt,
  ): Promise<AttemptEnd | null> {
    const why = attempt.interruptedSince ? INTERRUPTED : UNANSWERED;
    if (recovery?.findPrevious) {
      const previous = await recovery.findPrevious(call, input, run.id, since);
      if ('found' in previous && previous.found) {
        this.log.info({ runId: run.id }, 'automation run: the interrupted attempt had acted; its result is kept');
        return { status: 'SUCCEEDED', input, result: previous.result ?? null, error: null, nextAttemptAt: null, uncertainSince: null, uncounted: false };
      }
      if ('found' in previous) return null;
      return this.failed(
        run,
        attempt,
        { kind: 'fail', error: `${why.split(';')[0]}, and checking failed (${previous.unknown}); the provider may have acted` },
        input,
      );
    }
    if (recovery?.idempotentWithKey) return null;
    return this.failed(run, attempt, { kind: 'fail', error: why }, input);
  }

  private failed(run: RunToExecute, attempt: StartedAttempt, failure: FailedAttempt, input: unknown): AttemptEnd & { alert?: string } {
    const base = { input: input ?? undefined, result: null, uncounted: false };
    switch (failure.kind) {
      case 'wait':
        return {
          ...base,
          status: 'PENDING',
          error: failure.error,
          nextAttemptAt: new Date(Date.now() + failure.afterMs),
          uncertainSince: null,
          uncounted: true,
        };
      case 'connection':
        return { ...base, status: 'FAILED', error: failure.error, nextAttemptAt: null, uncertainSince: null, alert: failure.error };
      case 'fail':
        return { ...base, status: 'FAILED', error: failure.error, nextAttemptAt: null, uncertainSince: null };
      case 'retry': {
        const uncertainSince = failure.uncertain ? attempt.startedAt : null;
        const delay =
          attempt.attemptCount <= run.maxRetries
            ? retryDelayMs(run.retryPolicy as RetryPolicy, attempt.attemptCount, { scale: this.settings.retryScale })
            : null;
        if (delay === null) {
          const tries = attempt.attemptCount === 1 ? '1 attempt' : `${attempt.attemptCount} attempts`;
          return { ...base, status: 'FAILED', error: `${failure.error} (after ${tries})`, nextAttemptAt: null, uncertainSince };
        }
        // The provider's Retry-After wins over a shorter schedule: coming back sooner only earns another 429.
        const wait = Math.max(delay, failure.retryAfterMs ?? 0);
        return { ...base, status: 'PENDING', error: failure.error, nextAttemptAt: new Date(Date.now() + wait), uncertainSince };
      }
    }
  }

  /** The attempt's end, the next attempt's job and the alert, in one transaction. */
  private async finish(run: RunToExecute, attempt: StartedAttempt, end: AttemptEnd & { alert?: string }): Promise<void> {
    await this.db.transaction(async (tx) => {
      const held = await finishRunAttempt(tx, run.id, attempt.attemptCount, end);
      if (!held) return;
      if (end.status === 'PENDING' && end.nextAttemptAt) {
        await this.boss.insert(automationRunJobs([{ runId: run.id }], end.nextAttemptAt, this.leaseSeconds), { db: bossExecutor(tx) });
      }
      if (end.alert) {
        await insertAlerts(tx, run.organizationId, [
          {
            severity: 'ERROR',
            code: 'AUTOMATION_CONNECTION_UNAVAILABLE',
            message: `Automation ${run.automationName}: ${end.alert}`,
            syncConfigId: null,
            connectionId: run.connectionId,
            syncRunId: null,
            metric: null,
            observed: null,
            expected: null,
            at: new Date(),
          },
        ]);
      }
    });
    if (end.status === 'FAILED') this.log.info({ runId: run.id, automationId: run.automationId, err: end.error }, 'automation run failed');
  }

  private async schedule(runId: string, at: Date): Promise<void> {
    await this.boss.insert(automationRunJobs([{ runId }], at, this.leaseSeconds));
  }
}

function viewOf(run: RunToExecute): TemplateView {
  const e = run.event;
  return {
    event: {
      id: e.id,
      type: e.type,
      source: e.source,
      objectType: e.objectType,
      recordId: e.recordId,
      data: e.data,
      occurredAt: new Date(e.occurredAt).toISOString(),
    },
  };
}
