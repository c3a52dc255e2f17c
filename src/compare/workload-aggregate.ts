//! Per-choice statistics of a multi-job comparison over seeds (jobs' makespans and waits, statuses, cost, queue use), and which choice is fastest and which cheapest.

import type { JobStatus, WorkloadResult } from '../model/run-result.js';
import { median, percentile, runsByChoice } from './aggregate.js';
import type { SweptAxis, WorkloadChoice } from './workload-grid.js';

/** One job of one run: what a comparison keeps of it. */
export interface JobSummary {
  name: string;
  status: JobStatus | 'SKIPPED';
  /** Seconds from its submission to its end. */
  makespan: number;
  /** Seconds its requests for queue capacity waited, summed (the run's `waited`). */
  waited: number;
}

/** The numbers of one multi-job run that a comparison keeps (what a worker sends back). */
export interface WorkloadRunSummary {
  seed: number;
  /** FINISHED when every job finished. */
  status: JobStatus;
  /** The end of the last job, seconds. */
  makespan: number;
  coreSeconds: number;
  gibSeconds: number;
  jobs: JobSummary[];
  /** In the workload's queue order. */
  queues: { peakCu: number; meanCu: number }[];
  /** The first job that failed and why, or null. */
  failureCause: string | null;
}

/** Reduces a multi-job run's result to the numbers a comparison shows. */
export function summarizeWorkloadRun(r: WorkloadResult): WorkloadRunSummary {
  const failed = r.jobs.find((j) => j.status === 'FAILED');
  return {
    seed: r.seed,
    status: r.status,
    makespan: r.makespan,
    coreSeconds: r.cost.coreSeconds,
    gibSeconds: r.cost.gibSeconds,
    jobs: r.jobs.map((j) => ({ name: j.name, status: j.status, makespan: j.makespan, waited: j.waited })),
    queues: r.queues.map((q) => ({ peakCu: q.peakCu, meanCu: q.meanCu })),
    failureCause: failed === undefined ? null : `job \`${failed.name}\`: ${failed.failureCause ?? 'unknown'}`,
  };
}

/** Jobs by how they ended, counted over every run of a choice. */
export interface StatusCounts {
  finished: number;
  failed: number;
  skipped: number;
}

/**
 * Makespan and wait statistics over a set of jobs (every job of every seed, or one entry's
 * jobs). A SKIPPED job never ran, so it counts only in `skipped`; a FAILED one counts with
 * the time until it failed, as a failed run counts in a single-job comparison.
 */
export interface JobStats extends StatusCounts {
  /** Median (p50) and 95th percentile (nearest rank) of the makespans; null when no job ran. */
  makespanP50: number | null;
  makespanP95: number | null;
  /** Mean of the jobs' `waited`, seconds; null when no job ran. */
  meanWait: number | null;
}

/** A queue's use over a choice's runs, CU. */
export interface QueueStats {
  name: string;
  /** The choice's capacity; Infinity when unlimited. */
  capacity: number;
  /** Largest peak over the seeds. */
  peakCuMax: number;
  /** Mean over the seeds of the run's time-weighted mean. */
  meanCuMean: number;
}

/** One choice's statistics over its runs. */
export interface WorkloadChoiceStats {
  runs: number;
  /** Runs in which some job did not finish (FAILED or SKIPPED). */
  failed: number;
  /** Every job of every seed. */
  jobs: JobStats;
  /** Per entry of the scenario (a schedule or an arrival process pools its jobs), in scenario order. */
  perJob: ({ name: string } & JobStats)[];
  /** Median over the seeds of the end of the last job, seconds. */
  lastEndMedian: number;
  coreSecondsMedian: number;
  gibSecondsMedian: number;
  queues: QueueStats[];
}

/** Statistics with the marks a comparison gives. */
export interface MarkedWorkloadStats extends WorkloadChoiceStats {
  /** Lowest job makespan p50 (then p95, then mean wait) among choices where every job finished in every run. */
  fastest: boolean;
  /** Lowest median core-seconds among choices where every job finished in every run. */
  cheapest: boolean;
}

/** A choice with its runs (in seed order) and statistics. */
export interface ComparedWorkloadChoice extends WorkloadChoice {
  runs: WorkloadRunSummary[];
  stats: MarkedWorkloadStats;
}

/** Everything a multi-job comparison found, ready for the renderers. */
export interface WorkloadComparison {
  scenario: string;
  file: string;
  seeds: number[];
  swept: SweptAxis[];
  /** The scenario's queues and capacities. */
  queues: { name: string; capacityCu: number }[];
  /** Each entry's name (what `perJob` is keyed by) with the slot cap(s) its jobs set in the scenario. */
  entries: { name: string; maxSlots: number[] }[];
  /** Jobs per run (the same in every run: arrivals change times, not counts). */
  jobCount: number;
  choices: ComparedWorkloadChoice[];
}

