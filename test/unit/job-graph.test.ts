import { describe, expect, it } from 'vitest';
import { pointwiseConsumers, pointwiseProducers } from '../../src/model/job/job-graph.js';

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

  it('consumers of a producer are exactly the consumers whose producer range holds it, for every size up to 24', () => {
    for (let p = 1; p <= 24; p++) {
      for (let c = 1; c <= 24; c++) {
        for (let i = 0; i < p; i++) {
          const expected: number[] = [];
          for (let j = 0; j < c; j++) {
            const [a, b] = pointwiseProducers(p, c, j);
            if (a <= i && i < b) expected.push(j);
          }
          const [c0, c1] = pointwiseConsumers(p, c, i);
          expect(Array.from({ length: c1 - c0 }, (_, k) => c0 + k), `p=${p} c=${c} producer ${i}`).toEqual(expected);
        }
      }
    }
  });
});
