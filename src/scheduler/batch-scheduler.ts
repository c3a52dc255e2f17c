//! Flink's batch execution: blocking edges, slots asked for as subtasks become ready, region failover.

import type { LogNormalDraws } from '../engine/rng.js';
import { NEVER_MS, Simulation, type EventHandler } from '../engine/simulation.js';
import { INJECTED_FAILURE, RANDOM_FAILURE, type FaultInjector } from '../failure/fault-injector.js';
import { SubtaskRegionFailover } from '../failure/subtask-failover.js';
import { Cluster, type ClusterListener } from '../model/cluster/cluster.js';
import {
  endConsumer,
  firstConsumer,
  pointwiseConsumers,
  pointwiseProducers,
  type JobEdge,
  type JobGraph,
} from '../model/job/job-graph.js';
import type { Recorder } from '../model/recorder.js';
import type { ParallelismDecision, RunResult, VertexResult } from '../model/run-result.js';
import { FailureLog, TM_LOST } from '../runtime/failure-log.js';
import { RestartCoordinator } from '../runtime/restart-coordinator.js';
import { runAlone, timeLimitCause, type JobRun, type RunOptions, type RunOutput } from '../runtime/job-run.js';
import type { SimulationSpec } from '../model/spec.js';
import { ExecutionState, SubtaskState } from './execution-state.js';
import { decideVertex } from './vertex-initialization.js';
import { SubtaskBytes } from './subtask-bytes.js';
import { PendingRequests } from './pending-requests.js';
import { ResultPartitions } from './result-partitions.js';
import { gcSlowdown, heapOccupancy, isOutOfMemory, OUT_OF_MEMORY_CAUSE, spilledBytes } from './memory-effects.js';
import { buildRunResult, heldBack, runSetup, spread, type JobEnd } from './run-report.js';

/** How an attempt's end event ends it. */
const enum Outcome {
  Finish = 0,
  InjectedFailure = 1,
  RandomFailure = 2,
  /** Its working set outgrew the slot's task heap. */
  OutOfMemory = 3,
}

const NO_SPACE = 'No space left on device';


/**
 * Runs a job in BATCH mode. Every edge is blocking: a subtask asks for a slot once every
 * producer subtask it reads from has finished, free slots are taken lowest TaskManager
 * first, and new TaskManagers are asked for in batches within the slot cap. Intermediate
 * results stay on the producer's TaskManager (or in the remote shuffle service) until
 * every consumer has read them. A failure restarts the failed subtask's region as Flink's
 * region failover strategy does, after the restart strategy's delay.
 */
export class BatchScheduler implements ClusterListener, JobRun {
  // Event handlers: written once, not closures per run (see EventHandler).
  private static readonly onRestart: EventHandler<BatchScheduler> = (s, id) => s.restart(id);
  private static readonly onTaskManagerFault: EventHandler<BatchScheduler> = (s, i) => s.taskManagerFault(i);

  private readonly sim: Simulation;
  /** Told when the job ends, in place of stopping the loop (several jobs share it); null when alone. */
  private readonly onEnd: (() => void) | null;
  /** When its JobManager started, ms. */
  private readonly startMs: number;
  private readonly jitter: LogNormalDraws;
  private readonly faults: FaultInjector;
  private readonly graph: JobGraph;
  private readonly cluster: Cluster;
  private readonly recorder: Recorder | null;
  private readonly restarter: RestartCoordinator;
  private readonly execution = new ExecutionState();
  private readonly pending = new PendingRequests();
  private readonly local: boolean;
  private readonly checkInvariants: boolean;

  // Per vertex.
  readonly parallelism: Int32Array;
  readonly base: Int32Array;
  private readonly finished: Int32Array;
  /** All-to-all and broadcast inputs whose producer vertex has not fully finished. */
  private readonly blockingWaiting: Int32Array;
  private readonly attempts: Float64Array;
  private readonly firstStart: Float64Array;
  private readonly lastEnd: Float64Array;
  private readonly busyMs: Float64Array;
  private readonly hasConsumers: Uint8Array;
  private readonly bytes: SubtaskBytes;
  private readonly partitions: ResultPartitions;
  /** The vertex specs' timing numbers, copied out of the spec objects for the deploy path. */
  private readonly fixedMs: Float64Array;
  private readonly rate: Float64Array;
  private readonly sigma: Float64Array;
  /** Edges by kind, per vertex, so the per-subtask paths loop only over the edges that matter. */
  private readonly pointwiseIn: (readonly JobEdge[])[];
  private readonly pointwiseOut: (readonly JobEdge[])[];
  /** Subtasks of each vertex that left the Created state (queued, running, finished or restarting). */
  private readonly touched: Int32Array;
  private readonly failoverStrategy: SubtaskRegionFailover;
  private readonly decisions: (ParallelismDecision | undefined)[];
  /** Milliseconds each vertex's attempts were held back by CPU, disk and network. */
  private readonly cpuBoundMs: Float64Array;
  private readonly diskBoundMs: Float64Array;
  private readonly netBoundMs: Float64Array;
  /** Per vertex: heap occupancy of its attempts (working set / task heap per slot) and the GC overhead it brings. */
  private readonly heapU: Float64Array;
  private readonly gcSlowdown: Float64Array;
  /** Per vertex: bytes spilled, and CPU milliseconds spent in GC and on the operator's own work. */
  private readonly spilledBytes: Float64Array;
  private readonly gcMs: Float64Array;
  private readonly ownCpuMs: Float64Array;
  /** The longest stretch without a subtask finishing: when it began and ended (ms), and the vertex whose finish ended it (-1: the job's end). */
  private lastFinishAt = 0;
  private stall = { from: 0, to: 0, vertex: -1 };

