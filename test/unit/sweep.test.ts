//! The pieces of a sharded sweep: shard arguments and environment, the cost-balanced partition, fingerprints, and the compare options a part spells.

import { describe, expect, it } from 'vitest';
import { parseBandwidthList, parseCpuPerSlotList, parseMaxSlotsList, parseMemoryPerSlotList, parseAvgVolumeList, parseModeList, parseShuffleList, parseSlotsList } from '../../src/cli/commands/compare.js';
import { compareArgs, compareSweep, plainNumber, sweepAxes } from '../../src/compare/shards.js';
import type { GridAxes } from '../../src/compare/grid.js';
import { canonicalJson, fingerprint } from '../../src/sweep/fingerprint.js';
import { shellQuote } from '../../src/sweep/merge.js';
import { assignShards, itemsOfShard } from '../../src/sweep/partition.js';
import { parseShard, parseShardCount, resolveShard } from '../../src/sweep/shard.js';
import { batchsimVersion } from '../../src/sweep/version.js';
import { readFileSync } from 'node:fs';

describe('--shard and --shards', () => {
  it('parses I/N with I from 0 to N-1', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    expect(parseShard(' 0 / 1 ')).toEqual({ index: 0, count: 1 });
    expect(() => parseShard('4/4')).toThrow('shard 4 of 4 does not exist: shards are numbered 0 to 3');
    expect(() => parseShard('0/0')).toThrow('expected a number of shards >= 1, got `0`');
    expect(() => parseShard('1')).toThrow('expected I/N');
    expect(() => parseShard('0/100001')).toThrow('at most 100000 shards');
    expect(parseShardCount('8')).toBe(8);
    expect(() => parseShardCount('-1')).toThrow('expected a number of shards >= 1');
  });

  it('takes the index from JOB_COMPLETION_INDEX or SLURM_ARRAY_TASK_ID, which must agree and be in range', () => {
    expect(resolveShard({}, { JOB_COMPLETION_INDEX: '1' })).toBeUndefined();
    expect(resolveShard({ shard: { index: 1, count: 3 } }, {})).toEqual({ index: 1, count: 3 });
    expect(resolveShard({ shards: 3 }, { JOB_COMPLETION_INDEX: '2' })).toEqual({ index: 2, count: 3 });
    expect(resolveShard({ shards: 3 }, { SLURM_ARRAY_TASK_ID: '0' })).toEqual({ index: 0, count: 3 });
    expect(resolveShard({ shards: 3 }, { SLURM_ARRAY_TASK_ID: '1', JOB_COMPLETION_INDEX: '1' })).toEqual({ index: 1, count: 3 });
    expect(resolveShard({ shards: 3 }, { SLURM_ARRAY_TASK_ID: '1', JOB_COMPLETION_INDEX: '2' })).toEqual({ error: 'JOB_COMPLETION_INDEX=2 and SLURM_ARRAY_TASK_ID=1 disagree: which shard is this?' });
    expect(resolveShard({ shards: 3 }, { JOB_COMPLETION_INDEX: 'x' })).toEqual({ error: 'JOB_COMPLETION_INDEX=x is not a shard of --shards 3: expected an integer from 0 to 2' });
    expect(resolveShard({ shards: 3 }, { JOB_COMPLETION_INDEX: '' })).toHaveProperty('error', expect.stringContaining('--shards 3 needs this process'));
    expect(resolveShard({ shards: 3, shard: { index: 0, count: 3 } }, {})).toHaveProperty('error', expect.stringContaining('not both'));
  });
});

describe('the partition', () => {
  it('deals the costliest first onto the least loaded shard (hand-computed)', () => {
    // Order 0(5), 1(3), 2(3), 3(2), 4(2), 5(1): loads 5|0, 5|3, 5|6, 7|6, 7|8, 8|8.
    expect([...assignShards([5, 3, 3, 2, 2, 1], 2)]).toEqual([0, 1, 1, 0, 1, 0]);
    // Equal weights go round in position order; ties between shards go to the lower index.
    expect([...assignShards([1, 1, 1, 1, 1], 2)]).toEqual([0, 1, 0, 1, 0]);
    // The order given does not matter, only the weights: a light item first still goes last.
    expect([...assignShards([1, 4, 4], 2)]).toEqual([0, 0, 1]);
    // More shards than items: the last ones are empty.
    const s = assignShards([2, 1], 4);
    expect([0, 1, 2, 3].map((i) => itemsOfShard(s, i))).toEqual([[0], [1], [], []]);
  });

  it('the largest shard stays within 4/3 of a perfect split on a skewed grid', () => {
    const weights = Array.from({ length: 300 }, (_, i) => [100, 1000, 40_000][i % 3]);
    const shardOf = assignShards(weights, 7);
    const loads = new Array(7).fill(0);
    shardOf.forEach((s, i) => (loads[s] += weights[i]));
    const total = weights.reduce((a, b) => a + b, 0);
    expect(Math.max(...loads)).toBeLessThanOrEqual((4 / 3) * Math.max(total / 7, 40_000));
    expect(Math.max(...loads) - Math.min(...loads)).toBeLessThanOrEqual(40_000);
  });

  it('refuses a weight that is not finite', () => {
    expect(() => assignShards([1, NaN], 2)).toThrow(RangeError);
    expect(() => assignShards([1], 0)).toThrow(RangeError);
  });
});

