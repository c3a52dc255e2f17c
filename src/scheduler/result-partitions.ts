//! Intermediate results (Flink's result partitions): which outputs exist, where, and who still needs them.

import { InvariantError, type Simulation } from '../engine/simulation.js';
import type { Cluster } from '../model/cluster/cluster.js';
import { endConsumer, endProducer, firstConsumer, firstProducer, type JobEdge, type JobGraph } from '../model/job/job-graph.js';
import type { SimulationSpec } from '../model/spec.js';
import { SubtaskState, type ExecutionState } from './execution-state.js';
import { ShuffleServiceUse } from './shuffle-service-use.js';
import type { SubtaskBytes } from './subtask-bytes.js';

/**
 * The output of each finished subtask, as a file on its TaskManager (local shuffle) or in
 * the remote shuffle service, kept until no consumer needs it: every unfinished whole-vertex
 * (all-to-all, broadcast) consumer counts once, every unfinished pointwise consumer subtask
 * once. Also what a failover needs to know: which finished subtasks' outputs are gone.
 */
export class ResultPartitions {
  /** Reads and writes of the remote shuffle service (remote shuffle only). */
  readonly shuffle = new ShuffleServiceUse();
  /** Per vertex: all-to-all and broadcast consumer vertices that are not finished (each edge counted). */
  private readonly openBlockingConsumers: Int32Array;
  /** Per vertex: finished subtasks whose output is gone (consumed, deleted or lost). */
  private readonly outputsGone: Int32Array;
  /**
   * With local shuffle and a finite disk or network bandwidth: per TaskManager, the bytes of
   * each vertex's available output files on it, so a consumer knows how much of its input
   * it reads from its own disk rather than over the network. Null when nothing is limited.
   */
  private readonly filesOnTm: (Float64Array | undefined)[] | null;
  private readonly local: boolean;

  constructor(
    private readonly spec: SimulationSpec,
    private readonly graph: JobGraph,
    private readonly execution: ExecutionState,
    private readonly bytes: SubtaskBytes,
    private readonly cluster: Cluster,
    private readonly sim: Simulation,
    /** The scheduler's per-vertex parallelism and first global subtask number (read only). */
    private readonly parallelism: Int32Array,
    private readonly base: Int32Array,
    /** Per vertex, its pointwise output edges. */
    private readonly pointwiseOut: readonly (readonly JobEdge[])[],
  ) {
    const n = spec.vertices.length;
    this.local = spec.cluster.shuffle === 'local';
    this.openBlockingConsumers = new Int32Array(n);
    for (let v = 0; v < n; v++) this.openBlockingConsumers[v] = graph.outputs[v].length - pointwiseOut[v].length;
    this.outputsGone = new Int32Array(n);
    const limited = spec.cluster.diskBandwidth !== Infinity || spec.cluster.networkBandwidth !== Infinity;
    this.filesOnTm = this.local && limited ? [] : null;
  }

  /** Whether consumers need to know which of their input lies on their own TaskManager. */
  get tracksFilesPerTm(): boolean {
    return this.filesOnTm !== null;
  }

  /** Subtask g of vertex v finished on `tm`: its output is counted as needed, and held on `tm` with local shuffle. */
  produced(g: number, v: number, tm: number): void {
    const need = this.initialNeed(g);
    this.execution.need[g] = need;
    if (this.local) this.cluster.holdFile(tm);
    if (need === 0) this.drop(g, v);
  }

  /** A whole-vertex consumer of `u` finished (delta -1) or runs again (+1). */
  blockingConsumerChanged(u: number, delta: number): void {
    this.openBlockingConsumers[u] += delta;
    const b = this.base[u];
    for (let i = 0; i < this.parallelism[u]; i++) {
      if (this.execution.fileAvailable[b + i] === 1) this.adjustNeed(b + i, u, delta);
    }
  }

  /** A pointwise consumer subtask g of vertex v finished (-1) or is reset (+1): its producers' files. */
  pointwiseConsumerChanged(g: number, v: number, pointwiseIn: readonly JobEdge[], delta: number): void {
    const p = this.parallelism[v];
    const j = g - this.base[v];
    for (const e of pointwiseIn) {
      const u = e.vertex;
      const pu = this.parallelism[u];
      const b = endProducer(pu, p, j);
      for (let i = firstProducer(pu, p, j); i < b; i++) this.adjustNeed(this.base[u] + i, u, delta);
    }
  }

  /** Subtask g of vertex v: one consumer more or less needs its output. */
  adjustNeed(g: number, v: number, delta: number): void {
    if (this.execution.fileAvailable[g] !== 1) return;
    this.execution.need[g] += delta;
    if (this.execution.need[g] === 0) this.drop(g, v);
  }

  /** Deletes the output of subtask g of vertex v (consumed, or its producer runs again). */
  drop(g: number, v: number): void {
    this.setAvailable(g, v, 0);
    // A file exists only for a subtask that ran.
    if (this.local) this.cluster.deleteFile(this.execution.lastTm[g], this.bytes.outputOf(g, v));
  }

