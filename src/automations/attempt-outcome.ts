import { ConnectionExpiredError } from '../connections/oauth.errors';
import { CONNECT_PHASE_CODES } from '../connectors/http/provider-http';
import { ProviderError } from '../connectors/http/provider-error';
import { RateBudgetExceededError } from '../connectors/http/rate-budget';
import { BadUserInputError } from '../errors';
import { explainProviderError } from '../intelligence/knowledge/error-knowledge';

/** What a failed attempt means for the run. */
export type FailedAttempt =
  /** The shared budget was used up before the call: not an attempt; wait and go again. */
  | { kind: 'wait'; error: string; afterMs: number }
  /** Worth another attempt by the retry policy (429, 5xx, network). `uncertain`: it may have reached the provider. */
  | { kind: 'retry'; error: string; retryAfterMs: number | null; uncertain: boolean }
  /** Cannot succeed as it stands: a provider 4xx, input the schema refuses. */
  | { kind: 'fail'; error: string }
  /** The connection must be authorized again: fail and raise an alert. */
  | { kind: 'connection'; error: string };

/**
 * Sorts an attempt's failure. Provider errors keep the provider's code and message; a 4xx adds
 * the knowledge base's explanation and fix (Slack not_in_channel: invite the app), so the run's
 * error says what to do, as explainError would.
 */
export function classifyFailure(error: unknown): FailedAttempt {
  if (error instanceof RateBudgetExceededError) {
    return { kind: 'wait', error: error.message, afterMs: Math.max(1, error.retryAfterSeconds) * 1000 };
  }
  if (error instanceof ConnectionExpiredError) return { kind: 'connection', error: error.message };
  if (error instanceof ProviderError) return classifyProviderError(error);
  if (error instanceof BadUserInputError) return { kind: 'fail', error: error.message };
  // An abort (the run's deadline) or anything unforeseen: the call may have been sent.
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return { kind: 'retry', error: message, retryAfterMs: null, uncertain: true };
}

function classifyProviderError(error: ProviderError): FailedAttempt {
  const retryAfterMs = error.retryAfterSeconds ? error.retryAfterSeconds * 1000 : null;
  if (error.status === 429 || error.code === 'RATE_LIMITED') return { kind: 'retry', error: error.message, retryAfterMs, uncertain: false };
  if (error.status !== null && error.status >= 500) return { kind: 'retry', error: error.message, retryAfterMs, uncertain: false };
  if (error.status === null) {
    // A guard refusal is configuration; a refused connection never reached the provider; a reset or timeout after sending may have.
    if (error.code === 'BAD_USER_INPUT') return { kind: 'fail', error: error.message };
    return { kind: 'retry', error: error.message, retryAfterMs, uncertain: !CONNECT_PHASE_CODES.has(String(error.providerCode)) };
  }
  const explained = explainProviderError({ provider: error.provider, status: error.status, code: error.providerCode, message: error.providerMessage });
  const explanation = explained.matchedBy === 'none' ? '' : ` ${explained.explanation}${explained.suggestedFix ? ` ${explained.suggestedFix}` : ''}`;
  return { kind: 'fail', error: `${error.message}.${explanation}` };
}
