//! The same job in STREAMING mode, for comparison: all subtasks deployed at once, pipelined edges, full restarts.

import type { LogNormalDraws } from '../engine/rng.js';
import { NEVER_MS, Simulation, type EventHandler } from '../engine/simulation.js';
import type { FaultInjector } from '../failure/fault-injector.js';
import { Cluster, type ClusterListener } from '../model/cluster/cluster.js';
import { drainFlows } from '../model/cluster/resource-shares.js';
import { pointwiseConsumers, pointwiseProducers, type JobGraph } from '../model/job/job-graph.js';
import type { Recorder } from '../model/recorder.js';
import type { VertexResult } from '../model/run-result.js';
import type { SimulationSpec } from '../model/spec.js';
import { FailureLog, TM_LOST } from '../runtime/failure-log.js';
import { RestartCoordinator } from '../runtime/restart-coordinator.js';
import { runAlone, timeLimitCause, type JobRun, type RunOptions, type RunOutput } from '../runtime/job-run.js';
import { evenPart, outputBytes, splitByShares } from './integer-bytes.js';
import { subpartitionWeights } from './parallelism-decider.js';
import { buildRunResult, heldBack, runSetup, spread, type JobEnd } from './run-report.js';

/** The task number of a slot allocated to the waiting job, before anything is deployed in it. */
const RESERVED = -2;

/**
 * Runs a job as Flink runs a streaming job. Vertices share slots, so the job needs as
 * many slots as its largest parallelism, all before anything starts (it fails after
 * `slot.request.timeout` when the cap or the cluster cannot provide them). Slot k hosts
 * subtask k of every vertex that has one.
 *
 * Time with pipelined edges: a subtask runs from deployment for its own time
 * (`fixed + input / rate`, with jitter), but cannot finish before every producer it
 * reads from has finished, since its last input arrives then:
 * `end = max(start + own time, latest producer end)`. A slot is busy until the last
 * subtask it hosts ends. Nothing is written to local disk. Any failure cancels every
 * subtask, and after the restart strategy's delay the whole job is deployed again.
 */
export class StreamingScheduler implements ClusterListener, JobRun {
  // Event handlers: written once, not closures per run (see EventHandler).
  private static readonly onDeploymentEnd: EventHandler<StreamingScheduler> = (s, d) => s.deploymentEnded(d);
  private static readonly onSubtaskFailure: EventHandler<StreamingScheduler> = (s, d, v, j) => s.subtaskFailed(d, v, j);
  private static readonly onSlotDone: EventHandler<StreamingScheduler> = (s, d, k) => s.slotDone(d, k);
  private static readonly onTaskManagerFault: EventHandler<StreamingScheduler> = (s, i) => s.taskManagerFault(i);
  private static readonly onSlotTimeout: EventHandler<StreamingScheduler> = (s, since) => s.slotTimeout(since);

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
  private readonly p: number[];
  private readonly slotsNeeded: number;
  private readonly inputBytes: Float64Array[];
  private readonly outputBytes: Float64Array[];
  /** Network bytes per input byte of each vertex's subtasks. */
  private readonly networkPerByte: number[];
  /** Milliseconds each vertex's subtasks were held back by CPU, disk and network. */
  private readonly cpuBoundMs: Float64Array;
  private readonly diskBoundMs: Float64Array;
  private readonly netBoundMs: Float64Array;

  private readonly evEnd: number;
  private readonly evFail: number;
  private readonly evSlotDone: number;
  private readonly evTmFault: number;
  private readonly evTimeout: number;

  /** Deployment number; events of an older deployment are stale. */
  private deployment = 0;
  private deployed = false;
  /** Asking for slots and deploying as soon as all are there (not during a restart delay). */
  private waiting = false;
  private waitingSince = 0;
  private slots: number[] = [];
  /** Slots allocated to the job while it waits for all it needs (see tryDeploy). */
  private reserved: number[] = [];
  private ends: Float64Array[] = [];
  private deployedAt = 0;
  private slotMs = 0;
  private firstStart = NaN;
  private readonly failures = new FailureLog();
  private ended: JobEnd | null = null;
  /** Why the deployment's first failure happens. */
  private failureCause = '';