  /** The files on a lost TaskManager are gone: returns the subtasks whose output was there. */
  lostWith(tm: number): number[] {
    const execution = this.execution;
    const lost: number[] = [];
    if (!this.local) return lost;
    for (let g = 0; g < execution.size; g++) {
      if (execution.lastTm[g] === tm && execution.fileAvailable[g] === 1) {
        this.setAvailable(g, execution.vertexOf[g], 0);
        lost.push(g);
      }
    }
    return lost;
  }

  /** Every change of an output's availability (of subtask g of vertex v) goes through here, so {@link outputsGone} stays exact. */
  setAvailable(g: number, v: number, available: 0 | 1): void {
    const execution = this.execution;
    if (execution.fileAvailable[g] === available) return;
    if (execution.state[g] === SubtaskState.Finished) this.outputsGone[v] += available === 1 ? -1 : 1;
    execution.fileAvailable[g] = available;
    const bytes = available === 1 ? this.bytes.outputOf(g, v) : -this.bytes.outputOf(g, v);
    if (this.filesOnTm !== null) {
      const files = (this.filesOnTm[execution.lastTm[g]] ??= new Float64Array(this.spec.vertices.length));
      files[v] += bytes;
    } else if (!this.local) {
      this.shuffle.stored(this.sim.now, bytes);
    }
  }

  /** Subtask g of vertex v goes from state `was` to `next`: a finished subtask without its output counts as gone. */
  stateChanged(g: number, v: number, was: SubtaskState, next: SubtaskState): void {
    if ((was === SubtaskState.Finished) !== (next === SubtaskState.Finished) && this.execution.fileAvailable[g] === 0) {
      this.outputsGone[v] += next === SubtaskState.Finished ? 1 : -1;
    }
  }

  readonly hasOutputsGone = (v: number): boolean => this.outputsGone[v] > 0;

  readonly isUnavailable = (g: number): boolean => this.execution.state[g] === SubtaskState.Finished && this.execution.fileAvailable[g] === 0;

  /** {@link outputsGone} against a recount of every subtask (slow: for tests). @throws InvariantError */
  checkOutputsGone(): void {
    const count = new Int32Array(this.outputsGone.length);
    for (let g = 0; g < this.execution.size; g++) if (this.isUnavailable(g)) count[this.execution.vertexOf[g]]++;
    for (let v = 0; v < count.length; v++) {
      if (count[v] !== this.outputsGone[v]) {
        throw new InvariantError(`vertex ${this.spec.vertices[v].id}: ${this.outputsGone[v]} outputs counted gone, ${count[v]} are, at t=${this.sim.now}ms`);
      }
    }
  }

  /** The share of subtask g's input that lies in files on its own TaskManager `tm` (local shuffle, limited bandwidth). */
  localShare(g: number, v: number, tm: number, input: number): number {
    const files = (this.filesOnTm as (Float64Array | undefined)[])[tm];
    if (files === undefined || !(input > 0)) return 0;
    const p = this.parallelism[v];
    const j = g - this.base[v];
    let local = 0;
    const inputs = this.graph.inputs[v];
    for (let k = 0; k < inputs.length; k++) {
      const e = inputs[k];
      const u = e.vertex;
      if (e.pattern === 'broadcast') {
        local += files[u];
      } else if (e.pattern === 'all-to-all') {
        // Its subpartition range of every producer file: the same share of each file.
        const share = this.bytes.shares[v][k];
        local += files[u] * (share === null ? 1 / p : share[j]);
      } else {
        const pu = this.parallelism[u];
        const b = endProducer(pu, p, j);
        for (let i = firstProducer(pu, p, j); i < b; i++) {
          const h = this.base[u] + i;
          if (this.execution.lastTm[h] === tm) local += this.bytes.outputOf(h, u) / (endConsumer(pu, p, i) - firstConsumer(pu, p, i));
        }
      }
    }
    return Math.min(1, local / input);
  }

  /** How many consumers still need subtask g's output, counted when it finishes. */
  private initialNeed(g: number): number {
    const v = this.execution.vertexOf[g];
    let need = this.openBlockingConsumers[v];
    const pointwise = this.pointwiseOut[v];
    if (pointwise.length === 0) return need;
    for (const e of pointwise) {
      const c = e.vertex;
      const consumerP = this.parallelism[c];
      if (consumerP === 0) {
        need++; // placeholder until the consumer's parallelism is known
      } else {
        const p = this.parallelism[v];
        const i = g - this.base[v];
        const c1 = endConsumer(p, consumerP, i);
        for (let j = firstConsumer(p, consumerP, i); j < c1; j++) if (this.execution.state[this.base[c] + j] !== SubtaskState.Finished) need++;
      }
    }
    return need;
  }
}
