import { describe, expect, it } from 'vitest';
import { buildJobGraph, pointwiseConsumers, pointwiseProducers } from '../../src/model/job/job-graph.js';
import type { VertexSpec } from '../../src/model/spec.js';

function vertex(id: string, from: string[] = []): VertexSpec {
  return {
    id,
    inputs: from.map((f) => ({ from: f, pattern: 'all-to-all' as const })),
    ...(from.length === 0 && { sourceBytes: 1 }),
    rate: Infinity,
    fixedMs: 0,
    selectivity: 1,
    managedMemory: false,
    heapBytes: 0,
    jitterSigma: 0,
  };
}

describe('topological order', () => {
  it('takes the lowest ready index first, also when a consumer is listed before its producer', () => {
    // Ready at first: a (1) and d (3). a frees b (2), b frees c (0): both go before d.
    const g = buildJobGraph([vertex('c', ['b']), vertex('a'), vertex('b', ['a']), vertex('d'), vertex('e', ['d', 'a'])]);
    expect(g.topological).toEqual([1, 2, 0, 3, 4]);
  });

  it('orders a source fanned out to 40,000 vertices without sorting the ready list per vertex', () => {
    const n = 40_000;
    const vs = Array.from({ length: n }, (_, i) => vertex(`v${i}`, ['src']));
    vs.push(vertex('src'));
    const t0 = performance.now();
    const g = buildJobGraph(vs);
    const ms = performance.now() - t0;
    expect(g.topological[0]).toBe(n);
    expect(g.topological.slice(1)).toEqual(Array.from({ length: n }, (_, i) => i));
    // About 20 ms; re-sorting the ready list for every vertex took tens of seconds.
    expect(ms).toBeLessThan(2000);
  });
});

// That the two are inverses of each other is a property test (failover-conformance).

describe('pointwise connections', () => {
  it('match Flink for 4 producers and 2 consumers, and for 2 producers and 4 consumers', () => {
    expect([0, 1].map((j) => pointwiseProducers(4, 2, j))).toEqual([
      [0, 2],
      [2, 4],
    ]);
    expect([0, 1, 2, 3].map((j) => pointwiseProducers(2, 4, j))).toEqual([
      [0, 1],
      [0, 1],
      [1, 2],
      [1, 2],
    ]);
    expect([0, 1].map((i) => pointwiseConsumers(2, 4, i))).toEqual([
      [0, 2],
      [2, 4],
    ]);
  });

  it('split 3 producers over 2 consumers as 1 + 2', () => {
    expect([0, 1].map((j) => pointwiseProducers(3, 2, j))).toEqual([
      [0, 1],
      [1, 3],
    ]);
    expect([0, 1, 2].map((i) => pointwiseConsumers(3, 2, i))).toEqual([
      [0, 1],
      [1, 2],
      [1, 2],
    ]);
  });
});