  constructor(
    private readonly spec: SimulationSpec,
    options: RunOptions = {},
  ) {
    const setup = runSetup(spec, options.record === true);
    const context = options.context;
    this.sim = context?.sim ?? new Simulation();
    this.onEnd = context?.onEnd ?? null;
    this.startMs = context?.startMs ?? 0;
    this.jitter = setup.jitter;
    this.faults = setup.faults;
    this.graph = setup.graph;
    this.recorder = setup.recorder;
    this.restarter = new RestartCoordinator(setup.backoff, spec.guards.maxRestartsWithoutProgress, 'full restarts in a row');
    this.cluster = new Cluster(this.sim, spec.cluster, this, this.recorder, false, context?.gate ?? null);
    const global = spec.parallelism.globalDefault ?? 1;
    this.p = spec.vertices.map((v) => v.parallelism ?? global);
    this.slotsNeeded = this.p.reduce((a, b) => Math.max(a, b), 0);
    const bytes = this.computeBytes();
    this.inputBytes = bytes.input;
    this.outputBytes = bytes.output;
    const n = spec.vertices.length;
    this.cpuBoundMs = new Float64Array(n);
    this.diskBoundMs = new Float64Array(n);
    this.netBoundMs = new Float64Array(n);
    // Pipelined data crosses the network, except over pointwise edges (a forward edge stays in the slot); sources read over it.
    this.networkPerByte = spec.vertices.map((vs, v) => {
      const reads = vs.sourceBytes !== undefined || this.graph.inputs[v].some((e) => e.pattern !== 'pointwise') ? 1 : 0;
      const sends = this.graph.outputs[v].some((e) => e.pattern !== 'pointwise') ? vs.selectivity : 0;
      return reads + sends;
    });
    this.evEnd = this.sim.register(this, StreamingScheduler.onDeploymentEnd);
    this.evFail = this.sim.register(this, StreamingScheduler.onSubtaskFailure);
    this.evSlotDone = this.sim.register(this, StreamingScheduler.onSlotDone);
    this.evTmFault = this.sim.register(this, StreamingScheduler.onTaskManagerFault);
    this.evTimeout = this.sim.register(this, StreamingScheduler.onSlotTimeout);
  }

  /** Runs the job alone to its end and reports. */
  run(): RunOutput {
    return runAlone(this, this.sim, this.spec.guards.maxSimulatedMs);
  }

  start(): void {
    this.spec.faults.forEach((f, i) => {
      if (f.type === 'taskmanager') this.sim.at(this.startMs + f.atMs, this.evTmFault, i);
    });
    this.waitForSlots();
    this.sample();
  }

  afterEvent(): void {
    this.sample();
  }

  get hasEnded(): boolean {
    return this.ended !== null;
  }

  endUnfinished(timeLimitMs: number | null): void {
    if (this.ended !== null) return;
    this.endJob('FAILED', timeLimitMs !== null ? timeLimitCause(timeLimitMs) : 'the job cannot make progress');
    this.sample();
  }

  /** A metrics sample after each event (only when recording). */
  private sample(): void {
    if (this.recorder === null) return;
    const now = this.sim.now;
    let total = 0;
    let done = 0;
    for (const e of this.ends) {
      total += e.length;
      for (let j = 0; j < e.length; j++) if (e[j] <= now) done++;
    }
    const finished = this.ended?.status === 'FINISHED' ? total : this.deployed ? done : 0;
    const cluster = this.cluster.snapshot();
    this.recorder.sample({
      time: now / 1000,
      ...cluster,
      // Slots allocated to the waiting job are taken, but run nothing yet.
      busySlots: cluster.busySlots - this.reserved.length,
      pendingRequests: this.waiting ? this.slotsNeeded : 0,
      runningSubtasks: this.deployed ? total - done : 0,
      finishedSubtasks: finished,
    });
  }

