import type { FindingKind, KnowledgeEntry } from './knowledge.types';

/** Compact constructor for the provider tables: code, kind, status, retryable, what happened, what to change. */
export function entry(
  code: string,
  kind: FindingKind,
  status: number | undefined,
  retryable: boolean,
  explanation: string,
  suggestedFix: string,
  patterns?: RegExp[],
): KnowledgeEntry {
  return { code, kind, status, retryable, explanation, suggestedFix, patterns };
}
