//! The shard partition on random weights: every item in exactly one shard, the same deal every time, and the longest-processing-time bound on the largest shard.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assignShards, itemsOfShard } from '../../src/sweep/partition.js';

const weights = fc.array(fc.integer({ min: 0, max: 1_000_000 }), { maxLength: 300 });
const counts = fc.integer({ min: 1, max: 40 });

describe('assignShards', () => {
  it('puts every item in exactly one shard, in position order within it, the same way twice', () => {
    fc.assert(
      fc.property(weights, counts, (w, n) => {
        const shardOf = assignShards(w, n);
        const all = Array.from({ length: n }, (_, i) => itemsOfShard(shardOf, i));
        expect(all.flat().sort((a, b) => a - b)).toEqual(w.map((_, i) => i));
        for (const items of all) expect(items).toEqual([...items].sort((a, b) => a - b));
        expect(assignShards(w, n)).toEqual(shardOf);
      }),
      { seed: 17, numRuns: 300 },
    );
  });

  it('the largest shard is at most the mean plus (1 - 1/N) of the largest item, as for any greedy deal', () => {
    fc.assert(
      fc.property(weights, counts, (w, n) => {
        const loads = new Array<number>(n).fill(0);
        assignShards(w, n).forEach((s, i) => (loads[s] += w[i]));
        const total = w.reduce((a, b) => a + b, 0);
        expect(Math.max(...loads)).toBeLessThanOrEqual(total / n + (1 - 1 / n) * Math.max(0, ...w) + 1e-6);
      }),
      { seed: 18, numRuns: 300 },
    );
  });

  it('on small grids the largest shard is within 4/3 of the best deal, found by trying every deal', () => {
    const best = (w: number[], n: number): number => {
      let min = Infinity;
      const loads = new Array<number>(n).fill(0);
      const go = (i: number) => {
        if (i === w.length) {
          min = Math.min(min, Math.max(...loads));
          return;
        }
        for (let s = 0; s < n; s++) {
          loads[s] += w[i];
          go(i + 1);
          loads[s] -= w[i];
        }
      };
      go(0);
      return min;
    };
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 7 }), fc.integer({ min: 1, max: 3 }), (w, n) => {
        const loads = new Array<number>(n).fill(0);
        assignShards(w, n).forEach((s, i) => (loads[s] += w[i]));
        expect(Math.max(...loads)).toBeLessThanOrEqual((4 / 3) * best(w, n) + 1e-9);
      }),
      { seed: 19, numRuns: 300 },
    );
  });
});
