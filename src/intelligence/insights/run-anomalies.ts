import { binomialTail, robustScore } from './robust-stats';
import type { DetectedAnomaly, RunSample } from './run-sample';

/** Fewer comparable runs than this and there is no "normal" to compare with: nothing is flagged. */
export const MIN_BASELINE_RUNS = 8;
/** A modified z-score past 3.5 is an outlier (Iglewicz and Hoaglin's cut-off). */
export const Z_THRESHOLD = 3.5;
/** Run failures are judged over this many latest runs, so one failure is not yet a trend. */
export const FAILURE_WINDOW = 5;
/** Flag run failures when seeing this many in the window at the baseline rate is less likely than 1 %. */
export const FAILURE_P_VALUE = 0.01;
/** Records failing in one run: at least this many before a rate counts (1 of 10 is noise). */
const MIN_FAILED_RECORDS = 3;

/**
 * Floors under the spread, per metric, so a perfectly steady history (σ = 0) does not flag a
 * one-record or ten-millisecond wobble: volume moves by at least 15 % or 3 records, duration by
 * 25 % or half a second, record failure rates by 2 points.
 */
const minSigma = {
  recordsProcessed: (m: number) => Math.max(3, 0.15 * Math.abs(m)),
  durationMs: (m: number) => Math.max(500, 0.25 * Math.abs(m)),
  recordFailureRate: () => 0.02,
};

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits });
const pct = (r: number) => `${fmt(r * 100, 1)} %`;

/**
 * Anomalies of run `target` of `history` (finished runs, oldest first) against the runs before
 * it. Volume and duration compare COMPLETED runs of the same mode only: a FULL run reads every
 * record and is not a spike next to INCREMENTAL ones; a failed run's counts stop mid-way.
 */
export function anomaliesOfRun(history: readonly RunSample[], target: number): DetectedAnomaly[] {
  const run = history[target];
  const before = history.slice(0, target);
  return [failureSpike(history, target), recordFailureSpike(run, before), volumeChange(run, before), durationSpike(run, before)].filter(
    (a): a is DetectedAnomaly => a !== null,
  );
}

/**
 * The latest anomaly per metric among the last `recent` runs: what syncInsights reports. Each run
 * is judged against the runs before it, as it was when it ended.
 */
export function recentAnomalies(history: readonly RunSample[], recent = FAILURE_WINDOW): DetectedAnomaly[] {
  const latest = new Map<string, DetectedAnomaly>();
  for (let i = Math.max(0, history.length - recent); i < history.length; i++) {
    for (const anomaly of anomaliesOfRun(history, i)) latest.set(anomaly.metric, anomaly);
  }
  return [...latest.values()].sort((a, b) => b.score - a.score);
}

function failureSpike(history: readonly RunSample[], target: number): DetectedAnomaly | null {
  const run = history[target];
  if (run.status !== 'FAILED') return null; // the alert belongs to the run that tipped it
  const windowStart = Math.max(0, target + 1 - FAILURE_WINDOW);
  const window = history.slice(windowStart, target + 1);
  const baseline = history.slice(0, windowStart);
  if (window.length < FAILURE_WINDOW || baseline.length < MIN_BASELINE_RUNS) return null;
  const failures = window.filter((r) => r.status === 'FAILED').length;
  const baseFailures = baseline.filter((r) => r.status === 'FAILED').length;
  // Laplace's rule: a spotless baseline still admits the odd failure rather than rate 0.
  const p = (baseFailures + 1) / (baseline.length + 2);
  const tail = binomialTail(failures, window.length, p);
  if (failures < 2 || tail >= FAILURE_P_VALUE) return null;
  const observed = failures / window.length;
  const expected = baseFailures / baseline.length;
  return {
    code: 'SYNC_FAILURE_SPIKE',
    metric: 'failureRate',
    severity: failures === window.length ? 'ERROR' : 'WARNING',
    observed,
    expected,
    score: -Math.log10(Math.max(tail, 1e-12)),
    runId: run.id,
    detectedAt: run.completedAt,
    explanation:
      `${failures} of the last ${window.length} runs failed (${pct(observed)}), against ${pct(expected)} in the ${baseline.length} runs before ` +
      `(chance at that rate: ${tail < 0.0001 ? '< 0.01 %' : pct(tail)}). Latest error: ${truncate(run)}. troubleshoot(syncConfigId) groups the errors.`,
  };
}

