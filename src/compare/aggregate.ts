//! Per-choice statistics of a comparison over seeds, and which choice is fastest and which cheapest.

import type { RunDetail } from './run-detail.js';
import type { RunResult } from '../model/run-result.js';
import type { Choice, Dimension, ChoiceSettings } from './grid.js';

/** The numbers of one run that a comparison keeps (what a worker sends back). */
export interface RunSummary {
  seed: number;
  status: 'FINISHED' | 'FAILED';
  /** Why the job failed, or null when it finished. */
  failureCause: string | null;
  /** Seconds. */
  makespan: number;
  tmsCreated: number;
  tmsPeak: number;
  coreSeconds: number;
  gibSeconds: number;
  /** Peak disk bytes of the fullest TaskManager (0 with remote shuffle: nothing is written locally). */
  peakDiskBytes: number;
  restarts: number;
  /** Only when asked for (`batchsim advise`): the cost in CU-seconds and the memory margin. */
  detail?: RunDetail;
}

/** Reduces a run's result to the numbers a comparison shows. */
export function summarizeRun(r: RunResult): RunSummary {
  return {
    seed: r.seed,
    status: r.status,
    failureCause: r.failureCause ?? null,
    makespan: r.makespan,
    tmsCreated: r.taskManagers.created,
    tmsPeak: r.taskManagers.peak,
    coreSeconds: r.cost.coreSeconds,
    gibSeconds: r.cost.gibSeconds,
    peakDiskBytes: r.disk.peakBytesOneTaskManager,
    restarts: r.restarts,
  };
}

/**
 * One choice's statistics over its runs. Failed runs are included in every statistic
 * (their makespan is the time until the job failed); `failed` says how many there were.
 */
export interface ChoiceStats {
  runs: number;
  /** Runs that ended FAILED. */
  failed: number;
  /** Median makespan, seconds (see {@link median}). */
  makespanMedian: number;
  /** 95th percentile of makespan, seconds, nearest-rank (see {@link percentile}). */
  makespanP95: number;
  /** Median TaskManagers created per run. */
  tmsCreatedMedian: number;
  /** Largest peak of live TaskManagers over the runs: the worst case a quota must allow. */
  tmsPeakMax: number;
  coreSecondsMedian: number;
  gibSecondsMedian: number;
  /** Largest disk use of one TaskManager over all runs, bytes. */
  peakDiskBytesMax: number;
  /** Restarts summed over all runs, so that a restart in any seed shows. */
  restartsTotal: number;
}

/** Statistics with the marks a comparison gives. */
export interface MarkedStats extends ChoiceStats {
  /** Lowest median makespan among choices with no failed run (ties: the first). */
  fastest: boolean;
  /** Lowest median core-seconds among choices with no failed run (ties: the first). */
  cheapest: boolean;
}

/** A choice with its runs (in seed order) and statistics. */
export interface ComparedChoice extends Choice {
  runs: RunSummary[];
  stats: MarkedStats;
}

/** Everything a comparison found, ready for the renderers. */
export interface Comparison {
  scenario: string;
  file: string;
  seeds: number[];
  /** The dimensions swept, in grid order; the others keep the scenario's values. */
  swept: Dimension[];
  /** The scenario's own settings. */
  base: ChoiceSettings;
  choices: ComparedChoice[];
}

function sorted(xs: readonly number[]): number[] {
  if (xs.length === 0) throw new RangeError('statistics of an empty list');
  return [...xs].sort((a, b) => a - b);
}

/**
 * Run summaries in run order (choice-major, seeds in order: see `buildRuns`), one list per choice.
 * @throws RangeError when there are not exactly `choices x seeds` of them
 */
export function runsByChoice<T>(choices: number, seeds: number, summaries: readonly T[]): T[][] {
  if (summaries.length !== choices * seeds) throw new RangeError(`expected ${choices * seeds} run summaries, got ${summaries.length}`);
  return Array.from({ length: choices }, (_, i) => summaries.slice(i * seeds, i * seeds + seeds));
}

/** The median: the middle value, or the mean of the two middle values of an even count. @throws RangeError on an empty list */
export function median(xs: readonly number[]): number {
  const s = sorted(xs);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/**
 * The p-th percentile by the nearest-rank method: the smallest value with at least p% of
 * the values at or below it, i.e. the value of rank ceil(p/100 * n) in ascending order
 * (rank 1 for p = 0). Always one of the values, never an interpolation, so a p95 over
 * few seeds is an actual run. @throws RangeError on an empty list or p outside 0..100
 */
export function percentile(xs: readonly number[], p: number): number {
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile ${p} outside 0..100`);
  const s = sorted(xs);
  const rank = Math.max(1, Math.ceil((p / 100) * s.length));
  return s[rank - 1];
}

/** The statistics of one choice's runs. @throws RangeError when there are no runs */
export function choiceStats(runs: readonly RunSummary[]): ChoiceStats {
  const pick = (f: (r: RunSummary) => number) => runs.map(f);
  const makespans = pick((r) => r.makespan);
  return {
    runs: runs.length,
    failed: runs.filter((r) => r.status !== 'FINISHED').length,
    makespanMedian: median(makespans),
    makespanP95: percentile(makespans, 95),
    tmsCreatedMedian: median(pick((r) => r.tmsCreated)),
    tmsPeakMax: Math.max(...pick((r) => r.tmsPeak)),
    coreSecondsMedian: median(pick((r) => r.coreSeconds)),
    gibSecondsMedian: median(pick((r) => r.gibSeconds)),
    peakDiskBytesMax: Math.max(...pick((r) => r.peakDiskBytes)),
    restartsTotal: runs.reduce((n, r) => n + r.restarts, 0),
  };
}

/**
 * Index of the choice with the lowest `key` among those with no failed run; ties go to
 * the first. A choice that failed even once is never recommended, however fast its
 * successful runs were. Returns -1 when every choice had a failure.
 */
export function bestIndex(stats: readonly ChoiceStats[], key: (s: ChoiceStats) => number): number {
  let best = -1;
  stats.forEach((s, i) => {
    if (s.failed === 0 && (best === -1 || key(s) < key(stats[best]))) best = i;
  });
  return best;
}

/** Statistics of every choice, with the fastest and the cheapest marked. */
export function markChoices(stats: readonly ChoiceStats[]): MarkedStats[] {
  const fastest = bestIndex(stats, (s) => s.makespanMedian);
  const cheapest = bestIndex(stats, (s) => s.coreSecondsMedian);
  return stats.map((s, i) => ({ ...s, fastest: i === fastest, cheapest: i === cheapest }));
}

/**
 * Puts a comparison together from the grid and the run summaries in run order (choice-major,
 * seeds in order: see `buildRuns`).
 */
export function buildComparison(args: {
  scenario: string;
  file: string;
  seeds: number[];
  swept: Dimension[];
  base: ChoiceSettings;
  choices: readonly Choice[];
  summaries: readonly RunSummary[];
}): Comparison {
  const perChoice = runsByChoice(args.choices.length, args.seeds.length, args.summaries);
  const marked = markChoices(perChoice.map(choiceStats));
  return {
    scenario: args.scenario,
    file: args.file,
    seeds: [...args.seeds],
    swept: [...args.swept],
    base: { ...args.base },
    choices: args.choices.map((c, i) => ({ ...c, runs: perChoice[i], stats: marked[i] })),
  };
}