  private readonly evRestart: number;
  private readonly evTmFault: number;

  private verticesDone = 0;
  private finishedSubtasks = 0;
  private runningSubtasks = 0;
  private failoverCount = 0;
  private slotMs = 0;
  private readonly restartSets = new Map<number, Int32Array>();
  private readonly failures = new FailureLog();
  private ended: JobEnd | null = null;
  private readonly freed: number[] = [];

  constructor(
    private readonly spec: SimulationSpec,
    options: RunOptions = {},
  ) {
    const setup = runSetup(spec, options.record === true);
    const context = options.context;
    this.sim = context?.sim ?? new Simulation();
    this.onEnd = context?.onEnd ?? null;
    this.startMs = context?.startMs ?? 0;
    // The longest stall counts from the job's own start, not the shared clock's.
    this.lastFinishAt = this.startMs;
    this.stall = { from: this.startMs, to: this.startMs, vertex: -1 };
    this.jitter = setup.jitter;
    this.faults = setup.faults;
    this.graph = setup.graph;
    this.recorder = setup.recorder;
    this.restarter = new RestartCoordinator(setup.backoff, spec.guards.maxRestartsWithoutProgress, 'restarts without any subtask finishing');
    this.local = spec.cluster.shuffle === 'local';
    this.checkInvariants = options.checkInvariants === true;
    this.cluster = new Cluster(this.sim, spec.cluster, this, this.recorder, this.local, context?.gate ?? null);

    const n = spec.vertices.length;
    this.parallelism = new Int32Array(n);
    this.base = new Int32Array(n);
    this.finished = new Int32Array(n);
    this.blockingWaiting = new Int32Array(n);
    this.attempts = new Float64Array(n);
    this.firstStart = new Float64Array(n).fill(NaN);
    this.lastEnd = new Float64Array(n).fill(NaN);
    this.busyMs = new Float64Array(n);
    this.hasConsumers = new Uint8Array(n);
    this.bytes = new SubtaskBytes(spec, this.graph, this.execution, this.parallelism, this.base);
    this.fixedMs = new Float64Array(n);
    this.rate = new Float64Array(n);
    this.sigma = new Float64Array(n);
    spec.vertices.forEach((vs, v) => {
      this.fixedMs[v] = vs.fixedMs;
      this.rate[v] = vs.rate;
      this.sigma[v] = vs.jitterSigma;
    });
    this.touched = new Int32Array(n);
    this.decisions = new Array(n).fill(undefined);
    this.cpuBoundMs = new Float64Array(n);
    this.diskBoundMs = new Float64Array(n);
    this.netBoundMs = new Float64Array(n);
    this.heapU = new Float64Array(n);
    this.gcSlowdown = new Float64Array(n);
    this.spilledBytes = new Float64Array(n);
    this.gcMs = new Float64Array(n);
    this.ownCpuMs = new Float64Array(n);
    spec.vertices.forEach((vs, v) => {
      const u = heapOccupancy(vs.heapBytes, spec.cluster.memory.taskHeapPerSlot);
      this.heapU[v] = u;
      this.gcSlowdown[v] = gcSlowdown(u);
    });
    for (let v = 0; v < n; v++) this.hasConsumers[v] = this.graph.outputs[v].length > 0 ? 1 : 0;
    this.pointwiseIn = this.graph.inputs.map((es) => es.filter((e) => e.pattern === 'pointwise'));
    this.pointwiseOut = this.graph.outputs.map((es) => es.filter((e) => e.pattern === 'pointwise'));
    this.partitions = new ResultPartitions(spec, this.graph, this.execution, this.bytes, this.cluster, this.sim, this.parallelism, this.base, this.pointwiseOut);
    this.failoverStrategy = new SubtaskRegionFailover(this.graph, this);
    // With every parallelism known up front, size the per-subtask arrays once.
    if (spec.vertices.every((v) => v.parallelism !== undefined)) {
      this.execution.reserve(spec.vertices.reduce((sum, v) => sum + (v.parallelism as number), 0));
    }


    this.evRestart = this.sim.register(this, BatchScheduler.onRestart);
    this.evTmFault = this.sim.register(this, BatchScheduler.onTaskManagerFault);
  }

