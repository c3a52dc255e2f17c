//! What both schedulers share at the edges of a run: the restart strategy and the result document.

import type { RandomStreams } from '../engine/rng.js';
import { restartBackoffFromConfig, type RestartBackoff } from '../failure/restart-backoff.js';
import type { Cluster } from '../model/cluster/cluster.js';
import type { FailureResult, JobStatus, RunResult, VertexResult } from '../model/run-result.js';
import type { SimulationSpec } from '../model/spec.js';

/** How a job ended. */
export interface JobEnd {
  status: JobStatus;
  cause?: string;
}

/**
 * The run's restart strategy, from the `restart-strategy.*` keys, with its own random stream.
 * @throws Error when the keys are invalid (the scenario loader has already reported that)
 */
export function restartBackoffOf(spec: SimulationSpec, rng: RandomStreams): RestartBackoff {
  const r = restartBackoffFromConfig(spec.restartConfig, rng.stream('restart-backoff'));
  if (r.backoff === undefined) throw new Error(r.issues.map((i) => i.message).join('; '));
  return r.backoff;
}

/** Smallest, median and largest of values sorted ascending (zeros when there are none). */
export function spread(sorted: ArrayLike<number>): VertexResult['subtaskInputBytes'] {
  const n = sorted.length;
  return n === 0 ? { min: 0, median: 0, max: 0 } : { min: sorted[0], median: sorted[(n - 1) >> 1], max: sorted[n - 1] };
}

/** Assembles the result document; costs add the JobManager's resources over the whole run. */
export function buildRunResult(r: {
  spec: SimulationSpec;
  mode: RunResult['mode'];
  ended: JobEnd;
  nowMs: number;
  vertices: VertexResult[];
  cluster: Cluster;
  restarts: number;
  slotMs: number;
  /** Whether shuffle files went to the TaskManagers' disks. */
  localDisk: boolean;
  failures: FailureResult[];
  events: number;
}): RunResult {
  const { spec, cluster } = r;
  const c = spec.cluster;
  const makespan = r.nowMs / 1000;
  const tmCost = cluster.resourceSeconds();
  return {
    scenario: spec.name,
    seed: spec.seed,
    mode: r.mode,
    status: r.ended.status,
    ...(r.ended.cause !== undefined && { failureCause: r.ended.cause }),
    makespan,
    vertices: r.vertices,
    taskManagers: {
      created: cluster.created,
      peak: cluster.peakLiveTms,
      slotsPerTaskManager: c.slotsPerTaskManager,
      cpu: c.cpuPerSlot * c.slotsPerTaskManager,
      memoryBytes: c.memoryPerSlot * c.slotsPerTaskManager,
      diskBytes: c.diskBytes,
    },
    restarts: r.restarts,
    slotSeconds: r.slotMs / 1000,
    cost: {
      coreSeconds: tmCost.coreSeconds + c.jobManagerCpu * makespan,
      gibSeconds: tmCost.gibSeconds + (c.jobManagerMemory / 2 ** 30) * makespan,
    },
    disk: {
      peakBytesOneTaskManager: r.localDisk ? cluster.peakDiskOneTm() : 0,
      peakBytesTotal: r.localDisk ? cluster.peakDiskTotal : 0,
    },
    failures: r.failures,
    warnings: spec.warnings,
    stats: { events: r.events },
  };
}
