//! Parallelism decider: conformance with Flink's own unit-test cases, and hand-computed checks.

import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { InvariantError } from '../../src/engine/simulation.js';
import {
  CAP_RATIO_OF_BROADCAST_1_15,
  MAX_NUM_SUBPARTITIONS_PER_TASK_CONSUME,
  decideParallelism,
  decideParallelismAndInputs,
  powerOfTwoBounds,
  rangeBytes,
  subpartitionCount,
  subpartitionWeights,
  type BlockingInput,
  type DeciderConfig,
  type DeciderResult,
  type SubtaskInputRange,
} from '../../src/scheduler/parallelism-decider.js';

const KiB = 2 ** 10;
const MiB = 2 ** 20;
const GiB = 2 ** 30;

// ---------------------------------------------------------------------------
// Flink's cases (../shared/flink/parallelism_cases.json), read as data.

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const CASES_PATH = path.resolve(repoRoot, '../shared/flink/parallelism_cases.json');
const casesExist = existsSync(CASES_PATH);
if (!casesExist) console.warn(`parallelism-decider conformance suite skipped: ${CASES_PATH} not found`);

/** One consumed result as the case file writes it. */
interface CaseInput {
  broadcast: boolean;
  allToAll: boolean;
  pointwise?: boolean;
  numBytes?: number;
  numPartitions: number;
  numSubpartitionsPerPartition?: number;
  subpartitionBytes?: number[];
  subpartitionBytesByPartition?: number[][];
  bytesPerSubpartitionPerPartition?: number;
}

interface Case {
  id: string;
  testMethod: string;
  algorithm: string;
  api: string;
  config: Record<string, number | null | undefined>;
  inputs?: CaseInput[];
  vertexInitialParallelism?: number;
  vertexMinParallelism?: number;
  vertexMaxParallelism?: number;
  expected: Record<string, unknown>;
}

interface CaseFile {
  constants: Record<string, number>;
  cases: Case[];
}

const caseFile: CaseFile = casesExist
  ? (JSON.parse(readFileSync(CASES_PATH, 'utf8')) as CaseFile)
  : { constants: {}, cases: [] };

/** Which of our deciders models a case's algorithm, if any. */
function versionOf(c: Case): '1.17' | '1.15' | undefined {
  if (c.algorithm.startsWith('flink_1.17-1.19_')) return '1.17';
  if (c.algorithm.startsWith('flink_1.15-1.16_')) return '1.15';
  return undefined;
}

/** Why a case of an unmodelled Flink version is skipped, derived from what the case exercises. */
function skipReason(c: Case): string {
  const flink = c.algorithm.startsWith('flink_2.0') ? 'Flink 2.0' : c.algorithm;
  if (c.api === 'computeSourceParallelismUpperBound') {
    return `${flink} source parallelism upper bound (unset default falls back to the global max): not modelled; 1.17 uses min(default-source-parallelism, vertex max)`;
  }
  if (c.vertexMinParallelism !== undefined) return `${flink} per-vertex minimum parallelism: not modelled`;
  if (c.vertexInitialParallelism !== undefined) {
    return `${flink} balances all-to-all inputs by data even at a fixed parallelism: not modelled; 1.17 splits by count`;
  }
  if (c.inputs?.some((i) => i.pointwise === true || !i.allToAll)) {
    return `${flink} balances pointwise inputs by data: not modelled; 1.17 splits by count`;
  }
  return `${flink}: not modelled`;
}

/** Builds our input from the case's description of a result. */
function toBlockingInput(ci: CaseInput): BlockingInput {
  const pointwise = ci.pointwise === true || !ci.allToAll;
  const base = { broadcast: ci.broadcast, pointwise, numPartitions: ci.numPartitions };
  const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
  if (ci.subpartitionBytesByPartition !== undefined) {
    const rows = ci.subpartitionBytesByPartition;
    expect(rows.length).toBe(ci.numPartitions);
    const numSubpartitions = rows[0].length;
    const columns = Array.from({ length: numSubpartitions }, (_, s) => sum(rows.map((r) => r[s])));
    return {
      ...base,
      numSubpartitions,
      totalBytes: sum(columns),
      partitionBytes: rows.map(sum),
      ...(pointwise ? {} : { subpartitionBytes: columns }),
    };
  }
  if (ci.subpartitionBytes !== undefined) {
    // Bytes of each subpartition index summed over the partitions, as Flink aggregates them.
    return { ...base, numSubpartitions: ci.subpartitionBytes.length, totalBytes: sum(ci.subpartitionBytes), subpartitionBytes: ci.subpartitionBytes };
  }
  const numSubpartitions = ci.numSubpartitionsPerPartition;
  if (numSubpartitions === undefined) throw new Error('case input has neither subpartition bytes nor a subpartition count');
  if (ci.bytesPerSubpartitionPerPartition !== undefined) {
    return { ...base, numSubpartitions, totalBytes: ci.bytesPerSubpartitionPerPartition * ci.numPartitions * numSubpartitions };
  }
  if (ci.numBytes === undefined) throw new Error('case input has no size');
  return { ...base, numSubpartitions, totalBytes: ci.numBytes };
}

