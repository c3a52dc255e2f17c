//! How many bytes each subtask reads and writes: its share of a source, of all-to-all and broadcast inputs, of pointwise producers.

import { endConsumer, endProducer, firstConsumer, firstProducer, type JobGraph } from '../model/job/job-graph.js';
import type { SimulationSpec } from '../model/spec.js';
import type { ExecutionState } from './execution-state.js';
import { evenPart, outputBytes, splitByShares } from './integer-bytes.js';

/**
 * The input and output bytes of every subtask, known once its producers have finished (a
 * producer that runs again writes the same bytes, so they never change after that).
 *
 * A vertex whose inputs split evenly (a source, or only all-to-all and broadcast inputs
 * without skew) keeps two byte counts for all its subtasks, the first {@link evenExtra} of
 * them one byte more, instead of one per subtask: for a million subtasks that is 16 MB a run
 * does not write and read back. Other vertices keep theirs in the execution state.
 */
export class SubtaskBytes {
  /** Per vertex: its subtasks' output bytes together, NaN until it has finished. */
  readonly totalOutput: Float64Array;
  /** Per vertex: 1 when its inputs split evenly (see the class comment). */
  readonly splitsEvenly: Uint8Array;
  /** Share of each all-to-all input's bytes read by each subtask, per vertex and input; null means an even split. */
  readonly shares: (Float64Array | null)[][];
  private readonly selectivity: Float64Array;
  /**
   * Input and output bytes of the subtasks of an evenly split vertex past its first
   * {@link evenExtra}, and output bytes of those first ones; NaN until its first attempt.
   */
  private readonly evenInput: Float64Array;
  private readonly evenOutput: Float64Array;
  private readonly evenOutputFirst: Float64Array;
  /** How many subtasks of an evenly split vertex, from the first, read one byte more. */
  private readonly evenExtra: Float64Array;
  /** The shares as whole bytes, made when the vertex first deploys (its producers have finished). */
  private readonly shareBytes: (Float64Array | null)[][];

  constructor(
    private readonly spec: SimulationSpec,
    private readonly graph: JobGraph,
    private readonly execution: ExecutionState,
    /** The scheduler's per-vertex parallelism and first global subtask number (read, never written here). */
    private readonly parallelism: Int32Array,
    private readonly base: Int32Array,
  ) {
    const n = spec.vertices.length;
    this.totalOutput = new Float64Array(n).fill(NaN);
    this.splitsEvenly = new Uint8Array(n);
    this.selectivity = Float64Array.from(spec.vertices, (v) => v.selectivity);
    this.evenInput = new Float64Array(n).fill(NaN);
    this.evenOutput = new Float64Array(n).fill(NaN);
    this.evenOutputFirst = new Float64Array(n).fill(NaN);
    this.evenExtra = new Float64Array(n);
    this.shares = spec.vertices.map((v) => v.inputs.map(() => null));
    this.shareBytes = spec.vertices.map((v) => v.inputs.map(() => null));
  }

  /**
   * A vertex's parallelism was decided, with these shares of its all-to-all inputs.
   * @returns whether it splits evenly (its subtasks need no byte counts of their own)
   */
  decided(v: number, shares: (Float64Array | null)[]): boolean {
    this.shares[v] = shares;
    this.shareBytes[v] = shares.map(() => null);
    const even = this.spec.vertices[v].sourceBytes !== undefined || this.graph.inputs[v].every((e, k) => e.pattern !== 'pointwise' && shares[k] === null);
    this.splitsEvenly[v] = even ? 1 : 0;
    return even;
  }

  /** Output bytes of each subtask of a finished vertex. */
  outputsOf(u: number): Float64Array {
    const p = this.parallelism[u];
    if (this.splitsEvenly[u] === 1) {
      const out = new Float64Array(p).fill(this.evenOutput[u]);
      return out.fill(this.evenOutputFirst[u], 0, this.evenExtra[u]);
    }
    return this.execution.outputBytes.subarray(this.base[u], this.base[u] + p);
  }

  /** Computes subtask g's byte counts before its first attempt (all its producers have finished). */
  prepare(g: number, v: number): void {
    if (this.splitsEvenly[v] === 1) {
      if (Number.isNaN(this.evenInput[v])) this.splitEvenly(v);
    } else if (Number.isNaN(this.execution.inputBytes[g])) {
      const input = this.sumInputBytes(g, v);
      this.execution.inputBytes[g] = input;
      this.execution.outputBytes[g] = outputBytes(input, this.selectivity[v]);
    }
  }

