import { PAGE_SIZE } from '../../sync/engine/inbound-sync';
import { median } from './robust-stats';
import type { RunSample } from './run-sample';

/** A provider's request budget: `limit` requests per `windowSeconds`. */
export interface ProviderBudget {
  provider: string;
  limit: number;
  windowSeconds: number;
}

export interface FrequencyAdvice {
  frequency: string | null;
  reason: string;
}

/** The rate needs at least this many completed runs: the first one's changes piled up for an unknown time. */
export const MIN_RUNS_FOR_RATE = 3;
/**
 * One config may use at most this share of its provider's budget: other configs, actions and
 * token refreshes of the same provider draw from it too.
 */
export const BUDGET_SHARE = 0.25;

/** The schedules we recommend, each a frequency parseFrequency accepts, shortest first. */
const STEPS: { minutes: number; frequency: string; words: string }[] = [
  { minutes: 5, frequency: 'every 5m', words: 'every 5 minutes' },
  { minutes: 15, frequency: 'every 15m', words: 'every 15 minutes' },
  { minutes: 30, frequency: 'every 30m', words: 'every 30 minutes' },
  { minutes: 60, frequency: 'hourly', words: 'hourly' },
  { minutes: 120, frequency: 'every 2h', words: 'every 2 hours' },
  { minutes: 360, frequency: 'every 6h', words: 'every 6 hours' },
  { minutes: 720, frequency: 'every 12h', words: 'every 12 hours' },
  { minutes: 1440, frequency: 'daily', words: 'daily' },
];

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits });

/**
 * A schedule from the observed change rate and the provider's budget. Each run costs at least one
 * list request whatever it finds, so the aim is a run per page of changes (PAGE_SIZE): a config
 * whose records change 100 times an hour runs hourly, one with 2,000 changes an hour every 5
 * minutes, one that barely changes daily. The schedule is then lengthened until the config's
 * estimated requests stay within BUDGET_SHARE of the provider's budget.
 */
export function recommendFrequency(history: readonly RunSample[], current: string, direction: string, budget: ProviderBudget): FrequencyAdvice {
  const completed = history.filter((r) => r.status === 'COMPLETED');
  if (completed.length < MIN_RUNS_FOR_RATE) {
    return {
      frequency: null,
      reason: `Needs ${MIN_RUNS_FOR_RATE} completed runs to measure how fast records change; ${completed.length} so far. Keeping ${current}.`,
    };
  }
  const first = completed[0].completedAt.getTime();
  const last = completed[completed.length - 1].completedAt.getTime();
  const hours = (last - first) / 3_600_000;
  if (hours <= 0)
    return {
      frequency: null,
      reason: `The ${completed.length} completed runs ended at the same moment; no change rate can be measured yet. Keeping ${current}.`,
    };
  // Changes a run finds piled up since the run before it: the first run's count has no known period.
  const changes = completed.slice(1).reduce((n, r) => n + r.created + r.updated + r.deleted, 0);
  const perHour = changes / hours;
  const observed = `${fmt(changes)} records created, updated or deleted in ${completed.length - 1} runs over ${fmt(hours, 1)} h`;
  if (changes === 0) {
    return {
      frequency: 'daily',
      reason:
        `No record changed in the last ${completed.length - 1} runs over ${fmt(hours, 1)} h: ` +
        `a daily run keeps the data current at the least cost. Currently ${current}.`,
    };
  }

  const idealMinutes = (60 * PAGE_SIZE) / perHour;
  let step = 0;
  while (step < STEPS.length - 1 && STEPS[step + 1].minutes <= idealMinutes) step++;
  const fullRead = usualFullRead(completed);
  const cost = (minutes: number) => {
    const perRun = (perHour * minutes) / 60;
    const reads = direction === 'OUTBOUND' ? 1 : Math.max(1, Math.ceil(Math.max(perRun, fullRead) / PAGE_SIZE));
    const writes = direction === 'INBOUND' ? 0 : Math.ceil(perRun);
    return { perRun, requestsPerHour: ((reads + writes) * 60) / minutes };
  };
  const allowedPerHour = ((budget.limit * 3600) / budget.windowSeconds) * BUDGET_SHARE;
  const idealStep = step;
  while (step < STEPS.length - 1 && cost(STEPS[step].minutes).requestsPerHour > allowedPerHour) step++;
  const chosen = STEPS[step];
  const { perRun, requestsPerHour } = cost(chosen.minutes);
  const share = requestsPerHour / ((budget.limit * 3600) / budget.windowSeconds);
  const budgetText = `${budget.provider}'s budget of ${fmt(budget.limit)} requests per ${fmt(budget.windowSeconds)} s`;
  const paced =
    step > idealStep
      ? ` A shorter schedule (${STEPS[idealStep].words}) would take over ${fmt(BUDGET_SHARE * 100)} % of ${budgetText}, so it is lengthened.`
      : '';
  return {
    frequency: chosen.frequency,
    reason:
      `About ${fmt(perHour, perHour < 10 ? 1 : 0)} records change per hour (${observed}). ` +
      `Running ${chosen.words}, each run carries about ${fmt(perRun, perRun < 10 ? 1 : 0)} changes ` +
      `for roughly ${fmt(requestsPerHour, requestsPerHour < 10 ? 1 : 0)} requests per hour, ` +
      `${share < 0.001 ? 'under 0.1' : fmt(share * 100, 1)} % of ${budgetText}.${paced} Currently ${current}.`,
  };
}

/** Records a run reads regardless of changes: a config whose runs are mostly FULL re-reads everything. */
function usualFullRead(completed: readonly RunSample[]): number {
  const full = completed.filter((r) => r.mode === 'FULL');
  return full.length * 2 > completed.length ? median(full.map((r) => r.processed)) : 0;
}