  /**
   * Input and output bytes of every subtask, whole bytes split as the batch scheduler splits
   * them (see integer-bytes.ts): data sizes do not depend on timing, so they are fixed up front.
   */
  private computeBytes(): { input: Float64Array[]; output: Float64Array[] } {
    const g = this.graph;
    const input: Float64Array[] = this.p.map((n) => new Float64Array(n));
    const output: Float64Array[] = this.p.map((n) => new Float64Array(n));
    const total = new Float64Array(this.p.length);
    for (const v of g.topological) {
      const spec = g.vertices[v];
      const p = this.p[v];
      const b = input[v];
      let evenly = spec.sourceBytes ?? 0;
      for (const e of g.inputs[v]) {
        const u = e.vertex;
        if (e.pattern === 'broadcast') {
          for (let j = 0; j < p; j++) b[j] += total[u];
        } else if (e.pattern === 'all-to-all') {
          const skew = g.vertices[u].skew;
          if (skew === undefined) evenly += total[u];
          else {
            const parts = splitByShares(total[u], subpartitionWeights(p, skew));
            for (let j = 0; j < p; j++) b[j] += parts[j];
          }
        } else {
          for (let j = 0; j < p; j++) {
            const [a, c] = pointwiseProducers(this.p[u], p, j);
            for (let i = a; i < c; i++) {
              const [c0, c1] = pointwiseConsumers(this.p[u], p, i);
              b[j] += evenPart(output[u][i], c1 - c0, j - c0);
            }
          }
        }
      }
      for (let j = 0; j < p; j++) {
        b[j] += evenPart(evenly, p, j);
        output[v][j] = outputBytes(b[j], spec.selectivity);
        total[v] += output[v][j];
      }
    }
    return { input, output };
  }

  private waitForSlots(): void {
    this.deployed = false;
    this.waiting = true;
    this.waitingSince = this.sim.now;
    this.sim.schedule(this.spec.slotRequestTimeoutMs, this.evTimeout, this.sim.now);
    this.requestSlots();
    this.tryDeploy();
  }

  private requestSlots(): void {
    const c = this.cluster;
    c.declareShortfall(this.slotsNeeded - this.reserved.length - c.freeSlotCount - c.requestedSlots);
  }

  onTaskManagerReady(): void {
    this.tryDeploy();
  }

  onTaskManagerGone(): void {
    if (this.waiting && this.ended === null) this.requestSlots();
  }

  onDiskFull(): void {
    // Streaming keeps intermediate data in memory: nothing is written to disk.
  }

  onWorkDone(): void {
    // Subtask times are planned whole at deployment (see ownTimes): no work is handed to the cluster.
  }

  private tryDeploy(): void {
    // Only while waiting for slots: during a restart delay, TaskManagers that come up must not start the job early.
    if (!this.waiting || this.ended !== null) return;
    // Slots are allocated to the job as they come, as Flink's slot pool holds them for the
    // pending requests: a TaskManager whose slots are allocated is not idle, so it is not
    // released (and asked for again) while the job waits for the rest.
    while (this.reserved.length < this.slotsNeeded) {
      const slot = this.cluster.takeFreeSlot();
      if (slot < 0) break;
      this.cluster.occupy(slot, RESERVED);
      this.reserved.push(slot);
    }
    if (this.reserved.length < this.slotsNeeded) return;
    this.waiting = false;
    this.deployed = true;
    const d = ++this.deployment;
    const now = this.sim.now;
    this.deployedAt = now;
    if (Number.isNaN(this.firstStart)) this.firstStart = now;
    this.slots = [];
    for (let k = 0; k < this.slotsNeeded; k++) {
      const slot = this.reserved[k];
      this.cluster.vacate(slot, false);
      this.cluster.occupy(slot, k);
      this.slots.push(slot);
    }
    this.reserved = [];
    const g = this.graph;
    const own = this.ownTimes();
    this.ends = this.p.map((n) => new Float64Array(n));
    let firstFailure = Infinity;
    let failV = -1;
    let failJ = -1;
    for (const v of g.topological) {
      for (let j = 0; j < this.p[v]; j++) {
        let end = now + own[v][j];
        for (const e of g.inputs[v]) {
          const u = e.vertex;
          if (e.pattern === 'pointwise') {
            const [a, b] = pointwiseProducers(this.p[u], this.p[v], j);
            for (let i = a; i < b; i++) end = Math.max(end, this.ends[u][i]);
          } else {
            for (let i = 0; i < this.p[u]; i++) end = Math.max(end, this.ends[u][i]);
          }
        }
        this.ends[v][j] = end;
        const failure = this.faults.failureOf(v, j, d - 1);
        if (failure !== null) {
          const t = now + Math.round(failure.at * (end - now));
          if (t < firstFailure) {
            firstFailure = t;
            failV = v;
            failJ = j;
            this.failureCause = failure.cause;
          }
        }
      }
    }
    let finish = now;
    for (const e of this.ends) for (let j = 0; j < e.length; j++) if (e[j] > finish) finish = e[j];
    const stop = Math.min(firstFailure, finish);
    // Slots whose subtasks all end before the deployment does are given back on the way.
    for (let k = 0; k < this.slotsNeeded; k++) {
      const end = this.slotEnd(k);
      if (end < stop) this.sim.at(end, this.evSlotDone, d, k);
    }
    if (firstFailure <= finish) this.sim.at(firstFailure, this.evFail, d, failV, failJ);
    else this.sim.at(finish, this.evEnd, d);
  }