function toConfig(c: Case, version: '1.17' | '1.15'): DeciderConfig {
  const k = c.config;
  const num = (key: string): number => {
    const v = k[key];
    if (typeof v !== 'number') throw new Error(`case config lacks ${key}`);
    return v;
  };
  const defaultSource = k.defaultSourceParallelism;
  return {
    version,
    minParallelism: num(version === '1.15' ? 'minParallelismConfigured' : 'minParallelism'),
    maxParallelism: num(version === '1.15' ? 'maxParallelismConfigured' : 'maxParallelism'),
    avgDataVolumePerTask: num('avgDataVolumePerTaskBytes'),
    ...(typeof defaultSource === 'number' ? { defaultSourceParallelism: defaultSource } : {}),
    ...(c.vertexMaxParallelism !== undefined ? { vertexMaxParallelism: c.vertexMaxParallelism } : {}),
  };
}

type Pair = [number, number];

/** Expands the case file's shorthand `N ranges [Ai, Ai+B] for i=0..M` into explicit ranges. */
function toPairs(value: unknown): Pair[] {
  if (Array.isArray(value)) return value as Pair[];
  const m = /^(\d+) ranges \[(\d+)i, (\d+)i\+(\d+)\] for i=0\.\.(\d+)$/.exec(String(value));
  if (m === null) throw new Error(`unrecognised range shorthand: ${String(value)}`);
  const [n, a, a2, b, last] = m.slice(1).map(Number);
  expect(a2).toBe(a);
  expect(last).toBe(n - 1);
  return Array.from({ length: n }, (_, i) => [a * i, a * i + b] as Pair);
}

const subpartitionPairs = (ranges: SubtaskInputRange[]): Pair[] => ranges.map((r) => [r.subpartitionStart, r.subpartitionEnd]);
const partitionPairs = (ranges: SubtaskInputRange[]): Pair[] => ranges.map((r) => [r.partitionStart, r.partitionEnd]);

/** Checks one expected field of a case against our result; an unknown field fails the test. */
function checkExpected(key: string, value: unknown, inputs: BlockingInput[], result: DeciderResult): void {
  const indices = (keep: (i: BlockingInput) => boolean): number[] =>
    inputs.flatMap((input, index) => (keep(input) ? [index] : []));
  const nonBroadcast = indices((i) => !i.broadcast);
  // "subpartitionRanges" names the non-broadcast inputs, or all inputs when every one is broadcast.
  const primary = nonBroadcast.length > 0 ? nonBroadcast : indices(() => true);
  const expectOn = (which: number[], pairs: (r: SubtaskInputRange[]) => Pair[], want: Pair[]): void => {
    expect(which.length).toBeGreaterThan(0);
    for (const index of which) expect(pairs(result.inputRanges[index]), `input ${index}`).toEqual(want);
  };
  switch (key) {
    case 'parallelism':
      expect(result.parallelism).toBe(value);
      for (const ranges of result.inputRanges) expect(ranges).toHaveLength(result.parallelism);
      return;
    case 'subpartitionRanges':
      return expectOn(primary, subpartitionPairs, toPairs(value));
    case 'partitionRange':
      return expectOn(primary, partitionPairs, Array.from({ length: result.parallelism }, () => value as Pair));
    case 'sameRangesForAllInputs':
      expect(value).toBe(true);
      for (const index of nonBroadcast) expect(result.inputRanges[index]).toEqual(result.inputRanges[nonBroadcast[0]]);
      return;
    case 'broadcastInputSubpartitionRanges':
      return expectOn(indices((i) => i.broadcast), subpartitionPairs, toPairs(value));
    case 'allToAllSubpartitionRanges':
      return expectOn(indices((i) => !i.broadcast && !i.pointwise), subpartitionPairs, toPairs(value));
    case 'pointwisePartitionRanges':
      return expectOn(indices((i) => i.pointwise), partitionPairs, toPairs(value));
    case 'pointwiseSubpartitionRanges':
      return expectOn(indices((i) => i.pointwise), subpartitionPairs, toPairs(value));
    default:
      throw new Error(`expected field \`${key}\` is not checked by this test`);
  }
}