  /** Runs the job alone to its end and reports. */
  run(): RunOutput {
    return runAlone(this, this.sim, this.spec.guards.maxSimulatedMs);
  }

  start(): void {
    this.spec.faults.forEach((f, i) => {
      if (f.type === 'taskmanager') this.sim.at(this.startMs + f.atMs, this.evTmFault, i);
    });
    this.initializeFrom(this.graph.topological);
    this.afterChange();
  }

  afterEvent(): void {
    // Everything is sampled where it changes.
  }

  get hasEnded(): boolean {
    return this.ended !== null;
  }

  endUnfinished(timeLimitMs: number | null): void {
    if (this.ended !== null) return;
    this.endJob('FAILED', timeLimitMs !== null ? timeLimitCause(timeLimitMs) : this.diagnoseStuck());
  }

  // ---------------------------------------------------------------- vertices

  /**
   * Initializes each vertex that its inputs allow, then its consumers, depth first. An
   * explicit stack, not recursion: a chain of thousands of vertices would overflow the call stack.
   */
  private initializeFrom(vertices: readonly number[]): void {
    const stack: number[] = [];
    for (let k = vertices.length - 1; k >= 0; k--) stack.push(vertices[k]);
    while (stack.length > 0) {
      const v = stack.pop() as number;
      if (!this.tryInitialize(v)) continue;
      const outs = this.graph.outputs[v];
      for (let k = outs.length - 1; k >= 0; k--) stack.push(outs[k].vertex);
    }
  }

  /**
   * Decides a vertex's parallelism once its inputs allow it, and creates its subtasks.
   * @returns whether the vertex was initialized now
   */
  private tryInitialize(v: number): boolean {
    if (this.parallelism[v] !== 0) return false;
    const spec = this.spec.vertices[v];
    const inputs = this.graph.inputs[v];
    const inferred = spec.parallelism === undefined && spec.sourceBytes === undefined && this.spec.parallelism.autoEnabled;
    for (const e of inputs) {
      // A fixed parallelism needs only its producers' parallelism; an inferred one needs their bytes.
      if (this.parallelism[e.vertex] === 0) return false;
      if (inferred && this.finished[e.vertex] !== this.parallelism[e.vertex]) return false;
    }
    const d = decideVertex(v, this.graph, this.spec.parallelism, this.parallelism, this.bytes.totalOutput, (u) =>
      this.bytes.outputsOf(u),
    );
    const p = d.parallelism;
    this.decisions[v] = d.decision;
    const even = this.bytes.decided(v, d.shares);
    this.parallelism[v] = p;
    const base = this.execution.allocate(v, p, !even);
    this.base[v] = base;

    let waiting = 0;
    for (const e of inputs) {
      const u = e.vertex;
      if (e.pattern === 'pointwise') {
        const pu = this.parallelism[u];
        const producerBase = this.base[u];
        for (let j = 0; j < p; j++) {
          const [a, b] = pointwiseProducers(pu, p, j);
          let missing = 0;
          for (let i = a; i < b; i++) if (this.execution.state[producerBase + i] !== SubtaskState.Finished) missing++;
          this.execution.pendingPointwise[base + j] += missing;
        }
        // Producers that finished before this vertex existed counted one placeholder need for it.
        for (let i = 0; i < pu; i++) {
          const g = producerBase + i;
          if (this.execution.state[g] === SubtaskState.Finished && this.execution.fileAvailable[g] === 1) {
            const [c0, c1] = pointwiseConsumers(pu, p, i);
            this.partitions.adjustNeed(g, u, c1 - c0 - 1);
          }
        }
      } else if (this.finished[u] !== this.parallelism[u]) {
        waiting++;
      }
    }
    this.blockingWaiting[v] = waiting;
    if (waiting === 0) for (let j = 0; j < p; j++) this.readyIfPossible(base + j);
    return true;
  }

  private vertexFinished(v: number): void {
    this.verticesDone++;
    this.bytes.vertexFinished(v);
    // Consumers created from here on count this vertex as finished already, so only
    // those that existed before it finished are told.
    const uninitialized: number[] = [];
    for (const e of this.graph.outputs[v]) {
      const c = e.vertex;
      if (this.parallelism[c] === 0) {
        uninitialized.push(c);
      } else if (e.pattern !== 'pointwise' && --this.blockingWaiting[c] === 0) {
        const bc = this.base[c];
        for (let j = 0; j < this.parallelism[c]; j++) this.readyIfPossible(bc + j);
      }
    }
    this.initializeFrom(uninitialized);
    // Whole-vertex consumers release their all-to-all and broadcast inputs together.
    for (const e of this.graph.inputs[v]) {
      if (e.pattern === 'pointwise') continue;
      this.partitions.blockingConsumerChanged(e.vertex, -1);
    }
    if (this.verticesDone === this.spec.vertices.length) this.endJob('FINISHED');
  }

