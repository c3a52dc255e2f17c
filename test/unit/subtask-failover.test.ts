import { describe, expect, it } from 'vitest';
import { SubtaskRegionFailover } from '../../src/failure/subtask-failover.js';
import { buildJobGraph } from '../../src/model/job/job-graph.js';

/**
 *   A[0] ─┐   ┌─ B[0] ─┐
 *         ├───┤        ├── C[0]      A -> B all-to-all, B -> C all-to-all
 *   A[1] ─┘   └─ B[1] ─┘
 */
const graph = buildJobGraph([
  { id: 'A', parallelism: 2, sourceBytes: 1, inputs: [], rate: Infinity, fixedMs: 0, selectivity: 1, jitterSigma: 0, managedMemory: false, heapBytes: 0 },
  { id: 'B', parallelism: 2, inputs: [{ from: 'A', pattern: 'all-to-all' }], rate: Infinity, fixedMs: 0, selectivity: 1, jitterSigma: 0, managedMemory: false, heapBytes: 0 },
  { id: 'C', parallelism: 1, inputs: [{ from: 'B', pattern: 'all-to-all' }], rate: Infinity, fixedMs: 0, selectivity: 1, jitterSigma: 0, managedMemory: false, heapBytes: 0 },
]);
const layout = { parallelism: Int32Array.from([2, 2, 1]), base: Int32Array.from([0, 2, 4]) };
const vertexOf = Int32Array.from([0, 0, 1, 1, 2]);
const label = (g: number) => ['A[0]', 'A[1]', 'B[0]', 'B[1]', 'C[0]'][g];

describe('SubtaskRegionFailover', () => {
  it('restarts the failed subtask and everything downstream of it', () => {
    const f = new SubtaskRegionFailover(graph, layout);
    expect([...f.restartSet([0], vertexOf, () => false)].map(label)).toEqual(['A[0]', 'B[0]', 'B[1]', 'C[0]']);
  });

  it('adds the producer of an input that is gone, and that producer\'s consumers', () => {
    const f = new SubtaskRegionFailover(graph, layout);
    expect([...f.restartSet([4], vertexOf, (g) => g === 3)].map(label)).toEqual(['C[0]', 'B[1]']);
    expect([...f.restartSet([2], vertexOf, (g) => g === 1)].map(label)).toEqual(['B[0]', 'C[0]', 'A[1]', 'B[1]']);
  });

  it('leaves out a vertex that has not started, and what lies downstream through it', () => {
    const f = new SubtaskRegionFailover(graph, layout);
    expect([...f.restartSet([0], vertexOf, () => false, (v) => v === 1)].map(label)).toEqual(['A[0]']);
    expect([...f.restartSet([0], vertexOf, () => false, (v) => v === 2)].map(label)).toEqual(['A[0]', 'B[0]', 'B[1]']);
  });
});
