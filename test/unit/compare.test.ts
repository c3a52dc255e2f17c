//! Unit tests of `batchsim compare`'s pure parts: the grid, the per-choice statistics and marks, the renderers and the option parsers.

import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import {
  bestIndex,
  buildComparison,
  choiceStats,
  markChoices,
  median,
  percentile,
  type ChoiceStats,
  type RunSummary,
} from '../../src/compare/aggregate.js';
import { baseSettings, buildGrid, buildRuns, scenarioForChoice, seedList, sweptDimensions, type ChoiceSettings } from '../../src/compare/grid.js';
import { parseAvgVolumeList, parseMaxSlotsList, parseMemoryPerSlotList, parseModeList, parseSeedCount, parseShuffleList, parseSlotsList, parseWorkers } from '../../src/cli/commands/compare.js';
import { COMPARE_CSV_HEADER, compareCsv, compareJson, formatCompareTable } from '../../src/report/compare-report.js';
import { loadJobScenario } from '../../src/scenario/load.js';

const GIB = 2 ** 30;
const MIB = 2 ** 20;

const base: ChoiceSettings = { slots: 2, cpuPerSlot: 1, memoryPerSlot: 4 * GIB, diskBandwidth: Infinity, networkBandwidth: Infinity, maxSlots: Infinity, shuffle: 'local', avgVolume: 16 * MIB, mode: 'BATCH' };

function run(seed: number, makespan: number, extra: Partial<RunSummary> = {}): RunSummary {
  return {
    seed,
    status: 'FINISHED',
    failureCause: null,
    makespan,
    tmsCreated: 1,
    tmsPeak: 1,
    coreSeconds: makespan * 2,
    gibSeconds: makespan * 8,
    peakDiskBytes: 0,
    restarts: 0,
    ...extra,
  };
}

const stats = (over: Partial<ChoiceStats>): ChoiceStats => ({
  runs: 3,
  failed: 0,
  makespanMedian: 100,
  makespanP95: 110,
  tmsCreatedMedian: 1,
  tmsPeakMax: 1,
  coreSecondsMedian: 500,
  gibSecondsMedian: 2000,
  peakDiskBytesMax: 0,
  restartsTotal: 0,
  ...over,
});

describe('grid', () => {
  it('is the cartesian product, the first dimension varying slowest, the rest from the scenario', () => {
    const grid = buildGrid(base, { slots: [1, 4], shuffle: ['local', 'remote'] });
    expect(grid.map((c) => [c.settings.slots, c.settings.shuffle])).toEqual([
      [1, 'local'],
      [1, 'remote'],
      [4, 'local'],
      [4, 'remote'],
    ]);
    expect(grid.map((c) => c.index)).toEqual([0, 1, 2, 3]);
    for (const c of grid) {
      expect(c.settings.maxSlots).toBe(Infinity);
      expect(c.settings.avgVolume).toBe(16 * MIB);
      expect(Object.keys(c.overrides).sort()).toEqual(['shuffle', 'slots']);
    }
    expect(grid[1].label).toBe('1 slot, remote shuffle');
    expect(grid[2].label).toBe('4 slots, local shuffle');
  });

  it('nests memory per slot inside slots and outside max slots', () => {
    const grid = buildGrid(base, { maxSlots: [8, 16], memoryPerSlot: [2 * GIB, 8 * GIB] });
    expect(grid.map((c) => [c.settings.memoryPerSlot, c.settings.maxSlots])).toEqual([
      [2 * GIB, 8],
      [2 * GIB, 16],
      [8 * GIB, 8],
      [8 * GIB, 16],
    ]);
    expect(grid[1].label).toBe('2.00 GiB per slot, max slots 16');
  });

  it('orders all four dimensions slots, max slots, shuffle, avg volume whatever the order given', () => {
    const grid = buildGrid(base, { avgVolume: [8 * MIB, 32 * MIB], maxSlots: [8, Infinity], slots: [1], shuffle: ['remote'] });
    expect(grid).toHaveLength(4);
    expect(grid.map((c) => [c.settings.maxSlots, c.settings.avgVolume])).toEqual([
      [8, 8 * MIB],
      [8, 32 * MIB],
      [Infinity, 8 * MIB],
      [Infinity, 32 * MIB],
    ]);
    expect(grid[3].label).toBe('1 slot, max slots unlimited, remote shuffle, 32.0 MiB per task');
    expect(sweptDimensions({ avgVolume: [1], slots: [1], shuffle: [] })).toEqual(['slots', 'avgVolume']);
  });

  it('is the scenario itself when nothing is swept', () => {
    const grid = buildGrid(base, {});
    expect(grid).toEqual([{ index: 0, settings: base, overrides: {}, label: '2 slots' }]);
  });

  it('lists N seeds from the first, and runs choice-major in seed order', () => {
    expect(seedList(7, 3)).toEqual([7, 8, 9]);
    expect(seedList(-1, 2)).toEqual([-1, 0]);
    const runs = buildRuns(buildGrid(base, { slots: [1, 2] }), seedList(5, 2));
    expect(runs).toEqual([
      { index: 0, choice: 0, seed: 5 },
      { index: 1, choice: 0, seed: 6 },
      { index: 2, choice: 1, seed: 5 },
      { index: 3, choice: 1, seed: 6 },
    ]);
  });
});