describe('fingerprints', () => {
  it('do not depend on key order, and change with any value', () => {
    expect(canonicalJson({ b: [1, { d: 2, c: 'x' }], a: null })).toBe('{"a":null,"b":[1,{"c":"x","d":2}]}');
    expect(fingerprint({ a: 1, b: 2 })).toBe(fingerprint({ b: 2, a: 1 }));
    expect(fingerprint({ a: 1, b: 2 })).not.toBe(fingerprint({ a: 1, b: 3 }));
    expect(fingerprint({})).toBe('sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a');
    expect(() => canonicalJson({ a: Infinity })).toThrow(RangeError);
  });

  it('the version is the package version', () => {
    expect(batchsimVersion()).toBe(JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')).version);
  });
});

describe('the command a part gives for re-running a shard', () => {
  it('spells every swept value so that compare parses it back to the same value', () => {
    const axes: GridAxes = {
      slots: [1, 3],
      cpuPerSlot: [0.5, 1e-7, 3],
      memoryPerSlot: [2 ** 31, 1536 * 2 ** 20],
      diskBandwidth: [1.5e9 / 8, Infinity, 0.1 + 0.2],
      networkBandwidth: [125_000_000],
      maxSlots: [8, Infinity],
      shuffle: ['local', 'remote'],
      avgVolume: [16 * 2 ** 20],
      mode: ['BATCH', 'STREAMING'],
    };
    const sweep = compareSweep({ file: 'my jobs/x.yaml', text: 'name: x', axes, firstSeed: -3, seedCount: 5 });
    expect(sweep.axes.maxSlots).toEqual([8, 'unlimited']);
    expect(sweepAxes(sweep)).toEqual(axes);
    const args = compareArgs(sweep);
    expect(args.slice(0, 2)).toEqual(['compare', 'my jobs/x.yaml']);
    expect(args.slice(-4)).toEqual(['--seed', '-3', '--seeds', '5']);
    const value = (flag: string) => args[args.indexOf(flag) + 1];
    expect(value('--cpu-per-slot')).toBe('0.5,0.0000001,3');
    expect(parseSlotsList(value('--slots'))).toEqual(axes.slots);
    expect(parseCpuPerSlotList(value('--cpu-per-slot'))).toEqual(axes.cpuPerSlot);
    expect(parseMemoryPerSlotList(value('--memory-per-slot'))).toEqual(axes.memoryPerSlot);
    expect(parseBandwidthList(value('--disk-bandwidth'))).toEqual(axes.diskBandwidth);
    expect(parseBandwidthList(value('--network-bandwidth'))).toEqual(axes.networkBandwidth);
    expect(parseMaxSlotsList(value('--max-slots'))).toEqual(axes.maxSlots);
    expect(parseShuffleList(value('--shuffle'))).toEqual(axes.shuffle);
    expect(parseAvgVolumeList(value('--avg-volume'))).toEqual(axes.avgVolume);
    expect(parseModeList(value('--mode'))).toEqual(axes.mode);
  });

  it('writes exponents out as plain decimals', () => {
    expect([1e-7, 1.25e-7, 1e21, 1.5e22, 2.5, 3].map(plainNumber)).toEqual(['0.0000001', '0.000000125', '1000000000000000000000', '15000000000000000000000', '2.5', '3']);
  });

  it('quotes for the shell only what needs it', () => {
    expect(shellQuote('parts/part-1.json')).toBe('parts/part-1.json');
    expect(shellQuote('my jobs/x.yaml')).toBe("'my jobs/x.yaml'");
    expect(shellQuote("it's")).toBe("'it'\\''s'");
  });
});
