//! Region failover over subtasks with blocking edges, without materialising all-to-all edges.

import type { JobGraph } from '../model/job/job-graph.js';
import { pointwiseConsumers, pointwiseProducers } from '../model/job/job-graph.js';
import { ensureLength } from '../util/growable.js';

/** Where each vertex's subtasks are: vertex v's subtask j is `base[v] + j`; parallelism 0 = not created yet. */
export interface SubtaskLayout {
  readonly parallelism: Int32Array;
  readonly base: Int32Array;
}

/**
 * Flink's region failover (RestartPipelinedRegionFailoverStrategy) when every edge is
 * blocking, so every subtask is its own pipelined region. From the seeds, a breadth-first
 * walk adds every consumer of an added subtask (finished or not), and the producer of
 * every input of an added subtask that is no longer available; it repeats until nothing
 * changes. An all-to-all or broadcast edge is walked once per vertex pair, not once per
 * subtask pair, so the cost is the size of the answer plus the vertices touched.
 *
 * It agrees with the generic, vertex-level {@link verticesToRestart} of
 * `region-failover.ts` on the expanded subtask graph (a property test checks this).
 */
export class SubtaskRegionFailover {
  private walk = 0;
  private visit = new Int32Array(0);
  private readonly consumerStamp: Int32Array;
  private readonly producerStamp: Int32Array;

  constructor(
    private readonly graph: JobGraph,
    private readonly layout: SubtaskLayout,
  ) {
    this.consumerStamp = new Int32Array(graph.vertices.length);
    this.producerStamp = new Int32Array(graph.vertices.length);
  }

  /**
   * The subtasks to restart, in the order found.
   * @param seeds failed subtasks, and producers whose output was lost
   * @param vertexOf the vertex of every subtask
   * @param unavailable whether a finished subtask's output is gone (deleted or lost)
   */
  restartSet(seeds: readonly number[], vertexOf: Int32Array, unavailable: (g: number) => boolean): Int32Array {
    const id = ++this.walk;
    this.visit = ensureLength(this.visit, vertexOf.length);
    const visit = this.visit;
    const { parallelism, base } = this.layout;
    const out: number[] = [];
    const add = (g: number): void => {
      if (visit[g] !== id) {
        visit[g] = id;
        out.push(g);
      }
    };
    for (const g of seeds) add(g);
    for (let k = 0; k < out.length; k++) {
      const g = out[k];
      const v = vertexOf[g];
      const p = parallelism[v];
      const j = g - base[v];
      for (const e of this.graph.outputs[v]) {
        const c = e.vertex;
        const pc = parallelism[c];
        if (pc === 0) continue;
        if (e.pattern === 'pointwise') {
          const [c0, c1] = pointwiseConsumers(p, pc, j);
          for (let h = c0; h < c1; h++) add(base[c] + h);
        } else if (this.consumerStamp[c] !== id) {
          this.consumerStamp[c] = id;
          for (let h = 0; h < pc; h++) add(base[c] + h);
        }
      }
      for (const e of this.graph.inputs[v]) {
        const u = e.vertex;
        const bu = base[u];
        if (e.pattern === 'pointwise') {
          const [a, b] = pointwiseProducers(parallelism[u], p, j);
          for (let i = a; i < b; i++) if (unavailable(bu + i)) add(bu + i);
        } else if (this.producerStamp[u] !== id) {
          // Every consumer over this edge reads every producer subtask: check them once.
          this.producerStamp[u] = id;
          for (let i = 0; i < parallelism[u]; i++) if (unavailable(bu + i)) add(bu + i);
        }
      }
    }
    return Int32Array.from(out);
  }
}
