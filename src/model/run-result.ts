//! What a simulated run reports: the summary (the `run --json` document) and the optional timeline.

import type { TaskManagerMemorySpec } from './spec.js';

/** How the job ended. */
export type JobStatus = 'FINISHED' | 'FAILED';

/** Why a vertex got its parallelism. */
export interface ParallelismDecision {
  /** `fixed` (set in the scenario), `source-default`, `global-default`, `inferred`. */
  origin: 'fixed' | 'source-default' | 'global-default' | 'inferred';
  /** Bytes of non-broadcast input the decision looked at (inferred only). */
  bytesConsumed?: number;
  /** What bound the result: `data` (volume / avg per task), `min`, `max`, `global`, `subpartition-limit`, `all-broadcast`, `balanced`. */
  boundBy?: string;
  /** One sentence a person can read. */
  reason: string;
}

/** Per-vertex results. Times are seconds. */
export interface VertexResult {
  id: string;
  /** The decided parallelism, or null when the job ended before it was decided. */
  parallelism: number | null;
  decision: ParallelismDecision;
  /** Attempts started, all subtasks together. */
  attempts: number;
  /** First attempt start, or null when nothing started. */
  start: number | null;
  /** Last subtask finish, or null when the vertex did not finish. */
  end: number | null;
  /** Seconds slots were busy with this vertex's attempts. */
  busySlotSeconds: number;
  inputBytes: number;
  outputBytes: number;
  /** Input bytes per subtask: smallest, median, largest. */
  subtaskInputBytes: { min: number; median: number; max: number };
  /** Attempt-seconds this vertex's attempts moved data held back by each resource (its scarcest share). */
  heldBackSeconds: { cpu: number; disk: number; network: number };
  /** The resource that held it back longest, or null when nothing did (it moved no data). */
  boundBy: 'cpu' | 'disk' | 'network' | null;
  /** Bytes its attempts spilled to local disk (managed memory too small for their input), written and read back once each. */
  spilledBytes: number;
  /** CPU-seconds its attempts spent in garbage collection. */
  gcSeconds: number;
  /** CPU-seconds its attempts spent on their own work (GC not included). */
  cpuSeconds: number;
  /** The highest heap occupancy of its attempts: working set / task heap per slot (above 1: OutOfMemoryError). */
  heapOccupancy: number;
}

/** One failure and what the scheduler did about it. */
export interface FailureResult {
  time: number;
  /** `vertex[subtask]` of the failed attempt, or null for a TaskManager loss with nothing running. */
  subtask: string | null;
  attempt: number | null;
  /** Index of the TaskManager involved (where the attempt ran, or the lost one), or null. */
  taskManager: number | null;
  cause: string;
  /** What happened: `restart` (a failover), `job-failed`, or `ignored` (a fault that hit nothing). */
  action: 'restart' | 'job-failed' | 'ignored';
  /** Subtasks restarted, as `vertex[subtask]`, and how many there were. */
  restarted: string[];
  restartedCount: number;
  /** Restart delay applied, seconds. */
  delay: number;
}

/** One symptom of the brief's FAQ (or its "No space left on device" section) found in a run. */
export interface Diagnosis {
  /** A stable name: `memory`, `hot-cpu`, `no-progress`, `disk-full`, `too-many-taskmanagers`. */
  kind: 'memory' | 'hot-cpu' | 'no-progress' | 'disk-full' | 'too-many-taskmanagers';
  /** The symptom, in the brief's words. */
  symptom: string;
  /** What in the run shows it, with numbers. */
  evidence: string;
  /** What to do, the brief's action made concrete for this job. */
  action: string;
}

/** The summary of one run: the JSON document `batchsim run --json` prints. */
export interface RunResult {
  scenario: string;
  seed: number;
  mode: 'BATCH' | 'STREAMING';
  status: JobStatus;
  failureCause?: string;
  /** Seconds from submission to the end of the job. */
  makespan: number;
  vertices: VertexResult[];
  taskManagers: {
    created: number;
    peak: number;
    slotsPerTaskManager: number;
    cpu: number;
    memoryBytes: number;
    diskBytes: number;
    /** Bytes per second of each TaskManager's disk and network; null when unlimited. */
    diskBandwidth: number | null;
    networkBandwidth: number | null;
    /** Each TaskManager's memory as Flink splits it, and each slot's managed memory and task heap; bytes. */
    memory: TaskManagerMemorySpec;
  };
  restarts: number;
  slotSeconds: number;
  cost: { coreSeconds: number; gibSeconds: number; shuffleServiceCuSeconds: number };
  disk: { peakBytesOneTaskManager: number; peakBytesTotal: number };
  /** With `shuffle: remote`: what the shuffle service held and moved. */
  shuffleService?: { bytesTransferred: number; peakBytesStored: number; gibSecondsStored: number };
  failures: FailureResult[];
  /** The longest time no subtask finished while the job ran (from its start, or a finish, to the next finish or its end), and the vertex whose finish ended it; null in STREAMING. */
  longestStall: { from: number; to: number; vertex: string | null } | null;
  /** The symptoms of the brief's FAQ ("What do I do if a batch job is stuck?") found in the run, with evidence and action. */
  diagnosis: Diagnosis[];
  warnings: string[];
  stats: { events: number };
}