/** The entry a job belongs to: `NAME` for the `NAME#k` jobs of a schedule or an arrival process. */
export function entryOf(jobName: string): string {
  const mark = jobName.indexOf('#');
  return mark < 0 ? jobName : jobName.slice(0, mark);
}

function jobStats(jobs: readonly JobSummary[]): JobStats {
  const ran = jobs.filter((j) => j.status !== 'SKIPPED');
  const makespans = ran.map((j) => j.makespan);
  return {
    finished: jobs.filter((j) => j.status === 'FINISHED').length,
    failed: jobs.filter((j) => j.status === 'FAILED').length,
    skipped: jobs.length - ran.length,
    makespanP50: ran.length > 0 ? median(makespans) : null,
    makespanP95: ran.length > 0 ? percentile(makespans, 95) : null,
    meanWait: ran.length > 0 ? ran.reduce((s, j) => s + j.waited, 0) / ran.length : null,
  };
}

/**
 * The statistics of one choice's runs.
 * @param entries the scenario's entry names, in order, for the per-job rows
 * @param queues the choice's queues, in the workload's order (as each run lists them)
 * @throws RangeError when there are no runs
 */
export function workloadChoiceStats(runs: readonly WorkloadRunSummary[], entries: readonly string[], queues: readonly { name: string; capacityCu: number }[]): WorkloadChoiceStats {
  if (runs.length === 0) throw new RangeError('statistics of an empty list');
  const all = runs.flatMap((r) => r.jobs);
  const byEntry = new Map<string, JobSummary[]>(entries.map((e) => [e, []]));
  for (const j of all) byEntry.get(entryOf(j.name))?.push(j);
  return {
    runs: runs.length,
    failed: runs.filter((r) => r.jobs.some((j) => j.status !== 'FINISHED')).length,
    jobs: jobStats(all),
    perJob: entries.map((name) => ({ name, ...jobStats(byEntry.get(name) ?? []) })),
    lastEndMedian: median(runs.map((r) => r.makespan)),
    coreSecondsMedian: median(runs.map((r) => r.coreSeconds)),
    gibSecondsMedian: median(runs.map((r) => r.gibSeconds)),
    queues: queues.map((q, i) => ({
      name: q.name,
      capacity: q.capacityCu,
      peakCuMax: Math.max(...runs.map((r) => r.queues[i].peakCu)),
      meanCuMean: runs.reduce((s, r) => s + r.queues[i].meanCu, 0) / runs.length,
    })),
  };
}

/**
 * Index of the best choice among those where every job finished in every run, by the keys
 * in order (a tie on one goes to the next; a tie on all to the first choice); -1 when no
 * choice qualifies. A choice where a job failed even once is never recommended.
 */
export function bestWorkloadIndex(stats: readonly WorkloadChoiceStats[], keys: readonly ((s: WorkloadChoiceStats) => number)[]): number {
  let best = -1;
  stats.forEach((s, i) => {
    if (s.failed > 0) return;
    if (best === -1) {
      best = i;
      return;
    }
    for (const key of keys) {
      const a = key(s);
      const b = key(stats[best]);
      if (a < b) best = i;
      if (a !== b) return;
    }
  });
  return best;
}

/** Every choice's statistics, with the fastest and the cheapest marked. */
export function markWorkloadChoices(stats: readonly WorkloadChoiceStats[]): MarkedWorkloadStats[] {
  // A choice with no failure ran every job, so these statistics are numbers.
  const fastest = bestWorkloadIndex(stats, [(s) => s.jobs.makespanP50 ?? Infinity, (s) => s.jobs.makespanP95 ?? Infinity, (s) => s.jobs.meanWait ?? Infinity]);
  const cheapest = bestWorkloadIndex(stats, [(s) => s.coreSecondsMedian]);
  return stats.map((s, i) => ({ ...s, fastest: i === fastest, cheapest: i === cheapest }));
}

/**
 * Puts a comparison together from the grid and the run summaries in run order
 * (choice-major, seeds in order: see `buildRuns`).
 */
export function buildWorkloadComparison(args: {
  scenario: string;
  file: string;
  seeds: number[];
  swept: SweptAxis[];
  queues: { name: string; capacityCu: number }[];
  entries: { name: string; maxSlots: number[] }[];
  choices: readonly WorkloadChoice[];
  summaries: readonly WorkloadRunSummary[];
}): WorkloadComparison {
  const perChoice = runsByChoice(args.choices.length, args.seeds.length, args.summaries);
  const names = args.entries.map((e) => e.name);
  const marked = markWorkloadChoices(perChoice.map((runs, i) => workloadChoiceStats(runs, names, args.choices[i].queues)));
  return {
    scenario: args.scenario,
    file: args.file,
    seeds: [...args.seeds],
    swept: args.swept,
    queues: args.queues,
    entries: args.entries,
    jobCount: args.summaries[0]?.jobs.length ?? 0,
    choices: args.choices.map((c, i) => ({ ...c, runs: perChoice[i], stats: marked[i] })),
  };
}
