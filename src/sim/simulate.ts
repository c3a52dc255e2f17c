//! The simulator's entry point: one scenario in, one run's result (and optionally its timeline) out.

import { unfiredFaultWarnings } from '../failure/unfired-faults.js';
import type { SimulationSpec } from '../model/spec.js';
import { diagnose } from '../report/diagnosis.js';
import type { RunOutput } from '../runtime/job-run.js';
import { BatchScheduler } from '../scheduler/batch-scheduler.js';
import { StreamingScheduler } from '../scheduler/streaming-scheduler.js';
import type { WorkloadSpec } from '../model/workload-spec.js';
import { expandJobs } from '../scenario/expand-jobs.js';
import { WorkloadRun, type WorkloadOutput } from '../dispatcher/workload-run.js';

export type { RunOutput } from '../runtime/job-run.js';
export type { WorkloadOutput } from '../dispatcher/workload-run.js';

/** Options of {@link simulate}. */
export interface SimulateOptions {
  /** Overrides the scenario's seed. */
  seed?: number;
  /** Records the timeline for traces, metrics and reports (costs memory; off by default). */
  recordTimeline?: boolean;
  /**
   * Re-derives the scheduler's incremental bookkeeping from scratch at every failover and
   * throws an InvariantError on any difference. Slow (a scan of every subtask per failure):
   * for tests.
   */
  checkInvariants?: boolean;
}

/**
 * Simulates one run of the job in the mode its configuration asks for
 * (`execution.runtime-mode`, BATCH by default). Deterministic: the same spec and seed
 * give the same result, byte for byte.
 */
export function simulate(input: SimulationSpec | { spec: SimulationSpec }, options: SimulateOptions = {}): RunOutput {
  const spec = 'spec' in input ? input.spec : input;
  const s = options.seed === undefined ? spec : { ...spec, seed: options.seed };
  const run = { record: options.recordTimeline === true, checkInvariants: options.checkInvariants === true };
  const scheduler = s.mode === 'STREAMING' ? new StreamingScheduler(s, run) : new BatchScheduler(s, run);
  retained.previousRun = scheduler;
  const out = scheduler.run();
  const unfired = unfiredFaultWarnings(s, out.result);
  if (unfired.length > 0) out.result.warnings = [...out.result.warnings, ...unfired];
  out.result.diagnosis = diagnose(s, out.result);
  return out;
}

/**
 * Simulates several jobs sharing one cluster through resource queues: arrivals drawn from
 * the seed, each job run as {@link simulate} runs it alone, beside the others.
 * Deterministic: the same spec and seed give the same result, byte for byte.
 */
export function simulateWorkload(spec: WorkloadSpec, options: Omit<SimulateOptions, 'checkInvariants'> = {}): WorkloadOutput {
  const seed = options.seed ?? spec.seed;
  const input = { name: spec.name, seed, queues: spec.queues, jobs: expandJobs(spec, seed), guards: spec.guards, warnings: spec.warnings };
  const run = new WorkloadRun(input, { record: options.recordTimeline === true });
  retained.previousRun = run;
  return run.run();
}

/**
 * The latest run's scheduler, kept until the next one is built.
 *
 * V8 reaches the hidden classes ("maps") of our objects from their constructors only
 * through weak transitions, so once a run's objects are garbage, a collection can free
 * those maps, and every optimized function that was compiled against them is thrown away.
 * A sweep of runs in one process then re-warmed its whole hot path in every run (about a
 * quarter of each run's time on a 1M-subtask job). With the previous run's objects alive
 * while the next run builds its own, the next run gets the same maps, and the compiled
 * code stays valid. The cost is that the previous run's memory is freed one run later.
 */
const retained: { previousRun: object | null } = { previousRun: null };
