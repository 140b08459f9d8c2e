import { GENERIC_KNOWLEDGE } from './generic.knowledge';
import { httpStatusKnowledge } from './http-status.knowledge';
import type { FindingKind, KnowledgeEntry } from './knowledge.types';
import { normaliseCode, providerKnowledge } from './knowledge-index';

export interface ErrorQuery {
  provider: string;
  status?: number | null;
  code?: string | null;
  message?: string | null;
}

/** How the answer was found, most specific first. */
export type MatchedBy = 'provider-code' | 'provider-message' | 'generic' | 'http-status' | 'none';

export interface Explained {
  code: string;
  explanation: string;
  suggestedFix: string | null;
  retryable: boolean;
  kind: FindingKind;
  matchedBy: MatchedBy;
  /** The knowledge base that answered (microsoft-graph for "teams"), null when none knows the provider. */
  provider: string | null;
}

const GENERIC_BY_CODE = new Map(GENERIC_KNOWLEDGE.map((e) => [normaliseCode(e.code), e]));

/** A token in a message that can only be a code (snake_case, UPPER_CASE or camelCase), never a bare number. */
const CODE_TOKEN = /\b([A-Za-z]+(?:_[A-Za-z0-9]+)+|[a-z]+[A-Z][A-Za-z]+|[A-Z][a-z]+[A-Z][A-Za-z]+)\b/g;

function answer(entry: KnowledgeEntry, matchedBy: MatchedBy, provider: string | null): Explained {
  return {
    code: entry.code,
    explanation: entry.explanation,
    suggestedFix: entry.suggestedFix,
    retryable: entry.retryable,
    kind: entry.kind,
    matchedBy,
    provider,
  };
}

/**
 * Explains a provider error from its documented meaning: the provider's code first, then its
 * message (the provider's known phrases, a code quoted in the text, network and engine
 * phrases), then the HTTP status. An unknown provider is still answered from the generic
 * phrases and the status, since those mean the same everywhere.
 */
export function explainProviderError(query: ErrorQuery): Explained {
  const provider = providerKnowledge(query.provider);
  const name = provider?.knowledge.name ?? null;
  const code = query.code?.trim() || null;
  const message = query.message?.trim() || null;

  if (code) {
    const hit = provider?.byCode.get(normaliseCode(code)) ?? GENERIC_BY_CODE.get(normaliseCode(code));
    if (hit) return answer(hit, provider?.byCode.has(normaliseCode(code)) ? 'provider-code' : 'generic', name);
  }
  if (message) {
    const byPattern = provider?.knowledge.entries.find((e) => e.patterns?.some((p) => p.test(message)));
    if (byPattern) return answer(byPattern, 'provider-message', name);
    for (const token of message.match(CODE_TOKEN) ?? []) {
      const quoted = provider?.byCode.get(normaliseCode(token));
      if (quoted) return answer(quoted, 'provider-message', name);
    }
    const generic = GENERIC_KNOWLEDGE.find((e) => e.patterns?.some((p) => p.test(message)));
    if (generic) return answer(generic, 'generic', name);
  }
  if (query.status !== null && query.status !== undefined) {
    const byStatus = httpStatusKnowledge(query.status);
    if (byStatus) {
      const explained = answer(byStatus, 'http-status', name);
      // Say so when the provider's own code was not one we know, so nobody mistakes the fallback.
      if (code) explained.explanation = `${query.provider} error "${code}" is not in the knowledge base; by its HTTP status: ${explained.explanation}`;
      return explained;
    }
  }
  return {
    code: 'UNKNOWN_ERROR',
    explanation: code
      ? `${query.provider} error "${code}" is not in the knowledge base and no HTTP status was given.`
      : 'No documented meaning was found for this error.',
    suggestedFix: "Read the provider's message and status page, and run testConnection to see whether the credentials still work.",
    retryable: false,
    kind: 'UNKNOWN_ERROR',
    matchedBy: 'none',
    provider: name,
  };
}