  /**
   * Each subtask's own time in this deployment, in ms. Subtasks sharing a slot are threads
   * of one TaskManager: they share its cores, disk and network as every attempt does (see
   * Cluster), all starting now, each after its fixed time. A subtask nothing slows takes
   * `fixed + input / rate` (with jitter), as without the model.
   */
  private ownTimes(): Float64Array[] {
    const g = this.graph;
    const c = this.spec.cluster;
    const own = this.p.map((n) => new Float64Array(n));
    // Jitter factors first, in the order the draws have always been made.
    const factor = this.p.map((n) => new Float64Array(n).fill(1));
    for (const v of g.topological) {
      const sigma = g.vertices[v].jitterSigma;
      if (sigma > 0) for (let j = 0; j < this.p[v]; j++) factor[v][j] = this.jitter.meanOne(sigma);
    }
    // The subtasks of each TaskManager: slot k hosts subtask k of every vertex that has one.
    const byTm = new Map<number, [number, number][]>();
    for (let k = 0; k < this.slots.length; k++) {
      const tm = this.cluster.tmOfSlot(this.slots[k]);
      let list = byTm.get(tm);
      if (list === undefined) byTm.set(tm, (list = []));
      for (const v of g.topological) if (k < this.p[v]) list.push([v, k]);
    }
    const cores = c.cpuPerSlot * c.slotsPerTaskManager;
    for (const list of byTm.values()) {
      const n = list.length;
      const delay = new Float64Array(n);
      const bytes = new Float64Array(n);
      const cap = new Float64Array(n);
      const disk = new Float64Array(n);
      const net = new Float64Array(n);
      list.forEach(([v, j], i) => {
        const spec = g.vertices[v];
        const f = factor[v][j];
        delay[i] = spec.fixedMs * f;
        bytes[i] = this.inputBytes[v][j];
        cap[i] = spec.rate === Infinity ? Infinity : spec.rate / 1000 / f;
        net[i] = this.networkPerByte[v];
      });
      const drained = drainFlows(n, delay, bytes, cap, disk, net, cores, c.diskBandwidth / 1000, c.networkBandwidth / 1000);
      list.forEach(([v, j], i) => {
        const spec = g.vertices[v];
        let alone = spec.fixedMs + (spec.rate === Infinity ? 0 : (this.inputBytes[v][j] / spec.rate) * 1000);
        if (spec.jitterSigma > 0) alone *= factor[v][j];
        const t = drained.slowed[i] === 1 ? Math.round(drained.end[i]) : Math.round(alone);
        // An overflowing time (a tiny rate) stays finite: past any time limit, it never comes.
        own[v][j] = t < NEVER_MS ? t : NEVER_MS;
        this.cpuBoundMs[v] += drained.cpuMs[i];
        this.diskBoundMs[v] += drained.diskMs[i];
        this.netBoundMs[v] += drained.netMs[i];
      });
    }
    return own;
  }

  /** When slot k's last hosted subtask ends in the current deployment. */
  private slotEnd(k: number): number {
    let end = this.deployedAt;
    for (let v = 0; v < this.p.length; v++) if (k < this.p[v]) end = Math.max(end, this.ends[v][k]);
    return end;
  }