  /** Input bytes of subtask g of vertex v, which has started at least once. */
  inputOf(g: number, v: number): number {
    if (this.splitsEvenly[v] === 0) return this.execution.inputBytes[g];
    return this.evenInput[v] + (g - this.base[v] < this.evenExtra[v] ? 1 : 0);
  }

  /** Output bytes of subtask g of vertex v, which has started at least once. */
  outputOf(g: number, v: number): number {
    if (this.splitsEvenly[v] === 0) return this.execution.outputBytes[g];
    return g - this.base[v] < this.evenExtra[v] ? this.evenOutputFirst[v] : this.evenOutput[v];
  }

  /** Vertex v has finished: its output, all subtasks together. */
  vertexFinished(v: number): void {
    const p = this.parallelism[v];
    let total = 0;
    if (this.splitsEvenly[v] === 1) {
      const extra = this.evenExtra[v];
      total = extra * this.evenOutputFirst[v] + (p - extra) * this.evenOutput[v];
    } else {
      const b = this.base[v];
      for (let i = 0; i < p; i++) total += this.execution.outputBytes[b + i];
    }
    this.totalOutput[v] = total;
  }

  /**
   * The input bytes of vertex v's subtasks that ran, into `into` (in subtask order), and
   * the input and output bytes of those subtasks together.
   */
  ran(v: number, into: Float64Array): { count: number; input: number; output: number } {
    const p = this.parallelism[v];
    const b = this.base[v];
    const execution = this.execution;
    let count = 0;
    let input = 0;
    let output = 0;
    // Subtasks that never ran have no input yet. Sums in subtask order either way.
    if (this.splitsEvenly[v] === 1) {
      for (let g = b; g < b + p; g++) {
        if (execution.attemptNo[g] === 0) continue;
        const each = this.inputOf(g, v);
        into[count++] = each;
        input += each;
        output += this.outputOf(g, v);
      }
    } else {
      for (let g = b; g < b + p; g++) {
        const bytes = execution.inputBytes[g];
        if (Number.isNaN(bytes)) continue;
        into[count++] = bytes;
        input += bytes;
        output += execution.outputBytes[g];
      }
    }
    return { count, input, output };
  }

  /**
   * Whole bytes subtask g of vertex v reads (see integer-bytes.ts): a broadcast input whole;
   * the all-to-all inputs without skew together, split evenly; a skewed or byte-packed one
   * by its shares; a pointwise producer's output split evenly among its consumers.
   */
  private sumInputBytes(g: number, v: number): number {
    const spec = this.spec.vertices[v];
    const p = this.parallelism[v];
    const j = g - this.base[v];
    if (spec.sourceBytes !== undefined) return evenPart(spec.sourceBytes, p, j);
    let bytes = 0;
    let evenly = 0;
    const inputs = this.graph.inputs[v];
    for (let k = 0; k < inputs.length; k++) {
      const e = inputs[k];
      const u = e.vertex;
      if (e.pattern === 'broadcast') {
        bytes += this.totalOutput[u];
      } else if (e.pattern === 'all-to-all') {
        const share = this.shares[v][k];
        if (share === null) evenly += this.totalOutput[u];
        else bytes += (this.shareBytes[v][k] ??= splitByShares(this.totalOutput[u], share))[j];
      } else {
        const pu = this.parallelism[u];
        const b = endProducer(pu, p, j);
        for (let i = firstProducer(pu, p, j); i < b; i++) {
          // Producers over a pointwise edge have all finished before their consumer starts.
          const c0 = firstConsumer(pu, p, i);
          bytes += evenPart(this.outputOf(this.base[u] + i, u), endConsumer(pu, p, i) - c0, j - c0);
        }
      }
    }
    return bytes + evenPart(evenly, p, j);
  }

  /**
   * Sets the byte counts of an evenly split vertex: broadcast inputs whole, and its source or
   * all-to-all inputs together split evenly, one byte more to each of the first subtasks
   * (as {@link sumInputBytes} would give each subtask).
   */
  private splitEvenly(v: number): void {
    const p = this.parallelism[v];
    let whole = 0;
    let evenly = this.spec.vertices[v].sourceBytes ?? 0;
    for (const e of this.graph.inputs[v]) {
      if (e.pattern === 'broadcast') whole += this.totalOutput[e.vertex];
      else evenly += this.totalOutput[e.vertex];
    }
    const each = Math.floor(evenly / p);
    this.evenInput[v] = whole + each;
    this.evenExtra[v] = evenly - each * p;
    this.evenOutput[v] = outputBytes(whole + each, this.selectivity[v]);
    this.evenOutputFirst[v] = outputBytes(whole + each + 1, this.selectivity[v]);
  }
}
