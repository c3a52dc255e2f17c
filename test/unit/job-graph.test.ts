import { describe, expect, it } from 'vitest';
import { pointwiseConsumers, pointwiseProducers } from '../../src/model/job/job-graph.js';

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
