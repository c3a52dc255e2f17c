//! Per-subtask state of the execution graph, in typed arrays indexed by a global subtask number.

import { ensureLength } from '../util/growable.js';

/** Where a subtask is in its life (Flink's ExecutionState, reduced to what the simulation needs). */
export const enum SubtaskState {
  /** Waiting for inputs. */
  Created = 0,
  /** Inputs ready, waiting for a slot. */
  Queued = 1,
  Running = 2,
  Finished = 3,
  /** Cancelled by a failover, waiting for the restart delay. */
  Restarting = 4,
}

/**
 * Subtasks get global numbers when their vertex's parallelism is decided: vertex `v`'s
 * subtask `i` is `base[v] + i`. Everything per subtask lives in typed arrays, so a
 * million subtasks cost a few tens of megabytes and no per-subtask objects.
 */
export class ExecutionState {
  size = 0;
  vertexOf = new Int32Array(0);
  state = new Uint8Array(0);
  /** Attempts started so far (the current attempt is attemptNo - 1). */
  attemptNo = new Int32Array(0);
  /** Attempts that failed (not counting cancellations by a failover). */
  failures = new Int32Array(0);
  /** Pointwise producer subtasks not yet finished. */
  pendingPointwise = new Int32Array(0);
  /** Consumer subtasks (or whole consumer vertices over all-to-all) that still need this subtask's output. */
  need = new Int32Array(0);
  /**
   * Input bytes, NaN until first computed; only for subtasks that read unevenly (see
   * {@link allocate}: the scheduler keeps one number per vertex for the others).
   */
  inputBytes = new Float64Array(0);
  outputBytes = new Float64Array(0);
  /** Whether the output file exists (finished, not deleted, not lost). */
  fileAvailable = new Uint8Array(0);
  slot = new Int32Array(0);
  /**
   * TaskManager of the latest attempt, -1 if never run; with local shuffle, where the
   * output file is while it is available.
   */
  lastTm = new Int32Array(0);
  /** Failover that last cancelled the subtask; its restart event revives only matching subtasks. */
  restartId = new Int32Array(0);
  /** Bumped when a queued slot request is withdrawn. */
  requestStamp = new Int32Array(0);

  /**
   * Makes room for `total` subtasks in all, so that {@link allocate} calls up to that total
   * copy nothing. Growing vertex by vertex doubles every array several times: for a million
   * subtasks in ten vertices that writes about three times the final memory (zero-filled,
   * then copied) and holds up to 1.6 times the final size. A caller that knows every
   * vertex's parallelism up front (all fixed) can call this once with their sum.
   */
  reserve(total: number): void {
    if (total > this.vertexOf.length) this.resize(total);
  }

  /**
   * Adds `count` subtasks of vertex `v`; returns the first global number.
   * @param bytesPerSubtask whether their input and output bytes are kept per subtask (not
   *   when the vertex reads evenly: those entries stay untouched, and cost no memory)
   */
  allocate(v: number, count: number, bytesPerSubtask = true): number {
    const base = this.size;
    const n = base + count;
    if (n > this.vertexOf.length) this.resize(n);
    this.vertexOf.fill(v, base, n);
    if (bytesPerSubtask) this.inputBytes.fill(NaN, base, n);
    this.slot.fill(-1, base, n);
    this.lastTm.fill(-1, base, n);
    this.size = n;
    return base;
  }

  /** Grows every array to hold at least `n` subtasks (doubling, see {@link ensureLength}). */
  private resize(n: number): void {
    this.vertexOf = ensureLength(this.vertexOf, n);
    this.state = ensureLength(this.state, n);
    this.attemptNo = ensureLength(this.attemptNo, n);
    this.failures = ensureLength(this.failures, n);
    this.pendingPointwise = ensureLength(this.pendingPointwise, n);
    this.need = ensureLength(this.need, n);
    this.inputBytes = ensureLength(this.inputBytes, n);
    this.outputBytes = ensureLength(this.outputBytes, n);
    this.fileAvailable = ensureLength(this.fileAvailable, n);
    this.slot = ensureLength(this.slot, n);
    this.lastTm = ensureLength(this.lastTm, n);
    this.restartId = ensureLength(this.restartId, n);
    this.requestStamp = ensureLength(this.requestStamp, n);
  }
}