  private vertexUnfinished(v: number): void {
    this.verticesDone--;
    for (const e of this.graph.outputs[v]) {
      if (e.pattern !== 'pointwise' && this.parallelism[e.vertex] !== 0) this.blockingWaiting[e.vertex]++;
    }
    for (const e of this.graph.inputs[v]) {
      if (e.pattern === 'pointwise') continue;
      this.partitions.blockingConsumerChanged(e.vertex, +1);
    }
  }

  // ---------------------------------------------------------------- subtasks

  /** Every state change goes through here, so {@link touched} and the partitions' count of outputs gone stay exact. */
  private setState(g: number, next: SubtaskState): void {
    const execution = this.execution;
    const was = execution.state[g];
    const v = execution.vertexOf[g];
    if ((was === SubtaskState.Created) !== (next === SubtaskState.Created)) {
      this.touched[v] += next === SubtaskState.Created ? -1 : 1;
    }
    this.partitions.stateChanged(g, v, was, next);
    execution.state[g] = next;
  }

  private readyIfPossible(g: number): void {
    if (this.execution.state[g] !== SubtaskState.Created || this.execution.pendingPointwise[g] !== 0) return;
    if (this.blockingWaiting[this.execution.vertexOf[g]] !== 0) return;
    const slot = this.cluster.takeFreeSlot();
    if (slot >= 0) {
      this.deploy(g, slot);
    } else {
      this.setState(g, SubtaskState.Queued);
      this.pending.push(g, this.execution.requestStamp[g]);
    }
  }

  private deploy(g: number, slot: number): void {
    const execution = this.execution;
    const v = execution.vertexOf[g];
    const sizes = this.bytes;
    sizes.prepare(g, v);
    const input = sizes.inputOf(g, v);
    const output = sizes.outputOf(g, v);
    const rate = this.rate[v];
    const fixed = this.fixedMs[v];
    let factor = 1;
    const sigma = this.sigma[v];
    if (sigma > 0) factor = this.jitter.meanOne(sigma);
    // Garbage collection multiplies the CPU work per byte (1 + GC overhead); a heap too small
    // for the working set ends in OutOfMemoryError instead, once the heap is full.
    const outOfMemory = isOutOfMemory(this.heapU[v]);
    const gcFactor = outOfMemory ? 1 : 1 + this.gcSlowdown[v];
    // The attempt's time alone on a full core with no I/O limit: what it takes when nothing slows it.
    // An overflowing time (a tiny rate) stays finite: past any time limit, it never comes.
    let solo = fixed + (rate === Infinity ? 0 : (input / rate) * 1000 * gcFactor);
    if (sigma > 0) solo *= factor;
    solo = Math.min(solo, NEVER_MS);
    const duration = Math.round(solo);

    const attempt = execution.attemptNo[g]++;
    const failure = this.faults.failureOf(v, g - this.base[v], attempt);
    const failAt = failure === null ? -1 : failure.at;
    let outcome = failure === null ? Outcome.Finish : failure.cause === INJECTED_FAILURE ? Outcome.InjectedFailure : Outcome.RandomFailure;
    const now = this.sim.now;
    this.setState(g, SubtaskState.Running);
    execution.slot[g] = slot;
    const tm = this.cluster.tmOfSlot(slot);
    execution.lastTm[g] = tm;
    this.attempts[v]++;
    if (Number.isNaN(this.firstStart[v])) this.firstStart[v] = now;
    this.runningSubtasks++;
    this.cluster.occupy(slot, g);

    // The fixed time is latency; then the input moves at up to `cap` bytes/ms (one core, slowed by jitter and GC).
    const fixedPart = fixed * factor;
    const cap = rate === Infinity ? Infinity : rate / 1000 / factor / gcFactor;
    let ends = outcome === Outcome.Finish ? duration : Math.round(failAt * duration);
    let bytes = input;
    let delay = Math.round(fixedPart);
    if (outcome !== Outcome.Finish) {
      // A failure at a fraction of the attempt's time alone: during the fixed time, or after some bytes.
      const at = failAt * solo;
      if (at <= fixedPart) {
        bytes = 0;
        delay = ends;
      } else {
        bytes = cap === Infinity ? failAt * input : Math.min(input, (at - fixedPart) * cap);
      }
    }
    if (outOfMemory) {
      // The working set grows with the input read: the heap is full after input / occupancy bytes.
      const full = input / this.heapU[v];
      const oomEnds = Math.round(fixedPart + (cap === Infinity ? 0 : full / cap));
      if (outcome === Outcome.Finish || oomEnds < ends) {
        outcome = Outcome.OutOfMemory;
        ends = oomEnds;
        bytes = full;
        delay = Math.round(fixedPart);
      }
    }
    const vs = this.spec.vertices[v];
    const produces = this.hasConsumers[v] === 1;
    const selectivity = input > 0 ? output / input : 0;
    const readsLocally = !this.partitions.tracksFilesPerTm || vs.sourceBytes !== undefined ? 0 : this.partitions.localShare(g, v, tm, input);
    const writes = produces ? selectivity : 0;
    // Input beyond the slot's managed memory is spilled: written to the local disk and read back.
    const spill = vs.managedMemory && input > 0 ? spilledBytes(input, this.spec.cluster.memory.managedPerSlot) / input : 0;
    const disk = readsLocally + (this.local ? writes : 0) + 2 * spill;
    const net = 1 - readsLocally + (this.local ? 0 : writes);
    this.cluster.startWork(slot, bytes, delay, cap, disk, net, this.local ? writes : 0, spill, now + ends, outcome);
  }

