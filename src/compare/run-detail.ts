//! The numbers of a run that `batchsim advise` weighs beyond what `compare` shows (a worker adds them when asked): the cost in CU and how close memory came to running out.

import { GIB_PER_CU, jobManagerCu } from '../model/capacity-units.js';
import type { RunResult } from '../model/run-result.js';
import type { SimulationSpec } from '../model/spec.js';

const GIB = 2 ** 30;

/** What a worker adds to a run's summary when `advise` asks for it. */
export interface RunDetail {
  /** TaskManagers, JobManager and remote shuffle service together, CU-seconds. */
  cuSeconds: number;
  /** The highest heap occupancy of any vertex (working set / task heap per slot; 1 or more: OutOfMemoryError). */
  heapOccupancy: number;
}

/**
 * A run's cost in CU-seconds (`model/capacity-units`: a process takes `max(cores, memory GiB / 4)` CU). The TaskManagers of one run are all alike, so their
 * core-seconds and GiB-seconds are the same live time times their cores and memory, and
 * `max` of the two products is their CU-seconds; the JobManager lives for the whole run.
 */
export function cuSeconds(spec: SimulationSpec, r: RunResult): number {
  const jmCoreSeconds = spec.cluster.jobManagerCpu * r.makespan;
  const jmGibSeconds = (spec.cluster.jobManagerMemory / GIB) * r.makespan;
  const tmCu = Math.max(r.cost.coreSeconds - jmCoreSeconds, (r.cost.gibSeconds - jmGibSeconds) / GIB_PER_CU, 0);
  return tmCu + jobManagerCu(spec.cluster) * r.makespan + r.cost.shuffleServiceCuSeconds;
}

/** The detail of one run. */
export function runDetail(spec: SimulationSpec, r: RunResult): RunDetail {
  return {
    cuSeconds: cuSeconds(spec, r),
    heapOccupancy: r.vertices.reduce((u, v) => Math.max(u, v.heapOccupancy), 0),
  };
}
