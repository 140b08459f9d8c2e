import { Severity } from '../intelligence.enums';
import type { Finding } from '../intelligence.type';
import type { RunRow } from './troubleshoot.queries';

const ORDER = [Severity.CRITICAL, Severity.ERROR, Severity.WARNING, Severity.INFO];

/** One line a person reads first: how many findings of which severity, how the runs went, where to start. */
export function summarise(label: string, findings: Finding[], runs: RunRow[]): string {
  const failed = runs.filter((r) => r.status === 'FAILED').length;
  const completed = runs.filter((r) => r.status === 'COMPLETED').length;
  const runPart = runs.length ? `last ${runs.length} run${runs.length === 1 ? '' : 's'}: ${failed} failed, ${completed} completed` : 'no runs yet';
  const actionable = findings.filter((f) => f.severity !== Severity.INFO);
  if (!actionable.length)
    return `${label}: no problems found (${runPart})${findings.length ? `; ${findings.length} informational finding${findings.length === 1 ? '' : 's'}` : ''}.`;
  const counts = ORDER.map((s) => [s, findings.filter((f) => f.severity === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s.toLowerCase()}`)
    .join(', ');
  const top = findings[0];
  return `${label}: ${findings.length} finding${findings.length === 1 ? '' : 's'} (${counts}); ${runPart}. Start with ${top.code}: ${top.title}.`;
}