  /** The cluster says the attempt in `slot` has moved its bytes: it finishes, or fails there if a fault said so. */
  onWorkDone(slot: number, outcome: number): void {
    const g = this.cluster.taskInSlot(slot);
    if (g < 0 || this.execution.state[g] !== SubtaskState.Running) return;
    if (outcome === Outcome.Finish) this.finish(g);
    else this.attemptFailed(g, outcome === Outcome.RandomFailure ? RANDOM_FAILURE : outcome === Outcome.OutOfMemory ? OUT_OF_MEMORY_CAUSE : INJECTED_FAILURE);
    this.afterChange();
  }

  /** Ends the running attempt of g, freeing its slot; returns the slot. */
  private stopAttempt(g: number, outcome: 'finished' | 'failed' | 'canceled', cause?: string): number {
    const execution = this.execution;
    const slot = execution.slot[g];
    const v = execution.vertexOf[g];
    const now = this.sim.now;
    const started = this.cluster.startOf(slot);
    const ran = now - started;
    this.busyMs[v] += ran;
    this.slotMs += ran;
    this.runningSubtasks--;
    this.cluster.vacate(slot, outcome === 'finished' && this.local && this.hasConsumers[v] === 1);
    const held = this.cluster.boundTimes(slot);
    this.cpuBoundMs[v] += held.cpuMs;
    this.diskBoundMs[v] += held.diskMs;
    this.netBoundMs[v] += held.networkMs;
    const moved = this.cluster.movedBytes(slot);
    const cap = this.cluster.capOf(slot);
    if (moved > 0 && cap !== Infinity) {
      const cpuMs = moved / cap;
      const own = cpuMs / (1 + (isOutOfMemory(this.heapU[v]) ? 0 : this.gcSlowdown[v]));
      this.ownCpuMs[v] += own;
      this.gcMs[v] += cpuMs - own;
    }
    if (this.spec.vertices[v].managedMemory && moved > 0) {
      const input = this.bytes.inputOf(g, v);
      this.spilledBytes[v] += (moved * spilledBytes(input, this.spec.cluster.memory.managedPerSlot)) / input;
    }
    if (!this.local) {
      const input = this.bytes.inputOf(g, v);
      // Reads of intermediate data and writes of output both go through the shuffle service.
      if (this.spec.vertices[v].sourceBytes === undefined) this.partitions.shuffle.transferred(moved);
      if (this.hasConsumers[v] === 1 && input > 0) this.partitions.shuffle.transferred((moved * this.bytes.outputOf(g, v)) / input);
    }
    execution.slot[g] = -1;
    if (this.recorder !== null) {
      this.recorder.attempts.push({
        vertex: this.spec.vertices[v].id,
        subtask: g - this.base[v],
        attempt: execution.attemptNo[g] - 1,
        tm: this.cluster.tmOfSlot(slot),
        slot: slot % this.cluster.slotsPerTm,
        start: started / 1000,
        end: now / 1000,
        outcome,
        ...(cause !== undefined && { cause }),
        inputBytes: this.bytes.inputOf(g, v),
        outputBytes: this.bytes.outputOf(g, v),
      });
    }
    return slot;
  }

  private finish(g: number): void {
    const execution = this.execution;
    const v = execution.vertexOf[g];
    const slot = this.stopAttempt(g, 'finished');
    const tm = this.cluster.tmOfSlot(slot);
    // The output is available from the moment the subtask counts as finished (set first,
    // so it is never counted gone in between).
    const produces = this.hasConsumers[v] === 1;
    if (produces) this.partitions.setAvailable(g, v, 1);
    this.setState(g, SubtaskState.Finished);
    this.finishedSubtasks++;
    this.restarter.madeProgress();
    this.noteFinishAt(v);
    this.lastEnd[v] = this.sim.now;
    if (produces) this.partitions.produced(g, v, tm);
    this.releaseInputsOf(g, -1);
    const p = this.parallelism[v];
    for (const e of this.pointwiseOut[v]) {
      const c = e.vertex;
      const consumerP = this.parallelism[c];
      if (consumerP === 0) continue;
      const i = g - this.base[v];
      const c1 = endConsumer(p, consumerP, i);
      for (let j = firstConsumer(p, consumerP, i); j < c1; j++) {
        const h = this.base[c] + j;
        if (--execution.pendingPointwise[h] === 0) this.readyIfPossible(h);
      }
    }
    if (++this.finished[v] === p) this.vertexFinished(v);
    // Freed last, so subtasks this finish made ready queue up behind older requests first.
    this.slotFreed(slot);
  }

