//! Conformance: the simulator's subtask-level restart set equals Flink's generic region failover on the expanded subtask graph.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { verticesToRestart, type FailoverEdge, type FailoverTopology } from '../support/region-failover.js';
import { SubtaskRegionFailover } from '../../src/failure/subtask-failover.js';
import { buildJobGraph, pointwiseConsumers, pointwiseProducers, type JobGraph } from '../../src/model/job/job-graph.js';
import type { EdgePattern, VertexSpec } from '../../src/model/spec.js';

const runs = Number(process.env.PROP_RUNS ?? 150);

const patternArb = fc.constantFrom<EdgePattern>('all-to-all', 'pointwise', 'broadcast');

/**
 * A random job DAG of up to 7 vertices with parallelism 1..4. Vertex i reads from earlier
 * vertices only (`k mod i`), so there is never a cycle; vertex 0 is always a source.
 */
const dagArb = fc
  .array(
    fc.record({
      parallelism: fc.integer({ min: 1, max: 4 }),
      inputs: fc.array(fc.tuple(fc.nat({ max: 6 }), patternArb), { maxLength: 3 }),
    }),
    { minLength: 1, maxLength: 7 },
  )
  .map((specs) =>
    specs.map((s, i) => {
      const froms = new Map<string, EdgePattern>();
      if (i > 0) for (const [k, pattern] of s.inputs) froms.set(`v${k % i}`, pattern);
      return { id: `v${i}`, parallelism: s.parallelism, inputs: [...froms].map(([from, pattern]) => ({ from, pattern })) };
    }),
  );

/** One restart-set question: which subtasks fail, and which finished subtasks' outputs are gone. */
const queryArb = fc.record({
  seeds: fc.array(fc.nat({ max: 31 }), { minLength: 1, maxLength: 4 }),
  unavailable: fc.array(fc.nat({ max: 31 }), { maxLength: 12 }),
});

/**
 * A DAG with the state the scheduler would hand to {@link SubtaskRegionFailover}:
 * - `uncreated`: vertices whose parallelism is not decided yet (with it, all their consumers,
 *   as the scheduler creates a vertex only after its producers);
 * - `order`: sort keys giving the order vertices got their subtask numbers (any order);
 * - `queries`: several failovers asked of the same instance, as the scheduler does.
 */
const caseArb = fc.record({
  dag: dagArb,
  uncreated: fc.array(fc.nat({ max: 6 }), { maxLength: 2 }),
  order: fc.array(fc.nat({ max: 6 }), { minLength: 7, maxLength: 7 }),
  queries: fc.array(queryArb, { minLength: 1, maxLength: 3 }),
});

type Dag = { id: string; parallelism: number; inputs: { from: string; pattern: EdgePattern }[] }[];

function toSpecs(dag: Dag): VertexSpec[] {
  return dag.map((v) => ({ id: v.id, inputs: v.inputs, rate: Infinity, fixedMs: 0, selectivity: 1, jitterSigma: 0, managedMemory: false, heapBytes: 0 }));
}

/** A layout like the scheduler's: uncreated vertices have parallelism 0; the others get consecutive numbers. */
function layoutOf(graph: JobGraph, dag: Dag, uncreatedRoots: number[], order: number[]) {
  const n = dag.length;
  const uncreated = new Uint8Array(n);
  // Sources are created when the job starts, so only vertices with inputs can still be waiting.
  const todo = uncreatedRoots.map((k) => k % n).filter((v) => graph.inputs[v].length > 0);
  while (todo.length > 0) {
    const v = todo.pop()!;
    if (uncreated[v] === 1) continue;
    uncreated[v] = 1;
    for (const e of graph.outputs[v]) todo.push(e.vertex);
  }
  const parallelism = new Int32Array(n);
  const base = new Int32Array(n);
  const byKey = Array.from({ length: n }, (_, v) => v).sort((a, b) => order[a] - order[b] || a - b);
  const vertexOf: number[] = [];
  for (const v of byKey) {
    if (uncreated[v] === 1) continue;
    parallelism[v] = dag[v].parallelism;
    base[v] = vertexOf.length;
    for (let j = 0; j < parallelism[v]; j++) vertexOf.push(v);
  }
  return { parallelism, base, vertexOf: Int32Array.from(vertexOf) };
}

/**
 * The expanded subtask topology: one failover vertex per subtask `v[j]`, one BLOCKING edge per
 * producer-subtask/consumer-subtask pair the edge's pattern connects. Each producer subtask has
 * one result partition per consumer vertex, named `v[i]->c`, read by every consumer subtask of
 * `c` it feeds (Flink has one IntermediateDataSet per job edge).
 *
 *   v0[0] ─┬─ v0[0]->v1 ─┬─> v1[0]      all-to-all: every pair
 *          │             └─> v1[1]
 *   v0[1] ─┴─ v0[1]->v1 ─┬─> v1[0]
 *                        └─> v1[1]
 */
