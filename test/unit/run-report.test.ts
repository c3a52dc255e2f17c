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

  it('takes the lower median of an even count', () => {
    expect(spread(Float64Array.from([4, 1, 3, 2]))).toEqual({ min: 1, median: 2, max: 4 });
  });
});