  /** Keeps the longest time between two finishes (or from the start to the first). */
  private noteFinishAt(v: number): void {
    const now = this.sim.now;
    if (now - this.lastFinishAt > this.stall.to - this.stall.from) this.stall = { from: this.lastFinishAt, to: now, vertex: v };
    this.lastFinishAt = now;
  }

  /** A pointwise consumer that finished (or is reset) releases (or takes back) its producers' files. */
  private releaseInputsOf(g: number, delta: number): void {
    const v = this.execution.vertexOf[g];
    if (this.pointwiseIn[v].length > 0) this.partitions.pointwiseConsumerChanged(g, v, this.pointwiseIn[v], delta);
  }

  /** Gives a slot that just became free to the oldest waiting request, or back to the pool. */
  private slotFreed(slot: number): void {
    if (!this.cluster.isRunning(this.cluster.tmOfSlot(slot))) return;
    const g = this.pending.pop(this.execution.requestStamp);
    if (g >= 0) this.deploy(g, slot);
    else this.cluster.returnSlot(slot);
  }

  // ---------------------------------------------------------------- cluster callbacks

  onTaskManagerReady(): void {
    for (;;) {
      if (this.pending.valid === 0) break;
      const slot = this.cluster.takeFreeSlot();
      if (slot < 0) break;
      const g = this.pending.pop(this.execution.requestStamp);
      if (g < 0) {
        this.cluster.returnSlot(slot);
        break;
      }
      this.deploy(g, slot);
    }
    this.afterChange();
  }

  onTaskManagerGone(): void {
    this.afterChange();
  }

  onDiskFull(_tm: number, slot: number): void {
    this.attemptFailed(this.cluster.taskInSlot(slot), NO_SPACE);
    this.afterChange();
  }

  /** After every event: ask for TaskManagers for requests no slot will serve, and sample. */
  private afterChange(): void {
    if (this.ended !== null) return;
    this.cluster.declareShortfall(this.pending.valid - this.cluster.requestedSlots);
    if (this.recorder !== null) this.sample();
  }

  private sample(): void {
    this.recorder?.sample({
      time: this.sim.now / 1000,
      ...this.cluster.snapshot(),
      pendingRequests: this.pending.valid,
      runningSubtasks: this.runningSubtasks,
      finishedSubtasks: this.finishedSubtasks,
    });
  }

  // ---------------------------------------------------------------- failures

  private attemptFailed(g: number, cause: string): void {
    const execution = this.execution;
    execution.failures[g]++;
    const tm = this.cluster.tmOfSlot(execution.slot[g]);
    const limit = this.spec.guards.maxAttemptsPerSubtask;
    if (execution.failures[g] >= limit) {
      this.failJob([g], cause, tm, `${this.label(g)} failed ${execution.failures[g]} times (batchsim.max-attempts-per-subtask = ${limit}); last cause: ${cause}`);
      return;
    }
    this.failover([g], [g], cause, tm);
  }

  private taskManagerFault(index: number): void {
    if (this.ended !== null) return;
    const f = this.spec.faults[index];
    if (f.type !== 'taskmanager') return;
    let tm = -1;
    let what: string;
    if ('tm' in f) {
      tm = f.tm;
      what = `TaskManager ${f.tm}`;
    } else {
      what = `the TaskManager hosting ${f.hosting.vertex}[${f.hosting.subtask}]`;
      const v = this.graph.indexOf.get(f.hosting.vertex) as number;
      if (this.parallelism[v] > f.hosting.subtask) {
        const g = this.base[v] + f.hosting.subtask;
        const execution = this.execution;
        // Where its output is (local shuffle), or where it runs or last ran: all the TaskManager of its latest attempt.
        tm = execution.lastTm[g];
      }
    }
    if (!this.cluster.isActive(tm)) {
      this.failures.ignoredTaskManagerLoss(this.sim.now, tm >= 0 ? tm : null, `: ${what} is not live at this time, nothing lost`);
      return;
    }
    this.loseTaskManager(tm);
    this.afterChange();
  }

  /** A TaskManager disappears: its running attempts fail and, with local shuffle, its files are lost. */
  private loseTaskManager(tm: number): void {
    const execution = this.execution;
    const running: number[] = [];
    const spt = this.cluster.slotsPerTm;
    for (let k = 0; k < spt; k++) {
      const g = this.cluster.taskInSlot(tm * spt + k);
      if (g >= 0) running.push(g);
    }
    const lostProducers = this.partitions.lostWith(tm);
    if (running.length === 0 && lostProducers.length === 0) {
      this.cluster.lose(tm);
      this.failures.ignoredTaskManagerLoss(this.sim.now, tm, '; it ran nothing and held no needed file');
      return;
    }
    for (const g of running) execution.failures[g]++;
    this.failover([...running, ...lostProducers], running, TM_LOST, tm);
  }