  /**
   * Gives slot k back, its subtasks ended (or cancelled) at `until`: a slot is busy until the
   * last subtask it hosts ends, then the job no longer holds it.
   */
  private releaseSlot(k: number, until: number, failed?: { v: number; j: number; cause: string }): void {
    const slot = this.slots[k];
    if (slot < 0) return;
    if (this.recorder !== null) {
      for (let v = 0; v < this.p.length; v++) {
        if (k >= this.p[v]) continue;
        const end = this.ends[v][k];
        const isFailed = failed !== undefined && failed.v === v && failed.j === k;
        this.recorder.attempts.push({
          vertex: this.spec.vertices[v].id,
          subtask: k,
          attempt: this.deployment - 1,
          tm: this.cluster.tmOfSlot(slot),
          slot: slot % this.cluster.slotsPerTm,
          start: this.deployedAt / 1000,
          end: Math.min(end, until) / 1000,
          outcome: isFailed ? 'failed' : end <= until ? 'finished' : 'canceled',
          ...(isFailed && { cause: failed.cause }),
          inputBytes: this.inputBytes[v][k],
          outputBytes: this.outputBytes[v][k],
        });
      }
    }
    this.slotMs += Math.min(this.slotEnd(k), until) - this.deployedAt;
    this.slots[k] = -1;
    this.cluster.vacate(slot, false);
    this.cluster.returnSlot(slot);
  }

  /** Ends the current deployment at `until`: every slot still held is given back. */
  private releaseDeployment(until: number, failed?: { v: number; j: number; cause: string }): void {
    for (let k = 0; k < this.slots.length; k++) this.releaseSlot(k, until, failed);
    this.slots = [];
    this.deployed = false;
  }

  private slotDone(d: number, k: number): void {
    if (d !== this.deployment || !this.deployed) return;
    this.releaseSlot(k, this.sim.now);
  }

  private deploymentEnded(d: number): void {
    if (d !== this.deployment || !this.deployed) return;
    this.releaseDeployment(this.sim.now);
    this.endJob('FINISHED');
  }

  private subtaskFailed(d: number, v: number, j: number): void {
    if (d !== this.deployment || !this.deployed) return;
    const cause = this.failureCause;
    this.releaseDeployment(this.sim.now, { v, j, cause });
    this.fullRestart(`${this.spec.vertices[v].id}[${j}]`, d - 1, null, cause);
  }

  private taskManagerFault(index: number): void {
    if (this.ended !== null) return;
    const f = this.spec.faults[index];
    if (f.type !== 'taskmanager') return;
    let tm = -1;
    if ('tm' in f) tm = f.tm;
    else {
      const v = this.graph.indexOf.get(f.hosting.vertex) as number;
      if (this.deployed && f.hosting.subtask < this.p[v] && f.hosting.subtask < this.slots.length && this.slots[f.hosting.subtask] >= 0) {
        tm = this.cluster.tmOfSlot(this.slots[f.hosting.subtask]);
      }
    }
    if (!this.cluster.isActive(tm)) {
      this.failures.ignoredTaskManagerLoss(this.sim.now, tm >= 0 ? tm : null, ': it is not live at this time, nothing lost');
      return;
    }
    const hit = this.deployed && this.slots.some((s) => s >= 0 && this.cluster.tmOfSlot(s) === tm);
    this.unreserve((s) => this.cluster.tmOfSlot(s) === tm, false);
    if (hit) this.releaseDeployment(this.sim.now);
    this.cluster.lose(tm);
    if (hit) this.fullRestart(null, null, tm, TM_LOST);
    else if (this.waiting) this.requestSlots();
  }

  private fullRestart(subtask: string | null, attempt: number | null, tm: number | null, cause: string): void {
    const total = this.p.reduce((a, b) => a + b, 0);
    const decision = this.restarter.decide(this.sim.now, cause, subtask);
    if (!decision.restart) {
      if (decision.exhausted) this.failures.jobFailed(this.sim.now, subtask, attempt, tm, cause);
      this.endJob('FAILED', decision.jobCause);
      return;
    }
    const delay = decision.delayMs;
    this.failures.restarted(this.sim.now, { subtask, attempt, taskManager: tm, cause, restarted: ['all subtasks'], restartedCount: total }, delay);
    this.recorder?.event(this.sim.now, 'failure', `${subtask ?? `TaskManager ${tm}`}: ${cause}`);
    this.sim.schedule(delay, this.evTimeout, -1);
  }

