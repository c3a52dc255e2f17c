//! Region failover over subtasks with blocking edges, without materialising all-to-all edges.

import { endConsumer, endProducer, firstConsumer, firstProducer, type JobGraph } from '../model/job/job-graph.js';
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
 * It agrees with the generic, vertex-level reference walk `verticesToRestart` of
 * test/support/region-failover.ts on the expanded subtask graph (a property test checks this).
 */
export class SubtaskRegionFailover {
  private walk = 0;
  private visit = new Int32Array(0);
  /** The answer under construction; reused, as a set can hold every subtask. */
  private found = new Int32Array(0);
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
   * @param untouched optional: whether every subtask of a vertex is still waiting for its
   *   first attempt. Such a vertex and what lies downstream of it through it has nothing to
   *   restart (nothing there can have started, since it reads from the vertex), so the walk
   *   leaves it out; without it the answer is exactly Flink's set.
   * @param anyUnavailable optional: whether some subtask of a vertex may be `unavailable`;
   *   false lets the walk skip checking a whole producer vertex, one subtask at a time,
   *   behind an all-to-all or broadcast edge (it must never be false when one is)
   */
  restartSet(
    seeds: readonly number[],
    vertexOf: Int32Array,
    unavailable: (g: number) => boolean,
    untouched: (v: number) => boolean = () => false,
    anyUnavailable: (v: number) => boolean = () => true,
  ): Int32Array {
    const id = ++this.walk;
    this.visit = ensureLength(this.visit, vertexOf.length);
    this.found = ensureLength(this.found, vertexOf.length);
    const visit = this.visit;
    const found = this.found;
    const { parallelism, base } = this.layout;
    const outputs = this.graph.outputs;
    const inputs = this.graph.inputs;
    let n = 0;
    for (const g of seeds) {
      if (visit[g] !== id) {
        visit[g] = id;
        found[n++] = g;
      }
    }
    // The hot loop of big failovers: no closures, tuples or per-subtask allocation.
    for (let k = 0; k < n; k++) {
      const subtask = found[k];
      const vertex = vertexOf[subtask];
      const ownParallelism = parallelism[vertex];
      const index = subtask - base[vertex];
      for (const e of outputs[vertex]) {
        const consumer = e.vertex;
        const consumerParallelism = parallelism[consumer];
        if (consumerParallelism === 0 || untouched(consumer)) continue;
        const consumerBase = base[consumer];
        if (e.pattern === 'pointwise') {
          const end = consumerBase + endConsumer(ownParallelism, consumerParallelism, index);
          for (let h = consumerBase + firstConsumer(ownParallelism, consumerParallelism, index); h < end; h++) {
            if (visit[h] !== id) {
              visit[h] = id;
              found[n++] = h;
            }
          }
        } else if (this.consumerStamp[consumer] !== id) {
          this.consumerStamp[consumer] = id;
          for (let h = consumerBase; h < consumerBase + consumerParallelism; h++) {
            if (visit[h] !== id) {
              visit[h] = id;
              found[n++] = h;
            }
          }
        }
      }
      for (const e of inputs[vertex]) {
        const producer = e.vertex;
        const producerParallelism = parallelism[producer];
        const producerBase = base[producer];
        let first: number;
        let end: number;
        if (e.pattern === 'pointwise') {
          first = firstProducer(producerParallelism, ownParallelism, index);
          end = endProducer(producerParallelism, ownParallelism, index);
        } else if (this.producerStamp[producer] !== id) {
          // Every consumer over this edge reads every producer subtask: check them once.
          this.producerStamp[producer] = id;
          if (!anyUnavailable(producer)) continue;
          first = 0;
          end = producerParallelism;
        } else {
          continue;
        }
        for (let h = producerBase + first; h < producerBase + end; h++) {
          if (visit[h] !== id && unavailable(h)) {
            visit[h] = id;
            found[n++] = h;
          }
        }
      }
    }
    return found.slice(0, n);
  }
}