  /**
   * Handles one failure: asks the restart strategy, computes the subtasks to restart,
   * cancels them now and schedules their restart after the backoff.
   * @param seeds subtasks the failover starts from (failed attempts, producers of lost files)
   * @param failedAttempts seeds whose running attempt failed (recorded as failed, not cancelled)
   */
  private failover(seeds: number[], failedAttempts: number[], cause: string, tm: number): void {
    const first = failedAttempts.length > 0 ? failedAttempts[0] : seeds[0];
    const label = failedAttempts.length > 0 ? this.label(first) : null;
    const attempt = failedAttempts.length > 0 ? this.execution.attemptNo[first] - 1 : null;
    const decision = this.restarter.decide(this.sim.now, cause, label);
    if (!decision.restart) {
      if (decision.exhausted) this.failures.jobFailed(this.sim.now, label, attempt, tm, cause);
      this.failJob(failedAttempts, cause, tm, decision.jobCause);
      return;
    }
    const id = ++this.failoverCount;
    if (this.checkInvariants) this.partitions.checkOutputsGone();
    const set =
      this.spec.failoverStrategy === 'full'
        ? this.allSubtasks()
        : this.failoverStrategy.restartSet(seeds, this.execution.vertexOf, this.partitions.isUnavailable, this.isUntouched, this.partitions.hasOutputsGone);
    const failedSet = new Set(failedAttempts);
    for (let k = 0; k < set.length; k++) {
      const g = set[k];
      // Only a running attempt can be the failed one; the set is looked up for those alone.
      this.cancel(g, id, this.execution.state[g] === SubtaskState.Running && failedSet.has(g) ? cause : null);
    }
    if (cause === TM_LOST) this.cluster.lose(tm);
    const delay = decision.delayMs;
    this.restartSets.set(id, set);
    this.sim.schedule(delay, this.evRestart, id);
    this.recorder?.event(this.sim.now, 'failure', `${label ?? `TaskManager ${tm}`}: ${cause}`, tm >= 0 ? tm : undefined);
    const names: string[] = [];
    for (let k = 0; k < Math.min(set.length, 50); k++) names.push(this.label(set[k]));
    this.failures.restarted(this.sim.now, { subtask: label, attempt, taskManager: tm >= 0 ? tm : null, cause, restarted: names, restartedCount: set.length }, delay);
    const freed = this.freed.splice(0);
    for (const slot of freed) this.slotFreed(slot);
  }

  /** Ends the job on a failure it will not recover from: the failed attempts stop, a lost TaskManager goes. */
  private failJob(failedAttempts: readonly number[], cause: string, tm: number, jobCause: string): void {
    for (const g of failedAttempts) {
      this.stopAttempt(g, 'failed', cause);
      this.setState(g, SubtaskState.Created);
    }
    if (cause === TM_LOST) this.cluster.lose(tm);
    this.endJob('FAILED', jobCause);
  }

  private readonly isUntouched = (v: number): boolean => this.touched[v] === 0;

  private allSubtasks(): Int32Array {
    const all = new Int32Array(this.execution.size);
    for (let g = 0; g < all.length; g++) all[g] = g;
    return all;
  }

  /** Cancels one subtask for a failover, undoing what its progress released downstream and upstream. */
  private cancel(g: number, id: number, failedCause: string | null): void {
    const execution = this.execution;
    const v = execution.vertexOf[g];
    const st = execution.state[g];
    if (st === SubtaskState.Running) {
      this.freed.push(this.stopAttempt(g, failedCause !== null ? 'failed' : 'canceled', failedCause ?? 'canceled by failover'));
    } else if (st === SubtaskState.Queued) {
      execution.requestStamp[g]++;
      this.pending.valid--;
    } else if (st === SubtaskState.Finished) {
      if (this.finished[v] === this.parallelism[v]) this.vertexUnfinished(v);
      this.finished[v]--;
      this.finishedSubtasks--;
      if (execution.fileAvailable[g] === 1) this.partitions.drop(g, v);
      this.releaseInputsOf(g, +1);
      const p = this.parallelism[v];
      for (const e of this.graph.outputs[v]) {
        const consumerP = this.parallelism[e.vertex];
        if (e.pattern !== 'pointwise' || consumerP === 0) continue;
        const [c0, c1] = pointwiseConsumers(p, consumerP, g - this.base[v]);
        for (let h = c0; h < c1; h++) execution.pendingPointwise[this.base[e.vertex] + h]++;
      }
    }
    this.setState(g, SubtaskState.Restarting);
    execution.restartId[g] = id;
  }

