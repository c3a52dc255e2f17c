import { describe, expect, it } from 'vitest';
import { human, memoryLayout, multiplyLikeFlink, smallestMemoryPerSlot, type MemoryOptions } from '../../src/model/cluster/memory-layout.js';
import type { TaskManagerMemorySpec } from '../../src/model/spec.js';

const MIB = 2 ** 20;
const GIB = 2 ** 30;

function layout(process: number, slots = 1, options: MemoryOptions = {}): TaskManagerMemorySpec {
  const r = memoryLayout(process, slots, options);
  if (!('memory' in r)) throw new Error(`rejected: ${r.error.reason}`);
  return r.memory;
}

function rejection(process: number, options: MemoryOptions, slots = 1) {
  const r = memoryLayout(process, slots, options);
  if ('memory' in r) throw new Error('expected Flink to reject this layout');
  return r.error;
}

/** The six components of Total Flink memory, and the process around them, add up. */
function expectConsistent(m: TaskManagerMemorySpec): void {
  expect(m.frameworkHeap + m.taskHeap + m.frameworkOffHeap + m.taskOffHeap + m.network + m.managed).toBe(m.flink);
  expect(m.flink + m.jvmMetaspace + m.jvmOverhead).toBe(m.process);
}

describe('multiplying a size by a fraction as Flink does', () => {
  it('reads the fraction as a Java float printed as a double, and truncates the exact product', () => {
    // 0.1f is 0.10000000149011612 as a double; 2^32 x that is 429496736.0000000026.
    expect(multiplyLikeFlink(4 * GIB, Math.fround(0.1))).toBe(429_496_736);
    // An exact decimal product is not lost to binary rounding: 3 x 0.1 is 0.3 bytes, so 0.
    expect(multiplyLikeFlink(3, 0.1)).toBe(0);
    expect(multiplyLikeFlink(30, 0.1)).toBe(3);
    expect(multiplyLikeFlink(1000, 1e-7)).toBe(0);
    expect(multiplyLikeFlink(10 ** 9, 2.5e-7)).toBe(250);
    // 0.7f is 0.699999988079071044921875, which prints as 0.699999988079071: 2^24 x 0.7f is
    // 11744051 exactly in binary, but Flink multiplies the printed decimal and gets 11744050.99...
    expect(multiplyLikeFlink(2 ** 24, Math.fround(0.7))).toBe(11_744_050);
  });

  it('prints sizes the way Flink logs them', () => {
    expect(human(201_326_592)).toBe('192.000mb (201326592 bytes)');
    expect(human(0)).toBe('0 bytes');
  });
});

