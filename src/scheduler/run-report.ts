//! What both schedulers share at the edges of a run: the restart strategy and the result document.

import { LogNormalDraws, RandomStreams } from '../engine/rng.js';
import { FaultInjector } from '../failure/fault-injector.js';
import type { RestartBackoff } from '../failure/restart-backoff.js';
import { restartBackoffFromConfig } from '../scenario/restart-strategy-config.js';
import type { Cluster } from '../model/cluster/cluster.js';
import { buildJobGraph, type JobGraph } from '../model/job/job-graph.js';
import { Recorder } from '../model/recorder.js';
import type { FailureResult, JobStatus, RunResult, VertexResult } from '../model/run-result.js';
import type { ClusterSpec, SimulationSpec } from '../model/spec.js';
import type { ShuffleServiceUse } from './shuffle-service-use.js';

/** How a job ended. */
export interface JobEnd {
  status: JobStatus;
  cause?: string;
}

/** What every run starts from, whatever its mode. */
export interface RunSetup {
  /** Duration jitter: the only user of the run's 'jitter' stream. */
  jitter: LogNormalDraws;
  faults: FaultInjector;
  graph: JobGraph;
  recorder: Recorder | null;
  backoff: RestartBackoff;
}

/**
 * The job graph, the optional recorder, and the random streams of one run, each component
 * with its own named stream (jitter, random failures, restart jitter) so that a draw added
 * in one never shifts another.
 * @throws Error when the restart keys are invalid (the scenario loader has already reported that)
 */
export function runSetup(spec: SimulationSpec, record: boolean): RunSetup {
  const rng = new RandomStreams(spec.seed);
  const r = restartBackoffFromConfig(spec.restartConfig, rng.stream('restart-backoff'));
  if (r.backoff === undefined) throw new Error(r.issues.map((i) => i.message).join('; '));
  return {
    jitter: new LogNormalDraws(rng.stream('jitter')),
    faults: new FaultInjector(spec, rng.stream('random-failures')),
    graph: buildJobGraph(spec.vertices),
    recorder: record ? new Recorder() : null,
    backoff: r.backoff,
  };
}

/** Per-vertex held-back seconds and the resource that held it back longest. */
export function heldBack(cpuMs: number, diskMs: number, netMs: number): Pick<VertexResult, 'heldBackSeconds' | 'boundBy'> {
  const max = Math.max(cpuMs, diskMs, netMs);
  const boundBy = max <= 0 ? null : cpuMs === max ? 'cpu' : diskMs === max ? 'disk' : 'network';
  return { heldBackSeconds: { cpu: cpuMs / 1000, disk: diskMs / 1000, network: netMs / 1000 }, boundBy };
}

/**
 * Smallest, lower median and largest of the first `n` values (zeros when there are none),
 * in linear time: the values are reordered in place, not sorted.
 */
export function spread(values: Float64Array, n = values.length): VertexResult['subtaskInputBytes'] {
  if (n === 0) return { min: 0, median: 0, max: 0 };
  let min = values[0];
  let max = values[0];
  for (let i = 1; i < n; i++) {
    const x = values[i];
    if (x < min) min = x;
    if (x > max) max = x;
  }
  // Even splits (every subtask reads the same) need no selection.
  return { min, median: min === max ? min : select(values, n, (n - 1) >> 1), max };
}

/** The k-th smallest (0-based) of the first n values, by Hoare's selection with a middle pivot. */
function select(a: Float64Array, n: number, k: number): number {
  let lo = 0;
  let hi = n - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >> 1];
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i++] = a[j];
        a[j--] = t;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k];
  }
  return a[k];
}

/** What the result says of the job's TaskManagers: how many, and what each one has. */
export function taskManagerSummary(c: ClusterSpec, created: number, peak: number): RunResult['taskManagers'] {
  return {
    created,
    peak,
    slotsPerTaskManager: c.slotsPerTaskManager,
    cpu: c.cpuPerSlot * c.slotsPerTaskManager,
    memoryBytes: c.memoryPerSlot * c.slotsPerTaskManager,
    diskBytes: c.diskBytes,
    diskBandwidth: c.diskBandwidth === Infinity ? null : c.diskBandwidth,
    networkBandwidth: c.networkBandwidth === Infinity ? null : c.networkBandwidth,
    memory: c.memory,
  };
}

/** Assembles the result document; costs add the JobManager's resources over the whole run. */
export function buildRunResult(r: {
  spec: SimulationSpec;
  mode: RunResult['mode'];
  ended: JobEnd;
  /** When the job's JobManager started, and now (its end), ms. */
  startMs: number;
  nowMs: number;
  vertices: VertexResult[];
  cluster: Cluster;
  restarts: number;
  slotMs: number;
  failures: FailureResult[];
  events: number;
  /** The remote shuffle service's use, when the job used one. */
  shuffle?: ShuffleServiceUse;
  longestStall?: RunResult['longestStall'];
}): RunResult {
  const { spec, cluster } = r;
  const c = spec.cluster;
  const makespan = (r.nowMs - r.startMs) / 1000;
  const tmCost = cluster.resourceSeconds();
  const service =
    r.shuffle === undefined
      ? undefined
      : {
          bytesTransferred: Math.round(r.shuffle.bytesTransferred),
          peakBytesStored: Math.round(r.shuffle.peakBytesStored),
          gibSecondsStored: r.shuffle.gibSecondsStored(r.nowMs),
        };
  const serviceCost =
    service === undefined
      ? 0
      : service.gibSecondsStored * c.shuffleServiceCost.perGiBStored + (service.bytesTransferred / 2 ** 30) * c.shuffleServiceCost.perGiBTransferred;
  return {
    scenario: spec.name,
    seed: spec.seed,
    mode: r.mode,
    status: r.ended.status,
    ...(r.ended.cause !== undefined && { failureCause: r.ended.cause }),
    makespan,
    vertices: r.vertices,
    taskManagers: taskManagerSummary(c, cluster.created, cluster.peakLiveTms),
    restarts: r.restarts,
    slotSeconds: r.slotMs / 1000,
    cost: {
      coreSeconds: tmCost.coreSeconds + c.jobManagerCpu * makespan,
      gibSeconds: tmCost.gibSeconds + (c.jobManagerMemory / 2 ** 30) * makespan,
      shuffleServiceCuSeconds: serviceCost,
    },
    // Whole bytes: the disk is tracked in floating point as writes grow linearly.
    disk: {
      peakBytesOneTaskManager: Math.round(cluster.peakDiskOneTm()),
      peakBytesTotal: Math.round(cluster.peakDiskTotal),
    },
    ...(service !== undefined && { shuffleService: service }),
    failures: r.failures,
    longestStall: r.longestStall ?? null,
    diagnosis: [],
    warnings: spec.warnings,
    stats: { events: r.events },
  };
}
