import { explainProviderError, Explained } from '../knowledge/error-knowledge';
import type { FindingKind } from '../knowledge/knowledge.types';
import { leadingCode, parseProviderFailure, unwrapEngineMessage } from './error-signature';
import type { FindingCode } from './finding-catalog';

/** One error observed: a log line, or a failed run's errorDetails when it logged none. */
export interface ErrorEvent {
  message: string;
  /** sync_log.code: the engine's code (MAPPING_FAILED, WRITE_FAILED, RETRY, PARENT_NOT_LINKED, ...) or the contract code of the error. */
  code: string | null;
  level: 'warn' | 'error';
  at: Date;
  runId: string;
  /** The connector key of the connection the run used: the provider when the message does not name one. */
  connectorKey: string;
  authType: string;
}

export interface Classified {
  code: FindingCode;
  /** What the knowledge base said about it; null for engine findings with no provider side. */
  explained: Explained | null;
}

/** Engine log codes that already say what happened. */
const ENGINE_CODES: Record<string, FindingCode> = { PARENT_NOT_LINKED: 'PARENT_NOT_LINKED' };

/**
 * Maps one error to a stable finding code, with the provider knowledge that explains it: the
 * engine's own code when it is decisive, else the provider failure inside the message (provider,
 * status, the provider's code or text), else the whole message, else the log code as a hint.
 */
export function classifyError(event: ErrorEvent): Classified {
  const engine = event.code ? ENGINE_CODES[event.code] : undefined;
  if (engine) return { code: engine, explained: null };
  const cause = unwrapEngineMessage(event.message);
  const failure = parseProviderFailure(cause);
  const explained = failure
    ? explainProviderError({ provider: failure.provider, status: failure.status, code: leadingCode(failure.detail), message: failure.detail ?? cause })
    : explainProviderError({ provider: event.connectorKey, message: cause });
  let kind: FindingKind = explained.kind;
  // An OAuth connection's 401 outlived the refresh-on-401, so its tokens are what is refused.
  if (kind === 'INVALID_CREDENTIALS' && explained.matchedBy === 'http-status' && event.authType === 'OAUTH2') kind = 'OAUTH_TOKEN_EXPIRED';
  if (kind === 'UNKNOWN_ERROR') kind = hintedKind(event.code) ?? kind;
  return { code: kind, explained: kind === 'UNKNOWN_ERROR' ? null : explained };
}

function hintedKind(code: string | null): FindingKind | null {
  if (code === 'MAPPING_FAILED' || code === 'MAPPING_TYPE_MISMATCH') return 'MAPPING_TYPE_MISMATCH';
  if (code === 'RATE_LIMITED') return 'RATE_LIMITED';
  if (code === 'INTERNAL_SERVER_ERROR') return 'PROVIDER_OUTAGE';
  return null;
}