describe('TaskManager memory layout with Flink defaults', () => {
  it("gives Flink's own numbers for its default 1728m process (as its logs print them)", () => {
    // Flink's default configuration logs: task heap 402653174, network 134217730,
    // managed 536870920, JVM overhead 201326592 bytes (172.8 MiB is below the 192 MiB minimum).
    const m = layout(1728 * MIB);
    expect(m).toMatchObject({
      process: 1728 * MIB,
      jvmMetaspace: 256 * MIB,
      jvmOverhead: 192 * MIB,
      flink: 1280 * MIB,
      frameworkHeap: 128 * MIB,
      frameworkOffHeap: 128 * MIB,
      taskOffHeap: 0,
      network: 134_217_730,
      managed: 536_870_920,
      taskHeap: 402_653_174,
    });
    expectConsistent(m);
  });

  it('a 1 GiB slot: overhead and network at their minimums, 25.6 MiB of task heap', () => {
    // overhead: 102.4 MiB < 192 MiB; Flink memory 1024 - 256 - 192 = 576 MiB;
    // network 57.6 MiB < 64 MiB; managed 576 MiB x 0.4f = 241591914.000000014 -> 241591914;
    // task heap = 603979776 - 2 x 134217728 - 67108864 - 241591914 = 26843542.
    const m = layout(GIB);
    expect(m).toMatchObject({ jvmOverhead: 192 * MIB, flink: 576 * MIB, network: 64 * MIB, managed: 241_591_914, taskHeap: 26_843_542 });
    expect(m.managedPerSlot).toBe(241_591_914);
    expect(m.taskHeapPerSlot).toBe(26_843_542);
    expectConsistent(m);
  });

  it('a 2 GiB slot', () => {
    // overhead 2^31 x 0.1f = 214748368.0000000013 -> 214748368 (204.8 MiB and 4 bytes);
    // Flink memory 2147483648 - 268435456 - 214748368 = 1664299824;
    // network x 0.1f = 166429984.88 -> 166429984; managed x 0.4f = 665719939.52 -> 665719939;
    // task heap = 1664299824 - 268435456 - 166429984 - 665719939 = 563714445 (537.6 MiB).
    const m = layout(2 * GIB);
    expect(m).toMatchObject({ jvmOverhead: 214_748_368, flink: 1_664_299_824, network: 166_429_984, managed: 665_719_939, taskHeap: 563_714_445 });
    expectConsistent(m);
  });

  it('a 4 GiB slot has 1372.16 MiB of managed memory', () => {
    // overhead 429496736 (above); Flink memory 4294967296 - 268435456 - 429496736 = 3597035104;
    // managed x 0.4f = 1438814063.04 -> 1438814063 = 1372.16 MiB; network x 0.1f = 359703515.76
    // -> 359703515; task heap = 3597035104 - 268435456 - 359703515 - 1438814063 = 1530082070.
    const m = layout(4 * GIB);
    expect(m).toMatchObject({ jvmOverhead: 429_496_736, flink: 3_597_035_104, network: 359_703_515, managed: 1_438_814_063, taskHeap: 1_530_082_070 });
    expect((m.managedPerSlot / MIB).toFixed(2)).toBe('1372.16');
    expect((m.taskHeapPerSlot / MIB).toFixed(2)).toBe('1459.20');
    expectConsistent(m);
  });

  it('an 8 GiB slot', () => {
    // overhead 858993472 (819.2 MiB and 12.8 bytes, truncated); Flink memory 7462505664;
    // network 746250577.52 -> 746250577; managed 2985002310.08 -> 2985002310;
    // task heap = 7462505664 - 268435456 - 746250577 - 2985002310 = 3462817321.
    const m = layout(8 * GIB);
    expect(m).toMatchObject({ jvmOverhead: 858_993_472, flink: 7_462_505_664, network: 746_250_577, managed: 2_985_002_310, taskHeap: 3_462_817_321 });
    expectConsistent(m);
  });

  it('caps JVM overhead and network memory at 1 GiB for a 16 GiB process', () => {
    // overhead 1.6 GiB -> 1 GiB; Flink memory 16384 - 256 - 1024 MiB; network 1.47 GiB -> 1 GiB.
    const m = layout(16 * GIB);
    expect(m.jvmOverhead).toBe(GIB);
    expect(m.flink).toBe(15_104 * MIB);
    expect(m.network).toBe(GIB);
    expect(m.managed).toBe(6_335_076_856);
    expectConsistent(m);
  });

  it('gives each slot an equal share of managed memory and task heap, rounded down', () => {
    // Two 4 GiB slots make the 8 GiB process above.
    const m = layout(8 * GIB, 2);
    expect(m.managedPerSlot).toBe(1_492_501_155);
    expect(m.taskHeapPerSlot).toBe(1_731_408_660);
  });
});