function runCase(c: Case, version: '1.17' | '1.15'): void {
  const config = toConfig(c, version);
  const inputs = (c.inputs ?? []).map(toBlockingInput);
  const expectedKeys = Object.keys(c.expected);

  if (version === '1.15') {
    // The 1.15 decider's own normalized bounds are part of the case's facts.
    const bounds = powerOfTwoBounds(config.minParallelism, config.maxParallelism);
    expect(bounds).toEqual({ min: c.config.normalizedMin, max: c.config.normalizedMax });
    expect(c.config.broadcastCapRatio).toBe(CAP_RATIO_OF_BROADCAST_1_15);
  }

  switch (c.api) {
    case 'decideParallelism':
    case 'decideParallelismForVertex': {
      expect(expectedKeys).toEqual(['parallelism']);
      const parallelism =
        inputs.length === 0
          ? decideParallelismAndInputs([], undefined, config).parallelism
          : decideParallelism(inputs, config).parallelism;
      expect(parallelism).toBe(c.expected.parallelism);
      return;
    }
    case 'decideParallelismAndInputInfosForVertex': {
      const result = decideParallelismAndInputs(inputs, c.vertexInitialParallelism, config);
      expect(result.inputRanges).toHaveLength(inputs.length);
      for (const key of expectedKeys) checkExpected(key, c.expected[key], inputs, result);
      return;
    }
    default:
      throw new Error(`case api \`${c.api}\` is not modelled for Flink ${version}`);
  }
}

describe.skipIf(!casesExist)('Flink conformance (../shared/flink/parallelism_cases.json)', () => {
  it('case file constants match the model', () => {
    expect(caseFile.constants.MAX_NUM_SUBPARTITIONS_PER_TASK_CONSUME).toBe(MAX_NUM_SUBPARTITIONS_PER_TASK_CONSUME);
    expect(caseFile.constants.CAP_RATIO_OF_BROADCAST_1_15).toBe(CAP_RATIO_OF_BROADCAST_1_15);
  });

  for (const c of caseFile.cases) {
    const version = versionOf(c);
    if (version === undefined) {
      it.skip(`${c.id} (${c.testMethod}) ${skipReason(c)}`, () => {});
    } else {
      it(`${c.id} ${c.testMethod} [Flink ${version === '1.17' ? '1.17-1.19' : '1.15-1.16'}]`, () => runCase(c, version));
    }
  }
});

// ---------------------------------------------------------------------------
// Hand-computed checks, independent of ../shared.

/** An all-to-all result of `bytes` spread evenly over `numSubpartitions`. */
const allToAll = (bytes: number, numSubpartitions = 128, numPartitions = 10): BlockingInput => ({
  broadcast: false,
  pointwise: false,
  numPartitions,
  numSubpartitions,
  totalBytes: bytes,
});

const broadcastInput = (bytes: number, numPartitions = 4): BlockingInput => ({
  broadcast: true,
  pointwise: false,
  numPartitions,
  numSubpartitions: 1,
  totalBytes: bytes,
});

const cfg = (over: Partial<DeciderConfig> = {}): DeciderConfig => ({
  minParallelism: 1,
  maxParallelism: 128,
  avgDataVolumePerTask: 16 * MiB,
  ...over,
});

