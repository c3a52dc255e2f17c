//! The resolved description of several jobs sharing one cluster: queues, jobs, arrivals.

import type { GuardSpec, SimulationSpec } from './spec.js';

/** A resource queue: jobs in it share its capacity, in CU; it never lends and never preempts. */
export interface QueueSpec {
  name: string;
  /** Capacity in CU (a TaskManager or JobManager takes `max(cores, memory GiB / 4)`); Infinity when unlimited. */
  capacityCu: number;
}

/** One job of a workload, ready to run: its own job graph, configuration, cluster sizes and faults. */
export interface WorkloadJobSpec {
  /** Unique within the workload. */
  name: string;
  /**
   * The job as a single-job spec (its `config` merged over the scenario's, its faults). Its
   * `seed` is ignored: the run derives each job's seed from the workload's seed and the
   * job's name (see `jobSeed`), so a job's draws do not depend on the other jobs.
   */
  spec: SimulationSpec;
  /** When it is submitted, ms; a job with `after` is submitted once they all finished, if that is later. */
  submitMs: number;
  /** Names of the jobs that must finish first (a workflow). */
  after: string[];
  queue: string;
  /** Higher is served first within its queue. */
  priority: number;
}

/**
 * One entry of a workload as written, before arrivals are drawn: a job submitted once,
 * a job submitted on a schedule, or a random (Poisson) arrival process over templates.
 */
export type WorkloadEntry =
  | { kind: 'once'; job: WorkloadJobSpec }
  /** Submitted at `job.submitMs`, then every `everyMs`, `count` times in all; named `NAME#0`, `NAME#1`, ... */
  | { kind: 'every'; job: WorkloadJobSpec; everyMs: number; count: number }
  /**
   * `count` jobs whose gaps are exponential draws of mean `meanMs` from `startMs`, each a
   * template picked uniformly (seeded); named `NAME#0`, `NAME#1`, ...
   */
  | { kind: 'poisson'; name: string; startMs: number; meanMs: number; count: number; templates: WorkloadJobSpec[] };

/** Everything a multi-job run needs, with no reference to files or the command line. */
export interface WorkloadSpec {
  name: string;
  seed: number;
  queues: QueueSpec[];
  entries: WorkloadEntry[];
  /** Guards of the whole run (its simulated-time limit). */
  guards: GuardSpec;
  warnings: string[];
}