describe('explicit memory options', () => {
  it('a managed size wins over the managed fraction', () => {
    const m = layout(4 * GIB, 1, { managedSize: 512 * MIB, managedFraction: 0.9 });
    expect(m.managed).toBe(512 * MIB);
    expect(m.taskHeap).toBe(3_597_035_104 - 256 * MIB - 359_703_515 - 512 * MIB);
    expectConsistent(m);
  });

  it('with a managed size, the managed fraction is not read at all, as in Flink', () => {
    expect(layout(4 * GIB, 1, { managedSize: 512 * MIB, managedFraction: 1.5 }).managed).toBe(512 * MIB);
    expect(rejection(4 * GIB, { managedFraction: 1.5 }).option).toBe('managedFraction');
  });

  it('a managed fraction of 0.25 is exact in a float', () => {
    expect(layout(4 * GIB, 1, { managedFraction: 0.25 }).managed).toBe(3_597_035_104 / 4);
  });

  it('a task heap size leaves network memory the rest of Total Flink memory', () => {
    // 3597035104 - 2 x 128 MiB - 1 GiB - 1438814063 = 816043761, within [64 MiB, 1 GiB].
    const m = layout(4 * GIB, 1, { taskHeap: GIB });
    expect(m.taskHeap).toBe(GIB);
    expect(m.managed).toBe(1_438_814_063);
    expect(m.network).toBe(816_043_761);
    expectConsistent(m);
  });

  it('task heap and managed sizes: network is its fraction of the total, the JVM overhead what the process has left', () => {
    // rest = 2 x 128 MiB + 1.5 GiB + 1 GiB = 2952790016; network = rest x 0.1f / (1 - 0.1f)
    // = rest x 0.11111111295076065 = 328087784.99 -> 328087784; overhead = 4 GiB - 3280877800
    // - 256 MiB = 745654040, inside [192 MiB, 1 GiB].
    const m = layout(4 * GIB, 1, { taskHeap: 1536 * MIB, managedSize: GIB });
    expect(m.network).toBe(328_087_784);
    expect(m.flink).toBe(3_280_877_800);
    expect(m.jvmOverhead).toBe(745_654_040);
    expectConsistent(m);
  });

  it('a Total Flink memory size: components from it, JVM overhead the rest of the process', () => {
    // 3 GiB x 0.4f = 1288490208.00000007 -> 1288490208; x 0.1f -> 322122552;
    // overhead 4 GiB - 3 GiB - 256 MiB = 768 MiB.
    const m = layout(4 * GIB, 1, { flinkSize: 3 * GIB });
    expect(m).toMatchObject({ flink: 3 * GIB, managed: 1_288_490_208, network: 322_122_552, jvmOverhead: 768 * MIB, taskHeap: 1_342_177_256 });
    expectConsistent(m);
  });

  it('metaspace, overhead range and framework sizes are read', () => {
    const m = layout(4 * GIB, 1, { jvmMetaspace: 512 * MIB, jvmOverheadMin: 500 * MIB, jvmOverheadMax: 500 * MIB, frameworkHeap: 0, taskOffHeap: 64 * MIB });
    expect(m.jvmMetaspace).toBe(512 * MIB);
    expect(m.jvmOverhead).toBe(500 * MIB);
    expect(m.flink).toBe(3084 * MIB);
    expect(m.frameworkHeap).toBe(0);
    expect(m.taskOffHeap).toBe(64 * MIB);
    expectConsistent(m);
  });
});