/** One subtask attempt on the timeline. Times are seconds. */
export interface AttemptRecord {
  vertex: string;
  subtask: number;
  attempt: number;
  /** TaskManager index (creation order) and slot within it. */
  tm: number;
  slot: number;
  start: number;
  end: number;
  outcome: 'finished' | 'failed' | 'canceled';
  cause?: string;
  inputBytes: number;
  outputBytes: number;
}

/** The life of one TaskManager. Times are seconds; null when it did not happen. */
export interface TaskManagerRecord {
  index: number;
  requestedAt: number;
  readyAt: number | null;
  /** When it was released (idle timeout, job end) or lost. */
  releasedAt: number | null;
  /** When its resources were given back (release + shutdown). */
  goneAt: number | null;
  endReason: 'idle' | 'lost' | 'job-end' | null;
  slots: number;
  cpu: number;
  memoryBytes: number;
  diskBytes: number;
}

/** The state of the cluster and job right after a change. */
export interface MetricsSample {
  time: number;
  liveTaskManagers: number;
  startingTaskManagers: number;
  idleTaskManagers: number;
  busySlots: number;
  freeSlots: number;
  pendingRequests: number;
  runningSubtasks: number;
  finishedSubtasks: number;
  diskUsedTotal: number;
  diskUsedMax: number;
  /** Cores in use, over all live TaskManagers. */
  cpuInUse: number;
  /** Disk and network bandwidth in use, bytes per second, over all live TaskManagers. */
  diskBandwidthInUse: number;
  networkBandwidthInUse: number;
}

/** Disk used on one TaskManager at a moment (partial outputs included). */
export interface DiskSample {
  time: number;
  tm: number;
  bytes: number;
}

/** Cores and disk and network bandwidth (bytes per second) one TaskManager uses from a moment on. */
export interface ResourceSample {
  time: number;
  tm: number;
  cpu: number;
  disk: number;
  network: number;
}

/** A point event worth marking on a timeline. */
export interface TimelineEvent {
  time: number;
  kind: 'tm-requested' | 'tm-ready' | 'tm-released' | 'tm-lost' | 'failure' | 'restart' | 'job-end';
  tm?: number;
  detail: string;
}

/** Everything that happened, recorded only when asked for (traces, metrics, reports). */
export interface Timeline {
  attempts: AttemptRecord[];
  taskManagers: TaskManagerRecord[];
  samples: MetricsSample[];
  disk: DiskSample[];
  resources: ResourceSample[];
  events: TimelineEvent[];
}

/** One job of a multi-job run: the single-job result, with its place in the queue. Times are seconds from the start of the run. */
export interface WorkloadJobResult extends Omit<RunResult, 'status' | 'scenario' | 'seed' | 'stats'> {
  name: string;
  /** `SKIPPED` when a job it comes after ended FAILED, so it never ran. */
  status: JobStatus | 'SKIPPED';
  queue: string;
  priority: number;
  /** Its seed, derived from the run's seed and its name. */
  seed: number;
  submitted: number;
  /** When its JobManager started (it was admitted to its queue); null when it never was. */
  started: number | null;
  end: number;
  /** Seconds its requests for queue capacity (admission, TaskManagers) spent waiting, summed. */
  waited: number;
}

/** A queue's use over a multi-job run, in CU. */
export interface QueueResult {
  name: string;
  /** null when unlimited. */
  capacity: number | null;
  peakCu: number;
  /** Time-weighted mean of the CU in use, from 0 to the end of the run. */
  meanCu: number;
}

/** The summary of a multi-job run: the JSON document `batchsim run --json` prints for a `jobs:` scenario. */
export interface WorkloadResult {
  scenario: string;
  seed: number;
  /** `FINISHED` when every job finished. */
  status: JobStatus;
  /** The end of the last job, seconds. */
  makespan: number;
  /** All jobs together. */
  cost: { coreSeconds: number; gibSeconds: number; shuffleServiceCuSeconds: number };
  jobs: WorkloadJobResult[];
  queues: QueueResult[];
  warnings: string[];
  stats: { events: number };
}