describe('decideParallelismAndInputs (Flink 1.17)', () => {
  it('gives 64 subtasks for 1 GiB at 16 MiB per task, two 8 MiB subpartitions each', () => {
    const r = decideParallelismAndInputs([allToAll(GiB)], undefined, cfg());
    expect(r).toMatchObject({ parallelism: 64, rule: 'balanced', boundBy: 'balanced', bytesConsumed: GiB });
    expect(r.inputRanges[0][5]).toEqual({ partitionStart: 0, partitionEnd: 9, subpartitionStart: 10, subpartitionEnd: 11 });
    expect(decideParallelism([allToAll(GiB)], cfg())).toEqual({ parallelism: 64, boundBy: 'data' });
  });

  it('caps 1 GiB at 4 MiB per task at the max of 128', () => {
    expect(decideParallelism([allToAll(GiB)], cfg({ avgDataVolumePerTask: 4 * MiB }))).toEqual({ parallelism: 128, boundBy: 'max' });
    // Balanced: each 8 MiB subpartition already exceeds 4 MiB, so one subpartition per subtask.
    const r = decideParallelismAndInputs([allToAll(GiB)], undefined, cfg({ avgDataVolumePerTask: 4 * MiB }));
    expect(r.parallelism).toBe(128);
  });

  it('searches the byte limit down to max 32 when 16 MiB per task would give 64', () => {
    const r = decideParallelismAndInputs([allToAll(GiB)], undefined, cfg({ maxParallelism: 32 }));
    expect(r).toMatchObject({ parallelism: 32, rule: 'balanced', boundBy: 'max' });
    expect(subpartitionPairs(r.inputRanges[0])[31]).toEqual([124, 127]);
    expect(decideParallelism([allToAll(GiB)], cfg({ maxParallelism: 32 }))).toEqual({ parallelism: 32, boundBy: 'max' });
  });

  it('raises a tiny input to min 4 with the tightest even split of 32 subpartitions each', () => {
    const r = decideParallelismAndInputs([allToAll(KiB)], undefined, cfg({ minParallelism: 4 }));
    expect(r).toMatchObject({ parallelism: 4, rule: 'balanced', boundBy: 'min' });
    expect(subpartitionPairs(r.inputRanges[0])).toEqual([[0, 31], [32, 63], [64, 95], [96, 127]]);
    expect(decideParallelism([allToAll(KiB)], cfg({ minParallelism: 4 }))).toEqual({ parallelism: 4, boundBy: 'min' });
  });

  it('gives the minimum when every input is broadcast, each subtask reading subpartition 0 of all partitions', () => {
    const r = decideParallelismAndInputs([broadcastInput(GiB), broadcastInput(MiB)], undefined, cfg({ minParallelism: 3 }));
    expect(r).toMatchObject({ parallelism: 3, rule: 'count', boundBy: 'all-broadcast', bytesConsumed: 0 });
    for (const ranges of r.inputRanges) {
      expect(ranges).toEqual(Array(3).fill({ partitionStart: 0, partitionEnd: 3, subpartitionStart: 0, subpartitionEnd: 0 }));
    }
  });

  it('ignores broadcast bytes when sizing', () => {
    const r = decideParallelismAndInputs([allToAll(GiB), broadcastInput(100 * GiB)], undefined, cfg());
    expect(r.parallelism).toBe(64);
    expect(r.inputRanges[1][0]).toEqual({ partitionStart: 0, partitionEnd: 3, subpartitionStart: 0, subpartitionEnd: 0 });
  });

  it('raises the count-based parallelism so no task reads more than 32768 subpartitions of one input', () => {
    const wide = allToAll(1, 1000, 1000); // 1e6 subpartitions in all
    expect(decideParallelism([wide], cfg())).toEqual({ parallelism: 31, boundBy: 'subpartition-limit' });
  });

  it('uses the count-based rule with an even split when an input is pointwise', () => {
    const pointwise: BlockingInput = { broadcast: false, pointwise: true, numPartitions: 2, numSubpartitions: 64, totalBytes: 40 * MiB };
    const r = decideParallelismAndInputs([allToAll(GiB), pointwise], undefined, cfg());
    expect(r).toMatchObject({ parallelism: 67, rule: 'count', boundBy: 'data' }); // ceil(1064 MiB / 16 MiB)
    expect(partitionPairs(r.inputRanges[1]).slice(32, 35)).toEqual([[0, 0], [0, 0], [1, 1]]);
  });

  it("reproduces Flink's rotated pointwise shares when a partition's consumer block starts off its size", () => {
    // 2 producers, 5 consumers: partition 1 goes to subtasks 3 and 4, and Flink
    // indexes their shares by subtask modulo 2, so subtask 3 reads the second half.
    const pointwise: BlockingInput = {
      broadcast: false, pointwise: true, numPartitions: 2, numSubpartitions: subpartitionCount('pointwise', 5, 128, 2), totalBytes: 600,
    };
    const r = decideParallelismAndInputs([pointwise], 5, cfg());
    expect(r.inputRanges[0]).toEqual([
      { partitionStart: 0, partitionEnd: 0, subpartitionStart: 0, subpartitionEnd: 0 },
      { partitionStart: 0, partitionEnd: 0, subpartitionStart: 1, subpartitionEnd: 1 },
      { partitionStart: 0, partitionEnd: 0, subpartitionStart: 2, subpartitionEnd: 2 },
      { partitionStart: 1, partitionEnd: 1, subpartitionStart: 1, subpartitionEnd: 2 },
      { partitionStart: 1, partitionEnd: 1, subpartitionStart: 0, subpartitionEnd: 0 },
    ]);
  });

  it('gives pointwise subtasks whole partitions when producers outnumber them', () => {
    const pointwise: BlockingInput = { broadcast: false, pointwise: true, numPartitions: 5, numSubpartitions: 1, totalBytes: 5 };
    const r = decideParallelismAndInputs([pointwise], 2, cfg());
    expect(partitionPairs(r.inputRanges[0])).toEqual([[0, 1], [2, 4]]);
    expect(subpartitionPairs(r.inputRanges[0])).toEqual([[0, 0], [0, 0]]);
  });

  it('splits subpartitions evenly by count for a fixed parallelism, whatever the bytes', () => {
    const skewed: BlockingInput = { ...allToAll(100, 10, 1), subpartitionBytes: [91, 1, 1, 1, 1, 1, 1, 1, 1, 1] };
    const r = decideParallelismAndInputs([skewed], 3, cfg());
    expect(r).toMatchObject({ parallelism: 3, rule: 'fixed', boundBy: 'fixed' });
    expect(subpartitionPairs(r.inputRanges[0])).toEqual([[0, 2], [3, 5], [6, 9]]);
  });

  it('lowers both bounds to a smaller vertex max parallelism', () => {
    const r = decideParallelismAndInputs([allToAll(GiB, 8)], undefined, cfg({ minParallelism: 10, vertexMaxParallelism: 8 }));
    expect(r.parallelism).toBe(8);
  });

  it('gives a source its default parallelism, capped at its max parallelism', () => {
    expect(decideParallelismAndInputs([], undefined, cfg())).toMatchObject({ parallelism: 1, rule: 'source' });
    expect(decideParallelismAndInputs([], undefined, cfg({ defaultSourceParallelism: 500 }))).toMatchObject({ parallelism: 128, boundBy: 'max' });
    expect(decideParallelismAndInputs([], 7, cfg())).toMatchObject({ parallelism: 7, rule: 'fixed', inputRanges: [] });
  });

  it('throws an InvariantError when subtasks outnumber subpartitions', () => {
    expect(() => decideParallelismAndInputs([allToAll(GiB, 4)], 8, cfg())).toThrow(InvariantError);
  });

  it('throws an InvariantError when subpartition bytes disagree with the total', () => {
    expect(() => decideParallelismAndInputs([{ ...allToAll(10, 2, 1), subpartitionBytes: [1, 2] }], undefined, cfg())).toThrow(
      InvariantError,
    );
  });
});