function expand(graph: JobGraph, parallelism: Int32Array): FailoverTopology {
  const vertices: string[] = [];
  const edges: FailoverEdge[] = [];
  graph.vertices.forEach((spec, c) => {
    const pc = parallelism[c];
    for (let j = 0; j < pc; j++) vertices.push(`${spec.id}[${j}]`);
    for (const e of graph.inputs[c]) {
      const u = e.vertex;
      const pu = parallelism[u];
      const uid = graph.vertices[u].id;
      for (let j = 0; j < pc; j++) {
        const [a, b] = e.pattern === 'pointwise' ? pointwiseProducers(pu, pc, j) : [0, pu];
        for (let i = a; i < b; i++) {
          edges.push({ from: `${uid}[${i}]`, to: `${spec.id}[${j}]`, resultType: 'BLOCKING', partition: `${uid}[${i}]->${spec.id}` });
        }
      }
    }
  });
  return { vertices, edges };
}

describe('SubtaskRegionFailover conforms to the generic region failover on the expanded graph', () => {
  it('pointwiseConsumers is the exact inverse of pointwiseProducers', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 64 }), fc.integer({ min: 1, max: 64 }), (p, c) => {
        const forward = new Set<string>();
        for (let j = 0; j < c; j++) {
          const [a, b] = pointwiseProducers(p, c, j);
          expect(b).toBeGreaterThan(a);
          for (let i = a; i < b; i++) forward.add(`${i}>${j}`);
        }
        const backward = new Set<string>();
        for (let i = 0; i < p; i++) {
          const [a, b] = pointwiseConsumers(p, c, i);
          expect(b).toBeGreaterThan(a);
          for (let j = a; j < b; j++) backward.add(`${i}>${j}`);
        }
        expect([...backward].sort()).toEqual([...forward].sort());
      }),
      { numRuns: runs },
    );
  });

  /*
   * Why the union over seeds is the right reference: the generic walk is a breadth-first
   * reachability search over regions, and the step relation it follows (a region involves its
   * consumer regions, and the producer region of each of its inputs that is unavailable) is
   * fixed by the topology and the set of unavailable partitions alone. It does not depend on
   * where the walk started or on what it has visited, so the set reached from several starts is
   * the union of the sets reached from each start: a region is reached from the seed set iff
   * there is a step path to it from some seed. The simulator seeds one walk with all failed
   * subtasks (and the producers of lost files) at once, which is that same reachability.
   */
  it('restartSet(seeds) equals the union over seeds of verticesToRestart, query after query', () => {
    fc.assert(
      fc.property(caseArb, ({ dag, uncreated, order, queries }) => {
        const graph = buildJobGraph(toSpecs(dag));
        const { parallelism, base, vertexOf } = layoutOf(graph, dag, uncreated, order);
        const label = (g: number): string => `${dag[vertexOf[g]].id}[${g - base[vertexOf[g]]}]`;
        const failover = new SubtaskRegionFailover(graph, { parallelism, base });
        const topology = expand(graph, parallelism);
        const total = vertexOf.length;
        for (const q of queries) {
          const seeds = q.seeds.map((s) => s % total);
          const gone = new Set(q.unavailable.map((s) => s % total));
          const actual = [...failover.restartSet(seeds, vertexOf, (g) => gone.has(g))].map(label);
          // Telling the walk which vertices have no gone output must not change the answer.
          const goneVertices = new Set([...gone].map((g) => vertexOf[g]));
          const skipping = failover.restartSet(seeds, vertexOf, (g) => gone.has(g), undefined, (v) => goneVertices.has(v));
          expect([...skipping].map(label)).toEqual(actual);
          // No subtask twice, and the seeds come first, in order.
          expect(new Set(actual).size).toBe(actual.length);
          expect(actual.slice(0, new Set(seeds).size)).toEqual([...new Set(seeds)].map(label));

          const goneLabels = new Set([...gone].map(label));
          const unavailablePartitions = [...new Set(topology.edges.filter((e) => goneLabels.has(e.from)).map((e) => e.partition))];
          const expected = new Set<string>();
          for (const s of seeds) for (const v of verticesToRestart(topology, label(s), { unavailablePartitions })) expected.add(v);
          expect([...actual].sort()).toEqual([...expected].sort());
        }
      }),
      { numRuns: runs },
    );
  });

  /**
   * A hand-made case the walk must get right: v2 reads v0 and v1; v0[1]'s output is gone and
   * v1[0] fails. Its consumer v2[0] restarts and needs v0[1]'s output again, so v0[1] re-runs;
   * v0[0] and v1[1] still have their outputs and stay.
   *
   *   v0(p=2) ──all-to-all──┐
   *                         ├──> v2(p=1)
   *   v1(p=2) ──pointwise───┘
   */
  it('a consumer restarted downstream of the failure pulls in the producer of its lost input', () => {
    const dag: Dag = [
      { id: 'v0', parallelism: 2, inputs: [] },
      { id: 'v1', parallelism: 2, inputs: [] },
      { id: 'v2', parallelism: 1, inputs: [{ from: 'v0', pattern: 'all-to-all' }, { from: 'v1', pattern: 'pointwise' }] },
    ];
    const graph = buildJobGraph(toSpecs(dag));
    const { parallelism, base, vertexOf } = layoutOf(graph, dag, [], [0, 1, 2, 0, 0, 0, 0]);
    const set = new SubtaskRegionFailover(graph, { parallelism, base }).restartSet([2], vertexOf, (g) => g === 1);
    const labels = [...set].map((g) => `${dag[vertexOf[g]].id}[${g - base[vertexOf[g]]}]`);
    expect(labels).toEqual(['v1[0]', 'v2[0]', 'v0[1]']);
  });
});
