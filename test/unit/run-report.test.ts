import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { spread } from '../../src/scheduler/run-report.js';

describe('spread: smallest, lower median and largest in linear time', () => {
  it('agrees with sorting', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 1e12, noNaN: true }), { maxLength: 300 }), (xs) => {
        const sorted = [...xs].sort((a, b) => a - b);
        const expected = sorted.length === 0 ? { min: 0, median: 0, max: 0 } : { min: sorted[0], median: sorted[(sorted.length - 1) >> 1], max: sorted[sorted.length - 1] };
        expect(spread(Float64Array.from(xs))).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });

  it('looks at the first n values only, and needs no selection when they are all equal', () => {
    expect(spread(Float64Array.from([5, 1, 9, 100, -3]), 3)).toEqual({ min: 1, median: 5, max: 9 });
    expect(spread(Float64Array.from([7, 7, 7, 0]), 3)).toEqual({ min: 7, median: 7, max: 7 });
    expect(spread(Float64Array.from([1, 2]), 0)).toEqual({ min: 0, median: 0, max: 0 });
  });

  it('takes the lower median of an even count', () => {
    expect(spread(Float64Array.from([4, 1, 3, 2]))).toEqual({ min: 1, median: 2, max: 4 });
  });
});
