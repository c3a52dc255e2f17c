//! One job's run as its event loop sees it (Flink's JobMaster): start it, let events drive it, end it, report.

import type { Simulation } from '../engine/simulation.js';
import type { TaskManagerGate } from '../model/cluster/cluster.js';
import type { RunResult, Timeline } from '../model/run-result.js';

/** The outcome of one simulated run. */
export interface RunOutput {
  result: RunResult;
  timeline?: Timeline;
}

/** Options of one run. */
export interface RunOptions {
  /** Record the timeline (attempts, TaskManagers, samples) for traces, metrics and reports. */
  record?: boolean;
  /** Check incremental bookkeeping against a recount at every failover (slow; for tests). */
  checkInvariants?: boolean;
  /** Where it runs beside other jobs; alone on its own loop when absent. */
  context?: JobContext;
}

/** Where a job runs: alone on its own event loop, or beside other jobs in a queue. */
export interface JobContext {
  /** The event loop it shares. */
  sim: Simulation;
  /** The queue capacity its TaskManagers need; null when it runs alone. */
  gate: TaskManagerGate | null;
  /** When its JobManager started, ms: its faults' times count from here. */
  startMs: number;
  /** Told once, when the job has ended; the loop goes on for the other jobs. */
  onEnd: () => void;
}

/** A job's run, whatever its mode. */
export interface JobRun {
  /** Schedules its TaskManager faults and asks for its first slots. */
  start(): void;
  /** After every event of its loop (a STREAMING job samples its metrics there when recording). */
  afterEvent(): void;
  readonly hasEnded: boolean;
  /**
   * Ends the job if it is still running once its loop stopped: at the time limit when
   * events were left, else stuck with nothing left that could move it.
   */
  endUnfinished(timeLimitMs: number | null): void;
  report(): RunOutput;
}

/** The cause of a job ended by the simulated-time guard. */
export function timeLimitCause(limitMs: number): string {
  return `simulated time limit reached (batchsim.max-simulated-time = ${limitMs / 1000} s)`;
}

/** Runs a job alone on its own loop, to its end, and reports. */
export function runAlone(job: JobRun, sim: Simulation, limitMs: number): RunOutput {
  job.start();
  // Events past the limit stay queued: an empty queue means "stuck", a non-empty one the limit.
  while (sim.step(limitMs)) job.afterEvent();
  job.endUnfinished(sim.pending > 0 ? limitMs : null);
  return job.report();
}
