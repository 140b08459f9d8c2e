import type { ConnectionEntity } from '../connections/connection.entity';
import { ConnectionStatus } from '../connections/connection.enums';
import type { ConnectorRuntime } from '../connections/connector-runtime';
import { ActionInputValidator } from '../connectors/action-input.validator';
import type { ActionRecovery, ConnectorCall } from '../connectors/connector.handler';
import type { EmailOpenTracking } from '../connectors/open-tracking';
import { retryDelayMs } from '../webhooks/retry-schedule';
import { RetryPolicy } from '../webhooks/webhook.enums';
import { classifyFailure, FailedAttempt } from './attempt-outcome';
import { renderInputTemplate, TemplateView } from './input-template';
import type { AttemptEnd } from './sql/finish-run-attempt';
import type { RunToExecute } from './sql/load-run-to-execute';
import type { StartedAttempt } from './sql/start-run-attempt';

export type AttemptResult = AttemptEnd & { alert?: string };

const INTERRUPTED =
  'the worker stopped during the call and the action has no way to check what happened; the provider may have acted, so the run is not sent again (retryAutomationRun sends it anyway)';
const UNANSWERED_NOW =
  'the request may have reached the provider and the action has no way to check what happened; the provider may have acted, so the run is not sent again (retryAutomationRun sends it anyway)';
const UNANSWERED =
  'an earlier attempt reached the provider without an answer and the action has no way to check what happened; the provider may have acted, so the run is not sent again (retryAutomationRun sends it anyway)';

/**
 * One claimed attempt of one run, from its connection to its end: the connection's state, the
 * input rendered from the event and checked against the action's inputSchema, then the call
 * through the connection runtime (as executeConnectorAction makes it, so the provider's shared
 * rate budget paces it). An attempt that follows one which may have reached the provider without
 * an answer first asks the action's ActionRecovery; without one the run fails rather than resend.
 * Never throws: every failure becomes the attempt's end.
 */
export class RunAttempt {
  private readonly validator = new ActionInputValidator();

  constructor(
    private readonly runtime: ConnectorRuntime,
    private readonly settings: { retryScale: number; runTimeoutSeconds: number },
    /** For mail actions whose rendered input asks for open tracking (`track: true`). */
    private readonly openTracking?: EmailOpenTracking,
  ) {}

  async run(run: RunToExecute, attempt: StartedAttempt, connection: ConnectionEntity): Promise<AttemptResult> {
    try {
      return await this.attempt(run, attempt, connection);
    } catch (error) {
      return this.failed(run, attempt, classifyFailure(error), null);
    }
  }

  private async attempt(run: RunToExecute, attempt: StartedAttempt, connection: ConnectionEntity): Promise<AttemptResult> {
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
    const recovery = definition.handler?.actionRecovery?.[run.action];
    try {
      const { call } = await this.runtime.bind(connection, { signal });
      const uncertainSince = attempt.interruptedSince ?? run.uncertainSince;
      if (uncertainSince) {
        const settled = await this.settle(call, recovery, input, run, new Date(uncertainSince), attempt);
        if (settled) return settled;
      }
      const result = await handler(call, input, { idempotencyKey: run.id, openTracking: this.openTracking });
      return { status: 'SUCCEEDED', input, result: result ?? null, error: null, nextAttemptAt: null, uncertainSince: null, uncounted: false };
    } catch (error) {
      const failure = classifyFailure(error);
      // A retry could not tell whether this call acted either: fail now rather than after a wait.
      if (failure.kind === 'retry' && failure.uncertain && !recovery?.findPrevious && !recovery?.idempotentWithKey) {
        return this.failed(run, attempt, { kind: 'fail', error: `${failure.error}; ${UNANSWERED_NOW}` }, input);
      }
      return this.failed(run, attempt, failure, input);
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

  private failed(run: RunToExecute, attempt: StartedAttempt, failure: FailedAttempt, input: unknown): AttemptResult {
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