  private restart(id: number): void {
    const set = this.restartSets.get(id);
    this.restartSets.delete(id);
    if (set === undefined || this.ended !== null) return;
    this.recorder?.event(this.sim.now, 'restart', `${set.length} subtask(s) restarted`);
    const execution = this.execution;
    for (let k = 0; k < set.length; k++) {
      const g = set[k];
      if (execution.state[g] === SubtaskState.Restarting && execution.restartId[g] === id) this.setState(g, SubtaskState.Created);
    }
    for (let k = 0; k < set.length; k++) this.readyIfPossible(set[k]);
    this.afterChange();
  }


  // ---------------------------------------------------------------- the end

  private endJob(status: 'FINISHED' | 'FAILED', cause?: string): void {
    if (this.ended !== null) return;
    this.ended = status === 'FAILED' ? { status, cause } : { status };
    for (let g = 0; g < this.execution.size; g++) {
      if (this.execution.state[g] === SubtaskState.Running) {
        this.stopAttempt(g, 'canceled', 'job ended');
        this.setState(g, SubtaskState.Created);
      }
    }
    this.cluster.releaseAll();
    this.recorder?.event(this.sim.now, 'job-end', status === 'FINISHED' ? 'job finished' : `job failed: ${cause}`);
    if (this.recorder !== null) this.sample();
    if (this.onEnd !== null) this.onEnd();
    else this.sim.stop();
  }

  private diagnoseStuck(): string {
    const c = this.spec.cluster;
    if (this.pending.valid > 0 && c.maxSlots < c.slotsPerTaskManager) {
      return `NoResourceAvailableException: ${this.pending.valid} slot request(s) can never be served: maxSlots ${c.maxSlots} is smaller than the ${c.slotsPerTaskManager} slots of one TaskManager`;
    }
    return `the job cannot make progress: ${this.pending.valid} slot request(s) pending, ${this.runningSubtasks} running, ${this.verticesDone} of ${this.spec.vertices.length} vertices finished`;
  }

  private label(g: number): string {
    const v = this.execution.vertexOf[g];
    return `${this.spec.vertices[v].id}[${g - this.base[v]}]`;
  }

  /** {@link stall}, counting the time from the last finish to the job's end when it ended without one. */
  private longestStall(): RunResult['longestStall'] {
    const now = this.sim.now;
    const s = now - this.lastFinishAt > this.stall.to - this.stall.from ? { from: this.lastFinishAt, to: now, vertex: -1 } : this.stall;
    return { from: s.from / 1000, to: s.to / 1000, vertex: s.vertex >= 0 ? this.spec.vertices[s.vertex].id : null };
  }

  /** Per vertex: bytes spilled, CPU-seconds of GC and of its own work, and the highest heap occupancy. */
  private memoryUse(v: number): Pick<VertexResult, 'spilledBytes' | 'gcSeconds' | 'cpuSeconds' | 'heapOccupancy'> {
    return {
      spilledBytes: Math.round(this.spilledBytes[v]),
      gcSeconds: this.gcMs[v] / 1000,
      cpuSeconds: this.ownCpuMs[v] / 1000,
      heapOccupancy: this.attempts[v] > 0 ? this.heapU[v] : 0,
    };
  }

  report(): RunOutput {
    const spec = this.spec;
    const ended = this.ended as JobEnd;
    // One buffer for every vertex's subtask inputs (spread reorders it).
    const ran = new Float64Array(this.parallelism.reduce((a, p) => Math.max(a, p), 0));
    const vertices: VertexResult[] = spec.vertices.map((vs, v) => {
      const p = this.parallelism[v];
      const { count, input, output } = this.bytes.ran(v, ran);
      return {
        id: vs.id,
        parallelism: p === 0 ? null : p,
        decision: this.decisions[v] ?? { origin: 'inferred', reason: 'not decided: its producers never finished' },
        attempts: this.attempts[v],
        start: Number.isNaN(this.firstStart[v]) ? null : this.firstStart[v] / 1000,
        end: p > 0 && this.finished[v] === p ? this.lastEnd[v] / 1000 : null,
        busySlotSeconds: this.busyMs[v] / 1000,
        inputBytes: input,
        outputBytes: output,
        subtaskInputBytes: spread(ran, count),
        ...heldBack(this.cpuBoundMs[v], this.diskBoundMs[v], this.netBoundMs[v]),
        ...this.memoryUse(v),
      };
    });
    const result = buildRunResult({
      spec,
      mode: 'BATCH',
      ended,
      startMs: this.startMs,
      nowMs: this.sim.now,
      vertices,
      cluster: this.cluster,
      restarts: this.restarter.restarts,
      slotMs: this.slotMs,
      failures: this.failures.entries,
      events: this.sim.processed,
      ...(!this.local && { shuffle: this.partitions.shuffle }),
      longestStall: this.longestStall(),
    });
    return this.recorder === null ? { result } : { result, timeline: this.recorder };
  }
}