describe('a choice applied to the scenario', () => {
  const job = `
job:
  vertices:
    - { id: A, parallelism: 2, source: { bytes: 1GiB }, rate: 100MiB/s }
    - { id: B, inputs: [{ from: A }], rate: 50MiB/s }
`;

  it('recomputes the auto disk from the new number of cores', () => {
    const text = `cluster:\n  taskmanager:\n    slots: 1\n    disk: auto\n    cpuPerSlot: 2\n${job}`;
    const before = loadJobScenario(text, 'a.yaml').spec.cluster;
    expect(before.diskBytes).toBe(40 * GIB);
    const after = scenarioForChoice(text, 'a.yaml', { slots: 4 }).spec.cluster;
    expect(after.slotsPerTaskManager).toBe(4);
    expect(after.diskBytes).toBe(160 * GIB);
    expect(after.cpuPerSlot).toBe(2);
  });

  it('keeps an explicit disk, and the rest of the scenario', () => {
    const text = `name: keep\nseed: 3\ncluster:\n  taskmanager: { slots: 1, disk: 20GiB, startup: 20s }\n${job}`;
    const s = scenarioForChoice(text, 'k.yaml', { slots: 4, shuffle: 'remote' }).spec;
    expect(s.cluster.diskBytes).toBe(20 * GIB);
    expect(s.cluster.startupMs).toBe(20_000);
    expect(s.cluster.shuffle).toBe('remote');
    expect(s.name).toBe('keep');
    expect(s.seed).toBe(3);
    expect(s.vertices.map((v) => v.id)).toEqual(['A', 'B']);
  });

  it('wins over the Flink config keys and dotted cluster keys that would set the same thing', () => {
    const text =
      `cluster:\n  taskmanager.slots: 3\n  taskmanager.startup: 5s\n  maxSlots: 6\n` +
      `config:\n  taskmanager.numberOfTaskSlots: 3\n  slotmanager.number-of-slots.max: 6\n` +
      `  jobmanager.adaptive-batch-scheduler.avg-data-volume-per-task: 4mb\n${job}`;
    const s = scenarioForChoice(text, 'c.yaml', { slots: 2, maxSlots: Infinity, avgVolume: 64 * MIB }).spec;
    expect(s.cluster.slotsPerTaskManager).toBe(2);
    expect(s.cluster.startupMs).toBe(5_000);
    expect(s.cluster.maxSlots).toBe(Infinity);
    expect(s.parallelism.avgDataVolumePerTask).toBe(64 * MIB);
    expect(baseSettings(s)).toEqual({ slots: 2, cpuPerSlot: 1, memoryPerSlot: 4 * GIB, diskBandwidth: 140e6, networkBandwidth: 250e6, maxSlots: Infinity, shuffle: 'local', avgVolume: 64 * MIB, mode: 'BATCH' });
    expect(scenarioForChoice(text, 'c.yaml', { maxSlots: 4 }).spec.cluster.maxSlots).toBe(4);
  });

  it('wins over a config key that was the only one under config:', () => {
    const text = `config:\n  taskmanager.numberOfTaskSlots: 3\n${job}`;
    expect(scenarioForChoice(text, 'c.yaml', { slots: 2 }).spec.cluster.slotsPerTaskManager).toBe(2);
  });

  it('sets the memory per slot, over taskmanager.memory.process.size, and recomputes the memory layout', () => {
    const text = `cluster:\n  taskmanager: { slots: 2, memoryPerSlot: 4GiB }\nconfig:\n  taskmanager.memory.process.size: 16g\n${job}`;
    expect(loadJobScenario(text, 'm.yaml').spec.cluster.memoryPerSlot).toBe(8 * GIB);
    const two = scenarioForChoice(text, 'm.yaml', { memoryPerSlot: 2 * GIB }).spec.cluster;
    expect(two.memoryPerSlot).toBe(2 * GIB);
    // A 4 GiB process with two slots: managed 1438814063 bytes, task heap 1530082070.
    expect(two.memory.process).toBe(4 * GIB);
    expect(two.memory.managedPerSlot).toBe(719_407_031);
    expect(two.memory.taskHeapPerSlot).toBe(765_041_035);
  });

  it('reads JSON scenarios too, and is the plain scenario with no overrides', () => {
    const json = JSON.stringify({ job: { vertices: [{ id: 'A', parallelism: 1, source: { bytes: '1GiB' }, rate: '100MiB/s' }] } });
    expect(scenarioForChoice(json, 'j.json', {}).spec).toEqual(loadJobScenario(json, 'j.json').spec);
    expect(scenarioForChoice(json, 'j.json', { slots: 2 }).spec.cluster.slotsPerTaskManager).toBe(2);
  });
});

