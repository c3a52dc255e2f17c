//! The resolved description of one simulation: job, cluster, configuration and faults, in plain units.

/** How a consumer reads a producer's output. */
export type EdgePattern = 'all-to-all' | 'pointwise' | 'broadcast';

/** How a vertex's output spreads over keys, hence over subpartitions. */
export type SkewSpec = { zipf: number; keys?: number } | { weights: number[] };

/** One job vertex. Sizes in bytes, times in milliseconds, rates in bytes per second. */
export interface VertexSpec {
  id: string;
  /** Display name, when different from the id. */
  name?: string;
  /** Fixed parallelism; undefined means default (sources) or inferred (others). */
  parallelism?: number;
  /** Total bytes a source reads; undefined for non-sources. */
  sourceBytes?: number;
  inputs: { from: string; pattern: EdgePattern }[];
  /** Bytes per second one subtask processes; Infinity means data takes no time. */
  rate: number;
  fixedMs: number;
  selectivity: number;
  /** Sigma of the log-normal (mean 1) factor on every attempt's time; 0 for none. */
  jitterSigma: number;
  skew?: SkewSpec;
  /** Sorts or hashes its input in managed memory: input beyond the slot's managed memory spills to local disk. */
  managedMemory: boolean;
  /** Working set one subtask keeps on the JVM heap, in bytes; 0 for none. */
  heapBytes: number;
}

/**
 * A TaskManager's memory as Flink splits it (`taskmanager.memory.*`), in bytes. Total Flink
 * memory is the six components from `frameworkHeap` to `managed`; the process adds the JVM
 * metaspace and overhead to it. Every slot gets an equal share (rounded down to whole bytes,
 * as Flink divides it) of the managed memory and of the task heap.
 */
export interface TaskManagerMemorySpec {
  process: number;
  flink: number;
  frameworkHeap: number;
  taskHeap: number;
  frameworkOffHeap: number;
  taskOffHeap: number;
  network: number;
  managed: number;
  jvmMetaspace: number;
  jvmOverhead: number;
  /** Managed memory of one slot: what a `managedMemory` operator sorts or hashes in before it spills. */
  managedPerSlot: number;
  /** Task heap of one slot: what a subtask's `heapBytes` working set is measured against. */
  taskHeapPerSlot: number;
}

/** The cluster, resolved: bytes, milliseconds, cores. */
export interface ClusterSpec {
  slotsPerTaskManager: number;
  cpuPerSlot: number;
  memoryPerSlot: number;
  /** The TaskManager's memory layout (its process size is `memoryPerSlot x slotsPerTaskManager`). */
  memory: TaskManagerMemorySpec;
  diskBytes: number;
  startupMs: number;
  idleTimeoutMs: number;
  shutdownMs: number;
  jobManagerCpu: number;
  jobManagerMemory: number;
  /** Cap on the slots of all live TaskManagers; Infinity when unlimited. */
  maxSlots: number;
  shuffle: 'local' | 'remote';
  /** Bytes per second a TaskManager's local disk reads and writes, all together; Infinity when unlimited. */
  diskBandwidth: number;
  /** Bytes per second a TaskManager sends and receives, all together; Infinity when unlimited. */
  networkBandwidth: number;
  /** What the remote shuffle service costs, in CU-seconds (0 by default). */
  shuffleServiceCost: { perGiBStored: number; perGiBTransferred: number };
}

/** Settings of the adaptive batch scheduler's parallelism inference. */
export interface ParallelismSpec {
  /** `parallelism.default`, when set. */
  globalDefault?: number;
  autoEnabled: boolean;
  minParallelism: number;
  /** Effective upper bound of inferred parallelism. */
  maxParallelism: number;
  avgDataVolumePerTask: number;
  defaultSourceParallelism: number;
  /** Which Flink version's decider to follow. */
  deciderVersion: '1.17' | '1.15';
}

/** A fault to inject. */
export type FaultSpec =
  | { type: 'subtask'; vertex: string; subtask: number; attempt: number; at: number }
  | { type: 'taskmanager'; atMs: number; hosting: { vertex: string; subtask: number } }
  | { type: 'taskmanager'; atMs: number; tm: number }
  | { type: 'random-subtask'; probability: number };

/** Guards that make every run end, whatever the faults. */
export interface GuardSpec {
  /** A subtask that fails this many times ends the job. */
  maxAttemptsPerSubtask: number;
  /** This many failovers in a row without any subtask finishing ends the job. */
  maxRestartsWithoutProgress: number;
  /** Simulated time after which the job is ended as FAILED. */
  maxSimulatedMs: number;
}

/** Everything a run needs, with no reference to files or the command line. */
export interface SimulationSpec {
  name: string;
  seed: number;
  mode: 'BATCH' | 'STREAMING';
  cluster: ClusterSpec;
  parallelism: ParallelismSpec;
  vertices: VertexSpec[];
  faults: FaultSpec[];
  failoverStrategy: 'region' | 'full';
  /** Flink `restart-strategy.*` keys, read by the restart-backoff factory. */
  restartConfig: Record<string, unknown>;
  /** `slot.request.timeout`: how long STREAMING waits for all its slots. */
  slotRequestTimeoutMs: number;
  guards: GuardSpec;
  /** Warnings found while resolving the scenario (reported with the result). */
  warnings: string[];
}
