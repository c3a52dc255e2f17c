//! The job graph: vertices and edges by index, in topological order.

import { MinIndexHeap } from '../../util/min-index-heap.js';
import type { EdgePattern, VertexSpec } from '../spec.js';

/** An edge seen from one end: the vertex at the other end and how data flows. */
export interface JobEdge {
  /** Index of the vertex at the other end. */
  vertex: number;
  pattern: EdgePattern;
  /** Position of this edge in the consumer's input list. */
  inputIndex: number;
}

/** The job graph with vertices numbered by their position in the scenario. */
export interface JobGraph {
  readonly vertices: readonly VertexSpec[];
  readonly indexOf: ReadonlyMap<string, number>;
  /** Producers of each vertex, in the order of its `inputs`. */
  readonly inputs: readonly (readonly JobEdge[])[];
  /** Consumers of each vertex. */
  readonly outputs: readonly (readonly JobEdge[])[];
  /** Vertex indices, producers before consumers; ties in scenario order. */
  readonly topological: readonly number[];
}

/**
 * Builds the graph. The vertices must have unique ids, known inputs and no cycle
 * (the scenario loader checks this first and reports problems by field path).
 */
export function buildJobGraph(vertices: readonly VertexSpec[]): JobGraph {
  const indexOf = new Map(vertices.map((v, i) => [v.id, i]));
  const inputs: JobEdge[][] = vertices.map(() => []);
  const outputs: JobEdge[][] = vertices.map(() => []);
  vertices.forEach((v, c) => {
    v.inputs.forEach((inp, k) => {
      const p = indexOf.get(inp.from);
      if (p === undefined) throw new Error(`unknown input vertex ${inp.from}`);
      inputs[c].push({ vertex: p, pattern: inp.pattern, inputIndex: k });
      outputs[p].push({ vertex: c, pattern: inp.pattern, inputIndex: k });
    });
  });
  const order = topologicalOrder(vertices.length, inputs);
  if (order === null) throw new Error('the job graph has a cycle');
  return { vertices, indexOf, inputs, outputs, topological: order };
}

/**
 * Kahn's algorithm, always taking the lowest ready index so the order is stable. The ready
 * vertices wait in a binary min-heap: a source fanned out to N vertices makes N of them
 * ready at once, and re-sorting that list for every vertex taken cost O(N^2 log N).
 */
function topologicalOrder(n: number, inputs: readonly (readonly JobEdge[])[]): number[] | null {
  const indegree = inputs.map((e) => e.length);
  const consumers: number[][] = Array.from({ length: n }, () => []);
  inputs.forEach((edges, c) => edges.forEach((e) => consumers[e.vertex].push(c)));
  const ready = new MinIndexHeap(n);
  for (let v = 0; v < n; v++) if (indegree[v] === 0) ready.push(v);
  const order: number[] = [];
  while (ready.size > 0) {
    const v = ready.pop();
    order.push(v);
    for (const c of consumers[v]) if (--indegree[c] === 0) ready.push(c);
  }
  return order.length === n ? order : null;
}

/**
 * Finds a cycle among vertices whose inputs name known ids.
 * @returns the ids along the cycle, first repeated at the end, or null
 */
export function findCycle(vertices: readonly Pick<VertexSpec, 'id' | 'inputs'>[]): string[] | null {
  const byId = new Map(vertices.map((v) => [v.id, v]));
  const state = new Map<string, 1 | 2>(); // 1: on the current path, 2: done
  // Depth-first over inputs with an explicit stack (deep chains would overflow recursion).
  for (const root of vertices) {
    if (state.has(root.id)) continue;
    const path: string[] = [root.id];
    const next: number[] = [0];
    state.set(root.id, 1);
    while (path.length > 0) {
      const id = path[path.length - 1];
      const inputs = byId.get(id)?.inputs ?? [];
      const k = next[next.length - 1]++;
      if (k >= inputs.length) {
        state.set(id, 2);
        path.pop();
        next.pop();
        continue;
      }
      const from = inputs[k].from;
      const s = state.get(from);
      if (s === 1) return [...path.slice(path.indexOf(from)), from].reverse();
      if (s === undefined && byId.has(from)) {
        state.set(from, 1);
        path.push(from);
        next.push(0);
      }
    }
  }
  return null;
}

/**
 * Producer subtasks a pointwise consumer subtask reads, as Flink connects them:
 * with more producers than consumers each consumer reads a contiguous block;
 * with fewer, each producer feeds a contiguous block of consumers.
 * @returns [first, end) producer indices
 */
export function pointwiseProducers(producers: number, consumers: number, consumer: number): [number, number] {
  return [firstProducer(producers, consumers, consumer), endProducer(producers, consumers, consumer)];
}

/** The first producer of {@link pointwiseProducers}, without a tuple (for hot loops). */
export function firstProducer(producers: number, consumers: number, consumer: number): number {
  // With fewer producers, producer i feeds consumers [ceil(i*c/p), ceil((i+1)*c/p)); the
  // same floor inverts that for one consumer.
  return Math.floor((consumer * producers) / consumers);
}

/** The end (exclusive) of {@link pointwiseProducers}, without a tuple. */
export function endProducer(producers: number, consumers: number, consumer: number): number {
  if (producers >= consumers) return Math.floor(((consumer + 1) * producers) / consumers);
  return Math.floor((consumer * producers) / consumers) + 1;
}

/**
 * Consumer subtasks that read one producer subtask over a pointwise edge.
 * @returns [first, end) consumer indices
 */
export function pointwiseConsumers(producers: number, consumers: number, producer: number): [number, number] {
  return [firstConsumer(producers, consumers, producer), endConsumer(producers, consumers, producer)];
}

/** The first consumer of {@link pointwiseConsumers}, without a tuple (for hot loops). */
export function firstConsumer(producers: number, consumers: number, producer: number): number {
  // With more producers, consumer j reads [floor(j*p/c), floor((j+1)*p/c)); find the j whose block holds `producer`.
  if (producers >= consumers) return Math.floor(((producer + 1) * consumers - 1) / producers);
  return Math.ceil((producer * consumers) / producers);
}

/** The end (exclusive) of {@link pointwiseConsumers}, without a tuple. */
export function endConsumer(producers: number, consumers: number, producer: number): number {
  if (producers >= consumers) return Math.floor(((producer + 1) * consumers - 1) / producers) + 1;
  return Math.ceil(((producer + 1) * consumers) / producers);
}