describe('decideParallelism (Flink 1.15-1.16 power of two)', () => {
  const v115 = (over: Partial<DeciderConfig> = {}): DeciderConfig => cfg({ version: '1.15', minParallelism: 3, maxParallelism: 100, avgDataVolumePerTask: GiB, ...over });

  it('rounds bounds inwards to powers of two', () => {
    expect(powerOfTwoBounds(3, 100)).toEqual({ min: 4, max: 64 });
    expect(() => powerOfTwoBounds(5, 7)).toThrow(InvariantError);
  });

  it('rounds to the nearer power of two, the midpoint going up', () => {
    expect(decideParallelism([allToAll(11 * GiB)], v115())).toEqual({ parallelism: 8, boundBy: 'data' }); // 11 < 12
    expect(decideParallelism([allToAll(12 * GiB)], v115())).toEqual({ parallelism: 16, boundBy: 'data' });
  });

  it('takes broadcast bytes, capped at half the volume per task, off what a task may read', () => {
    // 8 GiB over (1 GiB - min(2 GiB, 0.5 GiB)) = 16.
    expect(decideParallelism([allToAll(8 * GiB), broadcastInput(2 * GiB)], v115()).parallelism).toBe(16);
  });

  it('clamps to the normalized bounds', () => {
    expect(decideParallelism([allToAll(MiB)], v115())).toEqual({ parallelism: 4, boundBy: 'min' });
    expect(decideParallelism([allToAll(1000 * GiB)], v115())).toEqual({ parallelism: 64, boundBy: 'max' });
  });

  it('saturates like Java when the broadcast cap leaves no volume per task', () => {
    const tiny = v115({ avgDataVolumePerTask: 1 }); // cap = ceil(0.5) = 1 byte, all of the volume
    expect(decideParallelism([allToAll(10), broadcastInput(5)], tiny)).toEqual({ parallelism: 64, boundBy: 'max' });
    expect(decideParallelism([allToAll(0), broadcastInput(5)], tiny)).toEqual({ parallelism: 4, boundBy: 'min' });
  });

  it('splits ranges evenly by count', () => {
    const r = decideParallelismAndInputs([allToAll(12 * GiB, 64)], undefined, v115());
    expect(r).toMatchObject({ parallelism: 16, rule: 'count' });
    expect(subpartitionPairs(r.inputRanges[0])[1]).toEqual([4, 7]);
  });
});

