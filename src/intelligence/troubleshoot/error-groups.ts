import { Severity } from '../intelligence.enums';
import type { Finding } from '../intelligence.type';
import type { Explained } from '../knowledge/error-knowledge';
import { classifyError, ErrorEvent } from './error-classifier';
import { normaliseMessage, redactSecrets } from './error-signature';
import { FINDING_CATALOG, FindingCode } from './finding-catalog';
import type { RunRow } from './troubleshoot.queries';

/** A finding before configuration checks are merged in; lastSeen orders and ages it. */
export interface DraftFinding extends Finding {
  code: FindingCode;
  lastSeen: Date | null;
}

interface Bucket {
  code: FindingCode;
  explained: Explained | null;
  /** Events per normalised message: the biggest group provides the sample. */
  groups: Map<string, ErrorEvent[]>;
}

function describe(explained: Explained): string {
  if (explained.matchedBy === 'http-status') return explained.code.replace('_', ' ');
  if (explained.matchedBy === 'generic') return explained.code;
  return `${explained.provider ?? 'provider'} ${explained.code}`;
}

/**
 * Groups errors by normalised message, classifies each group, and folds groups that come to the
 * same finding and the same documented provider error into one finding with their total count.
 * A finding not seen since the latest successful run is kept, at INFO, as probably resolved.
 */
export function findingsFromErrors(events: ErrorEvent[], runs: RunRow[]): DraftFinding[] {
  const buckets = new Map<string, Bucket>();
  for (const event of events) {
    const classified = classifyError(event);
    const key = `${classified.code}|${classified.explained?.code ?? ''}`;
    let bucket = buckets.get(key);
    if (!bucket) buckets.set(key, (bucket = { code: classified.code, explained: classified.explained, groups: new Map() }));
    const signature = normaliseMessage(event.message);
    bucket.groups.set(signature, [...(bucket.groups.get(signature) ?? []), event]);
  }
  return [...buckets.values()].map((bucket) => toFinding(bucket, runs));
}

function toFinding(bucket: Bucket, runs: RunRow[]): DraftFinding {
  const all = [...bucket.groups.values()].flat();
  const largest = [...bucket.groups.values()].sort((a, b) => b.length - a.length)[0];
  const newest = (events: ErrorEvent[]) => events.reduce((a, b) => (b.at > a.at ? b : a));
  const lastSeen = newest(all).at;
  const runIds = new Set(all.map((e) => e.runId));
  const catalog = FINDING_CATALOG[bucket.code];
  // Resolved-looking: a later run completed without this error. A completed run that logged it
  // (records skipped, the rest synced) does not count.
  const cleanSince = runs.find((r) => r.status === 'COMPLETED' && r.at > lastSeen && !runIds.has(r.id)) ?? null;
  const resolved = cleanSince !== null;
  const { explained } = bucket;
  const parts = [
    catalog.explanation,
    explained ? `${describe(explained)}: ${explained.explanation}` : null,
    `Seen ${all.length} time${all.length === 1 ? '' : 's'} in ${runIds.size} run${runIds.size === 1 ? '' : 's'}` +
      `${bucket.groups.size > 1 ? ` (${bucket.groups.size} distinct messages)` : ''}, last at ${lastSeen.toISOString()}.`,
    resolved ? `A run has completed without it since (${cleanSince.at.toISOString()}), so this may be resolved.` : null,
  ];
  return {
    severity: resolved ? Severity.INFO : catalog.severity,
    code: bucket.code,
    title: catalog.title,
    explanation: parts.filter(Boolean).join(' '),
    // The provider's documented fix is the more precise one, except for a bare HTTP status.
    suggestedFix: explained && explained.matchedBy !== 'http-status' && explained.suggestedFix ? explained.suggestedFix : catalog.suggestedFix,
    occurrences: all.length,
    sample: redactSecrets(newest(largest).message),
    lastSeen,
  };
}