describe('statistics', () => {
  it('median: the middle value, or the mean of the two middle ones', () => {
    expect(median([5, 1, 4, 2, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
    expect(() => median([])).toThrow(RangeError);
  });

  it('percentile: nearest rank, ceil(p/100 * n) in ascending order', () => {
    const oneToTwenty = Array.from({ length: 20 }, (_, i) => 20 - i);
    expect(percentile(oneToTwenty, 95)).toBe(19); // rank ceil(19) = 19
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 95)).toBe(10); // rank ceil(9.5) = 10
    expect(percentile([10, 30, 20], 95)).toBe(30); // rank ceil(2.85) = 3
    expect(percentile([1, 2, 3, 4], 50)).toBe(2); // rank 2
    expect(percentile([3, 1, 2], 0)).toBe(1);
    expect(percentile([42], 95)).toBe(42);
    expect(() => percentile([1], 101)).toThrow(RangeError);
  });

  it('per choice: medians, p95, largest peaks, total restarts, failed count', () => {
    const runs = [
      run(1, 100, { tmsCreated: 4, tmsPeak: 3, coreSeconds: 400, gibSeconds: 1600, peakDiskBytes: 5, restarts: 0 }),
      run(2, 130, { tmsCreated: 6, tmsPeak: 5, coreSeconds: 520, gibSeconds: 2080, peakDiskBytes: 9, restarts: 2 }),
      run(3, 110, { tmsCreated: 5, tmsPeak: 4, coreSeconds: 440, gibSeconds: 1760, peakDiskBytes: 7, restarts: 1 }),
      run(4, 400, { status: 'FAILED', failureCause: 'No space left on device', tmsCreated: 9, tmsPeak: 2, coreSeconds: 1600, gibSeconds: 6400, peakDiskBytes: 20, restarts: 50 }),
    ];
    expect(choiceStats(runs)).toEqual({
      runs: 4,
      failed: 1,
      makespanMedian: 120, // (110 + 130) / 2
      makespanP95: 400, // rank ceil(3.8) = 4
      tmsCreatedMedian: 5.5, // (5 + 6) / 2
      tmsPeakMax: 5,
      coreSecondsMedian: 480, // (440 + 520) / 2
      gibSecondsMedian: 1920,
      peakDiskBytesMax: 20,
      restartsTotal: 53,
    });
  });

  it('marks the fastest and the cheapest among choices with no failed run, ties to the first', () => {
    const marked = markChoices([
      stats({ makespanMedian: 90, coreSecondsMedian: 100, failed: 1 }), // best numbers, but a run failed
      stats({ makespanMedian: 120, coreSecondsMedian: 300 }),
      stats({ makespanMedian: 100, coreSecondsMedian: 450 }),
      stats({ makespanMedian: 100, coreSecondsMedian: 300 }), // ties: fastest with 2, cheapest with 1
    ]);
    expect(marked.map((m) => [m.fastest, m.cheapest])).toEqual([
      [false, false],
      [false, true],
      [true, false],
      [false, false],
    ]);
  });

  it('marks nothing when every choice had a failure', () => {
    expect(bestIndex([stats({ failed: 1 }), stats({ failed: 3 })], (s) => s.makespanMedian)).toBe(-1);
    expect(markChoices([stats({ failed: 1 })])).toEqual([{ ...stats({ failed: 1 }), fastest: false, cheapest: false }]);
  });
});

describe('a comparison and its renderings', () => {
  const choices = buildGrid(base, { slots: [1, 2] });
  const seeds = [7, 8, 9];
  const summaries = [
    run(7, 300, { tmsCreated: 7 }),
    run(8, 320, { tmsCreated: 7 }),
    run(9, 310, { tmsCreated: 8 }),
    run(7, 200, { tmsCreated: 2, peakDiskBytes: 3 * GIB }),
    run(8, 220, { tmsCreated: 2 }),
    run(9, 210, { tmsCreated: 2 }),
  ];
  const c = buildComparison({ scenario: 'demo', file: 'demo.yaml', seeds, swept: ['slots'], base, choices, summaries });

  it('groups runs by choice in run order and marks the winner', () => {
    expect(c.choices[0].runs.map((r) => r.makespan)).toEqual([300, 320, 310]);
    expect(c.choices[1].stats).toMatchObject({ makespanMedian: 210, makespanP95: 220, tmsCreatedMedian: 2, fastest: true, cheapest: true });
    expect(c.choices[0].stats).toMatchObject({ makespanMedian: 310, tmsCreatedMedian: 7, fastest: false, cheapest: false });
    expect(() => buildComparison({ scenario: 'x', file: 'x', seeds, swept: [], base, choices, summaries: summaries.slice(1) })).toThrow(RangeError);
  });

  it('prints a table with a column per statistic, a row per choice and the marks as words', () => {
    const text = formatCompareTable(c);
    const lines = text.split('\n');
    expect(lines[0]).toBe('demo: 2 choices x 3 seeds (7..9)');
    expect(lines[1]).toBe('as in the scenario: 1 core per slot, 4.00 GiB per slot, disk unlimited, network unlimited, max slots unlimited, local shuffle, 16.0 MiB per task, batch');
    const header = lines[3];
    for (const h of ['slots', 'makespan p50', 'p95', 'TMs created', 'peak TMs', 'core-s', 'GiB-s', 'disk peak/TM', 'restarts', 'failed']) {
      expect(header).toContain(h);
    }
    expect(lines[4]).toMatch(/^\s*1\s+310\.0 s\s+320\.0 s\s+7\s/);
    expect(lines[4]).not.toMatch(/fastest|cheapest/);
    expect(lines[5]).toMatch(/^\s*2\s+210\.0 s\s+220\.0 s\s+2\s.*3\.00 GiB.*0\/3\s+fastest, cheapest$/);
    expect(text).toContain('nearest rank');
    expect(text).not.toContain('\x1b');
    expect(formatCompareTable(c, { color: true })).toContain('\x1b[1;32mfastest\x1b[0m');
  });

  it('writes CSV with a fixed header and one row per choice', () => {
    const rows = compareCsv(c).trimEnd().split('\n');
    expect(rows[0]).toBe(COMPARE_CSV_HEADER.join(','));
    expect(rows).toHaveLength(3);
    const cells = rows[2].split(',');
    const col = (name: (typeof COMPARE_CSV_HEADER)[number]) => cells[COMPARE_CSV_HEADER.indexOf(name)];
    expect(col('slots')).toBe('2');
    expect(col('max_slots')).toBe('inf');
    expect(col('makespan_median_s')).toBe('210');
    expect(col('fastest')).toBe('true');
  });

  it('gives JSON without Infinity and with every run', () => {
    const doc = JSON.parse(JSON.stringify(compareJson(c)));
    expect(doc.choices[0].settings.maxSlots).toBe('unlimited');
    expect(doc.choices[1].runs).toHaveLength(3);
    expect(doc.choices[1].fastest).toBe(true);
  });

  it('names in the JSON the quantities as `run --json` does, the statistic as the last step', () => {
    const doc = JSON.parse(JSON.stringify(compareJson(c)));
    const two = doc.choices[1];
    expect(two.runs[0]).toEqual({
      seed: 7,
      status: 'FINISHED',
      failureCause: null,
      makespan: 200,
      taskManagers: { created: 2, peak: 1 },
      cost: { coreSeconds: 400, gibSeconds: 1600 },
      disk: { peakBytesOneTaskManager: 3 * GIB },
      restarts: 0,
    });
    expect(two.makespan).toEqual({ median: 210, p95: 220 });
    expect(two.taskManagers).toEqual({ created: { median: 2 }, peak: { max: 1 } });
    expect(two.cost).toEqual({ coreSeconds: { median: 420 }, gibSeconds: { median: 1680 } });
    expect(two.disk).toEqual({ peakBytesOneTaskManager: { max: 3 * GIB } });
    expect(two.restarts).toEqual({ total: 0 });
    expect(two.failed).toBe(0);
    for (const old of ['tmsCreated', 'tmsPeak', 'peakDiskBytes', 'makespanMedian', 'tmsCreatedMedian', 'peakDiskBytesMax']) {
      expect(JSON.stringify(doc)).not.toContain(`"${old}"`);
    }
  });
});

describe('option parsers', () => {
  it('reads lists', () => {
    expect(parseSlotsList('1,2, 4')).toEqual([1, 2, 4]);
    expect(parseMaxSlotsList('8,unlimited')).toEqual([8, Infinity]);
    expect(parseShuffleList('local,remote')).toEqual(['local', 'remote']);
    expect(parseAvgVolumeList('8MiB,16m,1gb')).toEqual([8 * MIB, 16 * MIB, GIB]);
    expect(parseMemoryPerSlotList('2GiB,4g, 8 gb')).toEqual([2 * GIB, 4 * GIB, 8 * GIB]);
    expect(parseModeList('batch,STREAMING')).toEqual(['BATCH', 'STREAMING']);
    expect(parseSeedCount('20')).toBe(20);
    expect(parseSeedCount('100000')).toBe(100_000);
    expect(parseSlotsList('1024')).toEqual([1024]);
    expect(parseWorkers('256')).toBe(256);
  });

  it.each([
    ['--slots', '0', parseSlotsList],
    ['--slots', '1,,2', parseSlotsList],
    ['--slots', '1.5', parseSlotsList],
    ['--slots', '2,2', parseSlotsList],
    ['--max-slots', 'lots', parseMaxSlotsList],
    ['--shuffle', 'hybrid', parseShuffleList],
    ['--mode', 'automatic', parseModeList],
    ['--avg-volume', '0', parseAvgVolumeList],
    ['--memory-per-slot', '0', parseMemoryPerSlotList],
    ['--memory-per-slot', '4GiB,4g', parseMemoryPerSlotList],
    ['--memory-per-slot', 'lots', parseMemoryPerSlotList],
    ['--avg-volume', '16 parsecs', parseAvgVolumeList],
    ['--seeds', '0', parseSeedCount],
    ['--seeds', 'x', parseSeedCount],
    ['--seeds', '100001', parseSeedCount],
    ['--slots', '1025', parseSlotsList],
    ['--workers', '257', parseWorkers],
  ] as [string, string, (v: string) => unknown][])('rejects %s %s', (_option, value, parse) => {
    expect(() => parse(value)).toThrow(InvalidArgumentError);
  });
});

describe('comparing batch with streaming', () => {
  const text = `
cluster: { taskmanager: { slots: 1, startup: 10s } }
job:
  vertices:
    - { id: A, parallelism: 4, source: { bytes: 0 }, fixed: 10s }
    - { id: B, parallelism: 2, inputs: [{ from: A }], fixed: 5s }
`;

  it('sets execution.runtime-mode per choice', () => {
    expect(scenarioForChoice(text, 'm.yaml', { mode: 'STREAMING' }).spec.mode).toBe('STREAMING');
    expect(scenarioForChoice(text, 'm.yaml', { mode: 'BATCH' }).spec.mode).toBe('BATCH');
  });

  it('sweeps the mode as one more dimension, labelled in lower case', () => {
    const grid = buildGrid(base, { slots: [1, 2], mode: ['BATCH', 'STREAMING'] });
    expect(grid.map((c) => c.label)).toEqual(['1 slot, batch', '1 slot, streaming', '2 slots, batch', '2 slots, streaming']);
  });
});