describe('layouts Flink rejects', () => {
  it('a process too small for metaspace and overhead', () => {
    const e = rejection(256 * MIB, {});
    expect(e.option).toBe('processSize');
    expect(e.reason).toBe(
      'Sum of configured JVM Metaspace (256.000mb (268435456 bytes)) and JVM Overhead (192.000mb (201326592 bytes)) exceed configured Total Process Memory (256.000mb (268435456 bytes)).',
    );
  });

  it('blames the metaspace when it was set', () => {
    expect(rejection(2 * GIB, { jvmMetaspace: 2 * GIB }).option).toBe('jvmMetaspace');
  });

  it('a 512 MiB process cannot hold the framework, managed and network memory', () => {
    // Flink memory 512 - 256 - 192 = 64 MiB; 128 + 128 + 25.6 + 64 MiB exceed it.
    const e = rejection(512 * MIB, {});
    expect(e.option).toBe('processSize');
    expect(e.reason).toMatch(/^Sum of configured Framework Heap Memory .* and Network Memory \(64\.000mb \(67108864 bytes\)\) exceed configured Total Flink Memory \(64\.000mb/);
  });

  it('a task heap larger than Total Flink memory (a negative rest)', () => {
    const e = rejection(4 * GIB, { taskHeap: 4 * GIB });
    expect(e.option).toBe('taskHeap');
    expect(e.reason).toMatch(/^Sum of configured Framework Heap Memory .*Task Heap Memory \(4\.000gb .* exceed configured Total Flink Memory/);
  });

  it('a task heap that leaves network memory outside its range', () => {
    // 3597035104 - 256 MiB - 1438814063 - 1.7 GiB is below 64 MiB.
    const e = rejection(4 * GIB, { taskHeap: 1740 * MIB });
    expect(e.option).toBe('taskHeap');
    expect(e.reason).toMatch(/Derived Network Memory size .* is not in configured Network Memory range \[64\.000mb/);
  });

  it('task heap and managed sizes that leave the JVM overhead outside its range', () => {
    // rest 2304 MiB, network 256 MiB and some bytes: overhead 4096 - 2560 - 256 MiB, above 1 GiB.
    const e = rejection(4 * GIB, { taskHeap: GIB, managedSize: GIB });
    expect(e.option).toBe('taskHeap');
    expect(e.reason).toMatch(/^Derived JVM Overhead size \(1\.250gb .* is not in configured JVM Overhead range \[192\.000mb .*, 1\.000gb/);
  });

  it('a fraction outside [0, 1), including one that rounds to 1 as a float', () => {
    expect(rejection(4 * GIB, { managedFraction: 1 })).toEqual({
      option: 'managedFraction',
      reason: 'Inconsistently configured taskmanager.memory.managed.fraction (1): fraction must be in range [0, 1).',
    });
    expect(rejection(4 * GIB, { networkFraction: -0.1 }).option).toBe('networkFraction');
    expect(rejection(4 * GIB, { jvmOverheadFraction: 0.999999999 }).option).toBe('jvmOverheadFraction');
  });

  it('a min above its max', () => {
    const e = rejection(4 * GIB, { networkMin: 2 * GIB });
    expect(e.option).toBe('networkMin');
    expect(e.reason).toMatch(/min value must be less or equal to max value/);
  });
});

describe('the smallest memory per slot that gives a slot what it needs', () => {
  it('a 4 GiB slot is the first whole GiB with 1459.20 MiB of task heap or 1372.16 MiB managed', () => {
    expect(smallestMemoryPerSlot({ taskHeapPerSlot: 1_530_082_070 }, 1)).toBe(4 * GIB);
    expect(smallestMemoryPerSlot({ taskHeapPerSlot: 1_530_082_071 }, 1)).toBe(5 * GIB);
    expect(smallestMemoryPerSlot({ managedPerSlot: 1_438_814_063 }, 1)).toBe(4 * GIB);
    expect(smallestMemoryPerSlot({ managedPerSlot: 1_438_814_063, taskHeapPerSlot: 1_530_082_071 }, 1)).toBe(5 * GIB);
  });

  it('skips sizes Flink rejects and counts per slot with several slots', () => {
    // 1 GiB with one slot leaves 25.6 MiB of task heap; half a GiB is rejected.
    expect(smallestMemoryPerSlot({ taskHeapPerSlot: MIB }, 1, {}, GIB / 2)).toBe(GIB);
    // Two 4 GiB slots: 1731408660 bytes of task heap each (the 8 GiB layout, halved).
    expect(smallestMemoryPerSlot({ taskHeapPerSlot: 1_731_408_660 }, 2)).toBe(4 * GIB);
  });

  it('is undefined when a set task heap size caps what more memory can give', () => {
    expect(smallestMemoryPerSlot({ taskHeapPerSlot: 2 * GIB }, 1, { taskHeap: GIB, processSize: 64 * GIB }, GIB, 64 * GIB)).toBeUndefined();
  });
});