function recordFailureSpike(run: RunSample, before: readonly RunSample[]): DetectedAnomaly | null {
  if (run.processed <= 0 || run.failed < MIN_FAILED_RECORDS) return null;
  const baseline = before.filter((r) => r.processed > 0).map((r) => r.failed / r.processed);
  if (baseline.length < MIN_BASELINE_RUNS) return null;
  const observed = run.failed / run.processed;
  const score = robustScore(observed, baseline, minSigma.recordFailureRate());
  if (score.z < Z_THRESHOLD) return null;
  return {
    code: 'SYNC_RECORD_FAILURE_SPIKE',
    metric: 'recordFailureRate',
    severity: observed >= 0.5 ? 'ERROR' : 'WARNING',
    observed,
    expected: score.expected,
    score: score.z,
    runId: run.id,
    detectedAt: run.completedAt,
    explanation:
      `${fmt(run.failed)} of ${fmt(run.processed)} records failed (${pct(observed)}); ` +
      `runs usually lose ${pct(score.expected)} (robust z ${fmt(score.z, 1)}). ` +
      'A new required field, a mapping transform that rejects new values or a validation rule on the target is the usual cause; the run log names each record.',
  };
}

function comparable(run: RunSample, before: readonly RunSample[]): RunSample[] {
  return before.filter((r) => r.status === 'COMPLETED' && r.mode === run.mode);
}

function volumeChange(run: RunSample, before: readonly RunSample[]): DetectedAnomaly | null {
  if (run.status !== 'COMPLETED') return null;
  const baseline = comparable(run, before).map((r) => r.processed);
  if (baseline.length < MIN_BASELINE_RUNS) return null;
  const score = robustScore(run.processed, baseline, 0);
  const z = (run.processed - score.expected) / Math.max(score.sigma, minSigma.recordsProcessed(score.expected));
  if (Math.abs(z) < Z_THRESHOLD) return null;
  const spike = z > 0;
  return {
    code: spike ? 'SYNC_VOLUME_SPIKE' : 'SYNC_VOLUME_DROP',
    metric: 'recordsProcessed',
    severity: 'WARNING',
    observed: run.processed,
    expected: score.expected,
    score: Math.abs(z),
    runId: run.id,
    detectedAt: run.completedAt,
    explanation:
      `This ${run.mode.toLowerCase()} run processed ${fmt(run.processed)} records; ` +
      `the previous ${baseline.length} processed a median of ${fmt(score.expected)} (robust z ${fmt(z, 1)}). ` +
      (spike
        ? 'A bulk import or backfill at the provider, a widened filter or a reset checkpoint reads this much; check for duplicates if none was planned.'
        : 'The source returned far fewer records than usual: a narrowed filter, a permission change or a moved checkpoint can hide records.'),
  };
}

function durationSpike(run: RunSample, before: readonly RunSample[]): DetectedAnomaly | null {
  if (run.status !== 'COMPLETED' || run.durationMs === null) return null;
  const baseline = comparable(run, before)
    .map((r) => r.durationMs)
    .filter((d): d is number => d !== null);
  if (baseline.length < MIN_BASELINE_RUNS) return null;
  const score = robustScore(run.durationMs, baseline, 0);
  const z = (run.durationMs - score.expected) / Math.max(score.sigma, minSigma.durationMs(score.expected));
  if (z < Z_THRESHOLD) return null; // a faster run is good news
  return {
    code: 'SYNC_DURATION_SPIKE',
    metric: 'durationMs',
    severity: 'WARNING',
    observed: run.durationMs,
    expected: score.expected,
    score: z,
    runId: run.id,
    detectedAt: run.completedAt,
    explanation:
      `This run took ${fmt(run.durationMs / 1000, 1)} s; comparable runs take a median of ${fmt(score.expected / 1000, 1)} s (robust z ${fmt(z, 1)}). ` +
      `It processed ${fmt(run.processed)} records: if that is usual, the provider was slow or rate-limited the sync (look for 429 retries in the run log).`,
  };
}

function truncate(run: RunSample): string {
  const text = run.errorDetails ?? 'none recorded';
  return text.length > 160 ? `${text.slice(0, 157)}...` : text;
}
