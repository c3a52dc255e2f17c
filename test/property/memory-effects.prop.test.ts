import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { memoryLayout } from '../../src/model/cluster/memory-layout.js';
import { gcSlowdown, isOutOfMemory, occupancyForSlowdown, spilledBytes } from '../../src/scheduler/memory-effects.js';

const below1 = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });

describe('GC overhead as a function of heap occupancy', () => {
  it('is 0 at 0, finite and >= 0 below 1, and the attempt survives there', () => {
    expect(gcSlowdown(0)).toBe(0);
    fc.assert(
      fc.property(below1, (u) => {
        const s = gcSlowdown(u);
        expect(Number.isFinite(s)).toBe(true);
        expect(s).toBeGreaterThanOrEqual(0);
        expect(isOutOfMemory(u)).toBe(false);
      }),
    );
  });

  it('is monotone in u', () => {
    fc.assert(
      fc.property(below1, below1, (a, b) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        expect(gcSlowdown(lo)).toBeLessThanOrEqual(gcSlowdown(hi));
      }),
    );
  });

  it('grows without bound as u nears 1: any overhead is passed below 1', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1e9, noNaN: true }), (target) => {
        const u = occupancyForSlowdown(target);
        expect(u).toBeLessThan(1);
        expect(gcSlowdown(u)).toBeCloseTo(target, 6 - Math.max(0, Math.ceil(Math.log10(Math.max(target, 1)))));
        // Halfway from there to 1, the overhead is more than twice as large.
        expect(gcSlowdown((u + 1) / 2)).toBeGreaterThanOrEqual(2 * gcSlowdown(u) * (1 - 1e-9));
      }),
    );
  });
});

describe('spilled bytes', () => {
  it('are the input beyond managed memory: never negative, never more than the input, more input never spills less', () => {
    const bytes = fc.integer({ min: 0, max: 2 ** 45 });
    fc.assert(
      fc.property(bytes, bytes, bytes, (a, b, managed) => {
        const [lo, hi] = a <= b ? [a, b] : [b, a];
        expect(spilledBytes(hi, managed)).toBe(Math.max(0, hi - managed));
        expect(spilledBytes(lo, managed)).toBeLessThanOrEqual(spilledBytes(hi, managed));
        expect(spilledBytes(hi, managed)).toBeLessThanOrEqual(hi);
      }),
    );
  });
});

describe('memory layouts of any process size Flink accepts', () => {
  it('add up, and give every slot its share rounded down', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2 ** 28, max: 2 ** 40 }), fc.integer({ min: 1, max: 16 }), (process, slots) => {
        const r = memoryLayout(process, slots);
        if (!('memory' in r)) return; // a process too small for Flink's fixed components
        const m = r.memory;
        for (const v of Object.values(m)) expect(Number.isSafeInteger(v) && v >= 0).toBe(true);
        expect(m.frameworkHeap + m.taskHeap + m.frameworkOffHeap + m.taskOffHeap + m.network + m.managed).toBe(m.flink);
        expect(m.flink + m.jvmMetaspace + m.jvmOverhead).toBe(process);
        expect(m.managedPerSlot).toBe(Math.floor(m.managed / slots));
        expect(m.taskHeapPerSlot * slots).toBeLessThanOrEqual(m.taskHeap);
        expect(m.taskHeap - m.taskHeapPerSlot * slots).toBeLessThan(slots);
      }),
    );
  });
});
