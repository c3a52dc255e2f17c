import { describe, expect, it } from 'vitest';
import { memoryLayout } from '../../src/model/cluster/memory-layout.js';
import { attemptMemoryEffects, GC_COST, gcSlowdown, heapOccupancy, isOutOfMemory, occupancyForSlowdown, spilledBytes } from '../../src/scheduler/memory-effects.js';

const MIB = 2 ** 20;
const GIB = 2 ** 30;

function slotOf(memoryPerSlot: number) {
  const r = memoryLayout(memoryPerSlot, 1);
  if (!('memory' in r)) throw new Error(r.error.reason);
  return r.memory;
}

describe('spilling beyond the slot managed memory', () => {
  it('2 GiB of input on a 4 GiB slot spills 675.84 MiB', () => {
    // 2147483648 - 1438814063 (the 4 GiB slot's managed memory) = 708669585 bytes.
    const spilled = spilledBytes(2 * GIB, slotOf(4 * GIB).managedPerSlot);
    expect(spilled).toBe(708_669_585);
    expect((spilled / MIB).toFixed(2)).toBe('675.84');
  });

  it('nothing spills when the input fits, or on an 8 GiB slot', () => {
    expect(spilledBytes(GIB, slotOf(4 * GIB).managedPerSlot)).toBe(0);
    expect(spilledBytes(2 * GIB, slotOf(8 * GIB).managedPerSlot)).toBe(0);
    expect(spilledBytes(1000, 1000)).toBe(0);
  });

  it('on a 2 GiB slot 2 GiB of input spills all but 634.88 MiB', () => {
    // managed 665719939 bytes; 2147483648 - 665719939 = 1481763709.
    expect(spilledBytes(2 * GIB, slotOf(2 * GIB).managedPerSlot)).toBe(1_481_763_709);
  });
});

describe('heap occupancy, GC overhead and OutOfMemoryError', () => {
  it('occupancy is the working set over the slot task heap', () => {
    // 4 GiB slot: task heap 1530082070 bytes; a 765041035-byte working set fills half of it.
    expect(heapOccupancy(765_041_035, slotOf(4 * GIB).taskHeapPerSlot)).toBe(0.5);
    expect(heapOccupancy(0, 0)).toBe(0);
    expect(heapOccupancy(1, 0)).toBe(Infinity);
  });

  it('GC overhead is 0.6 u / (1 - u): 0.15 at u = 0.2, 0.6 at 0.5, 5.4 at 0.9', () => {
    expect(GC_COST).toBe(0.6);
    expect(gcSlowdown(0)).toBe(0);
    expect(gcSlowdown(0.2)).toBeCloseTo(0.15, 12);
    expect(gcSlowdown(0.5)).toBeCloseTo(0.6, 12);
    expect(gcSlowdown(0.9)).toBeCloseTo(5.4, 12);
    expect(gcSlowdown(1)).toBe(Infinity);
  });

  it('the inverse gives the occupancy of a target overhead', () => {
    expect(occupancyForSlowdown(0.6)).toBeCloseTo(0.5, 12);
    expect(occupancyForSlowdown(0)).toBe(0);
  });

  it('a working set above the task heap, or filling it exactly, is an OutOfMemoryError', () => {
    expect(isOutOfMemory(0.99)).toBe(false);
    expect(isOutOfMemory(1)).toBe(true);
    expect(isOutOfMemory(1.01)).toBe(true);
    // A 1 GiB slot has only 25.6 MiB of task heap: a 32 MiB working set does not fit.
    expect(isOutOfMemory(heapOccupancy(32 * MIB, slotOf(GIB).taskHeapPerSlot))).toBe(true);
  });
});

describe('all memory effects of one attempt', () => {
  const slot = { managedPerSlot: 1_438_814_063, taskHeapPerSlot: 1_530_082_070 }; // a 4 GiB slot

  it('a hash aggregate with 2 GiB of input and half the task heap as working set', () => {
    const e = attemptMemoryEffects({ managedMemory: true, heapBytes: 765_041_035 }, 2 * GIB, slot);
    expect(e.spilledBytes).toBe(708_669_585);
    expect(e.heapOccupancy).toBe(0.5);
    expect(e.gcSlowdown).toBeCloseTo(0.6, 12);
    expect(e.outOfMemory).toBe(false);
  });

  it('no spilling without managed memory, nothing at all without a working set', () => {
    expect(attemptMemoryEffects({ managedMemory: false, heapBytes: 0 }, 2 * GIB, slot)).toEqual({
      spilledBytes: 0,
      heapOccupancy: 0,
      gcSlowdown: 0,
      outOfMemory: false,
    });
  });

  it('a working set larger than the task heap is out of memory', () => {
    const e = attemptMemoryEffects({ managedMemory: false, heapBytes: 2 * GIB }, 0, slot);
    expect(e.outOfMemory).toBe(true);
    expect(e.gcSlowdown).toBe(Infinity);
  });
});