describe('subpartitionCount', () => {
  it("writes the consumer's max parallelism over all-to-all edges while the consumer is undecided", () => {
    expect(subpartitionCount('all-to-all', undefined, 128, 10)).toBe(128);
  });
  it("writes the consumer's decided parallelism over all-to-all edges", () => {
    expect(subpartitionCount('all-to-all', 7, 128, 10)).toBe(7);
  });
  it('divides the consumers among producers over pointwise edges, rounding up', () => {
    expect(subpartitionCount('pointwise', undefined, 128, 10)).toBe(13);
    expect(subpartitionCount('pointwise', 4, 128, 3)).toBe(2);
    expect(subpartitionCount('pointwise', undefined, 4, 10)).toBe(1);
  });
  it('writes one subpartition for broadcast', () => {
    expect(subpartitionCount('broadcast', undefined, 128, 10)).toBe(1);
  });
});

describe('subpartitionWeights', () => {
  it('spreads evenly without skew', () => {
    expect(Array.from(subpartitionWeights(4, undefined))).toEqual([0.25, 0.25, 0.25, 0.25]);
  });

  it('makes earlier subpartitions heavier under Zipf, summing to 1', () => {
    const w = subpartitionWeights(4, { zipf: 1 });
    expect(w[0]).toBeGreaterThan(w[1]);
    expect(w[1]).toBeGreaterThan(w[2]);
    expect(w[2]).toBeGreaterThan(w[3]);
    expect(w.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
  });

  it('puts key 1 alone in subpartition 0 when there are as many subpartitions as keys', () => {
    const w = subpartitionWeights(3, { zipf: 2, keys: 3 });
    const h = 1 + 1 / 4 + 1 / 9;
    expect(w[0]).toBeCloseTo(1 / h, 12);
    expect(w[2]).toBeCloseTo(1 / 9 / h, 12);
  });

  it('is even under Zipf exponent 0 when keys divide evenly', () => {
    for (const x of subpartitionWeights(4, { zipf: 0, keys: 1000 })) expect(x).toBeCloseTo(0.25, 12);
  });

  it('maps explicit key weights round-robin onto subpartitions', () => {
    expect(Array.from(subpartitionWeights(4, { weights: [3, 1] }))).toEqual([0.75, 0.25, 0, 0]);
    expect(Array.from(subpartitionWeights(4, { weights: [1, 1, 1, 1, 1, 1] }))).toEqual([2 / 6, 2 / 6, 1 / 6, 1 / 6]);
  });

  it('rejects weights that sum to zero', () => {
    expect(() => subpartitionWeights(2, { weights: [0, 0] })).toThrow(InvariantError);
  });
});

describe('rangeBytes', () => {
  const range = (ps: number, pe: number, ss: number, se: number): SubtaskInputRange => ({
    partitionStart: ps, partitionEnd: pe, subpartitionStart: ss, subpartitionEnd: se,
  });

  it('sums the subpartitions in range of an all-to-all input', () => {
    const input: BlockingInput = { ...allToAll(100, 4, 2), subpartitionBytes: [10, 20, 30, 40] };
    expect(rangeBytes(input, range(0, 1, 1, 2))).toBe(50);
    expect(rangeBytes(input, range(0, 0, 1, 2))).toBe(25); // half the partitions
    expect(rangeBytes(allToAll(128, 128), range(0, 9, 0, 31))).toBe(32);
  });

  it('takes the share of subpartitions in range of the partitions of a pointwise input', () => {
    const input: BlockingInput = { broadcast: false, pointwise: true, numPartitions: 2, numSubpartitions: 4, totalBytes: 100, partitionBytes: [80, 20] };
    expect(rangeBytes(input, range(0, 0, 0, 1))).toBe(40);
    expect(rangeBytes(input, range(0, 1, 0, 3))).toBe(100);
  });

  it('gives every subtask the whole broadcast data', () => {
    expect(rangeBytes(broadcastInput(400), range(0, 3, 0, 0))).toBe(400);
  });
});
