import { PROVIDER_KNOWLEDGE } from '../../providers/registry';
import type { KnowledgeEntry, ProviderKnowledge } from './knowledge.types';

/** "Microsoft Teams", "adobe_sign", "Google APIs" → "microsoft-teams", "adobe-sign", "google-apis". */
export function normaliseProviderName(name: string): string {
  return name
    .trim()
    .toLowerCase()
    .replace(/[\s_.]+/g, '-')
    .replace(/-+/g, '-');
}

/** Codes compare case-insensitively, and numeric ones without leading zeros (QuickBooks writes 003200). */
export function normaliseCode(code: string): string {
  const trimmed = code.trim();
  return /^\d+$/.test(trimmed) ? String(Number(trimmed)) : trimmed.toLowerCase();
}

interface IndexedProvider {
  knowledge: ProviderKnowledge;
  byCode: Map<string, KnowledgeEntry>;
}

const BY_ALIAS = new Map<string, IndexedProvider>();
for (const knowledge of PROVIDER_KNOWLEDGE) {
  const indexed: IndexedProvider = { knowledge, byCode: new Map(knowledge.entries.map((e) => [normaliseCode(e.code), e])) };
  for (const alias of [knowledge.name, ...knowledge.aliases]) BY_ALIAS.set(normaliseProviderName(alias), indexed);
}

/** The knowledge base for a connector key or provider name, or null for a provider we hold nothing on. */
export function providerKnowledge(name: string): IndexedProvider | null {
  return BY_ALIAS.get(normaliseProviderName(name)) ?? null;
}