  /** A slot-request timeout (since >= 0), or the end of a restart delay (since = -1). */
  private slotTimeout(since: number): void {
    if (this.ended !== null) return;
    if (since < 0) {
      this.recorder?.event(this.sim.now, 'restart', 'all subtasks restarted');
      this.waitForSlots();
      return;
    }
    if (!this.waiting || since !== this.waitingSince) return;
    const c = this.spec.cluster;
    this.endJob(
      'FAILED',
      `NoResourceAvailableException: could not acquire the ${this.slotsNeeded} slots the streaming job needs within slot.request.timeout (${this.spec.slotRequestTimeoutMs / 1000} s)` +
        (c.maxSlots < this.slotsNeeded ? `: maxSlots is ${c.maxSlots}` : ''),
    );
  }

  /** Gives back the slots allocated to the waiting job that `which` picks (to the pool, unless their TaskManager goes). */
  private unreserve(which: (slot: number) => boolean, toPool: boolean): void {
    const keep: number[] = [];
    for (const slot of this.reserved) {
      if (!which(slot)) {
        keep.push(slot);
        continue;
      }
      this.cluster.vacate(slot, false);
      if (toPool) this.cluster.returnSlot(slot);
    }
    this.reserved = keep;
  }

  private endJob(status: 'FINISHED' | 'FAILED', cause?: string): void {
    if (this.ended !== null) return;
    this.ended = status === 'FAILED' ? { status, cause } : { status };
    this.unreserve(() => true, false);
    if (this.deployed) this.releaseDeployment(this.sim.now);
    this.cluster.releaseAll();
    this.recorder?.event(this.sim.now, 'job-end', status === 'FINISHED' ? 'job finished' : `job failed: ${cause}`);
    if (this.onEnd !== null) this.onEnd();
    else this.sim.stop();
  }

  /** STREAMING keeps no memory model yet: nothing spills, collects garbage or runs out of heap. */
  private memoryUse(_v: number): Pick<VertexResult, 'spilledBytes' | 'gcSeconds' | 'cpuSeconds' | 'heapOccupancy'> {
    return { spilledBytes: 0, gcSeconds: 0, cpuSeconds: 0, heapOccupancy: 0 };
  }

  report(): RunOutput {
    const spec = this.spec;
    const ended = this.ended as JobEnd;
    const finished = ended.status === 'FINISHED';
    const vertices: VertexResult[] = spec.vertices.map((vs, v) => {
      const input = this.inputBytes[v].reduce((a, b) => a + b, 0);
      return {
        id: vs.id,
        parallelism: this.p[v],
        decision: vs.parallelism !== undefined
          ? { origin: 'fixed', reason: 'set in the scenario' }
          : { origin: 'global-default', reason: `parallelism.default = ${this.p[v]} (STREAMING does not infer parallelism)` },
        attempts: this.deployment * this.p[v],
        start: Number.isNaN(this.firstStart) ? null : this.firstStart / 1000,
        end: finished && this.ends[v] !== undefined ? this.ends[v].reduce((a, b) => Math.max(a, b), 0) / 1000 : null,
        busySlotSeconds: 0,
        inputBytes: input,
        outputBytes: this.outputBytes[v].reduce((a, b) => a + b, 0),
        subtaskInputBytes: spread(this.inputBytes[v].slice()),
        ...heldBack(this.cpuBoundMs[v], this.diskBoundMs[v], this.netBoundMs[v]),
        ...this.memoryUse(v),
      };
    });
    const result = buildRunResult({
      spec,
      mode: 'STREAMING',
      ended,
      startMs: this.startMs,
      nowMs: this.sim.now,
      vertices,
      cluster: this.cluster,
      restarts: this.restarter.restarts,
      slotMs: this.slotMs,
      failures: this.failures.entries,
      events: this.sim.processed,
    });
    return this.recorder === null ? { result } : { result, timeline: this.recorder };
  }
}
