//! Properties of the parallelism decider over random vertices and inputs.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decideParallelism,
  decideParallelismAndInputs,
  powerOfTwoBounds,
  rangeBytes,
  subpartitionCount,
  type BlockingInput,
  type DeciderConfig,
  type DeciderResult,
} from '../../src/scheduler/parallelism-decider.js';

type Kind = 'all-to-all' | 'pointwise' | 'broadcast';

interface InputSpec {
  kind: Kind;
  numPartitions: number;
  /** Explicit bytes per subpartition (all-to-all) or per partition (pointwise), else even. */
  explicit: boolean;
  seeds: number[];
  totalBytes: number;
}

interface Vertex {
  config: DeciderConfig;
  inputs: BlockingInput[];
}

const inputSpec: fc.Arbitrary<InputSpec> = fc.record({
  kind: fc.constantFrom<Kind>('all-to-all', 'all-to-all', 'pointwise', 'broadcast'),
  numPartitions: fc.integer({ min: 1, max: 40 }),
  explicit: fc.boolean(),
  seeds: fc.array(fc.integer({ min: 0, max: 2 ** 30 }), { minLength: 1, maxLength: 8 }),
  totalBytes: fc.oneof(fc.integer({ min: 0, max: 2 ** 20 }), fc.integer({ min: 0, max: 2 ** 40 })),
});

/** Builds inputs as a producer would write them for a consumer whose parallelism is still undecided. */
function buildInput(spec: InputSpec, consumerMax: number): BlockingInput {
  const pattern = spec.kind;
  const numSubpartitions = subpartitionCount(pattern, undefined, consumerMax, spec.numPartitions);
  const base = { broadcast: pattern === 'broadcast', pointwise: pattern === 'pointwise', numPartitions: spec.numPartitions, numSubpartitions };
  if (!spec.explicit || pattern === 'broadcast') return { ...base, totalBytes: spec.totalBytes };
  // Cycle the seeds to fill the array: skewed, with zeros possible, in whole bytes.
  const length = pattern === 'all-to-all' ? numSubpartitions : spec.numPartitions;
  const bytes = Array.from({ length }, (_, i) => spec.seeds[i % spec.seeds.length] % (i % 3 === 0 ? 2 ** 30 : 2 ** 12));
  const totalBytes = bytes.reduce((a, b) => a + b, 0);
  return pattern === 'all-to-all' ? { ...base, totalBytes, subpartitionBytes: bytes } : { ...base, totalBytes, partitionBytes: bytes };
}

const vertex = (version: '1.17' | '1.15'): fc.Arbitrary<Vertex> =>
  fc
    .record({
      min: fc.integer({ min: 1, max: 8 }),
      span: fc.integer({ min: 0, max: 60 }),
      extraSubpartitions: fc.integer({ min: 0, max: 20 }),
      avg: fc.oneof(fc.integer({ min: 1, max: 2 ** 16 }), fc.integer({ min: 1, max: 2 ** 32 })),
      specs: fc.array(inputSpec, { minLength: 1, maxLength: 4 }),
    })
    .filter(({ min, span }) => version === '1.17' || isPowerOfTwoRange(min, min + span))
    .map(({ min, span, extraSubpartitions, avg, specs }) => {
      const config: DeciderConfig = { version, minParallelism: min, maxParallelism: min + span, avgDataVolumePerTask: avg };
      // The consumer's max parallelism (the subpartition count) is at least the upper bound.
      const consumerMax = min + span + extraSubpartitions;
      return { config, inputs: specs.map((s) => buildInput(s, consumerMax)) };
    });

function isPowerOfTwoRange(min: number, max: number): boolean {
  try {
    powerOfTwoBounds(min, max);
    return true;
  } catch {
    return false;
  }
}

/** Every input is read exactly once: each (partition, subpartition) pair by one subtask, broadcast by all. */
function expectFullCoverage(inputs: BlockingInput[], result: DeciderResult): void {
  expect(result.inputRanges).toHaveLength(inputs.length);
  inputs.forEach((input, index) => {
    const ranges = result.inputRanges[index];
    expect(ranges).toHaveLength(result.parallelism);
    if (input.broadcast) {
      for (const r of ranges) expect(r).toEqual({ partitionStart: 0, partitionEnd: input.numPartitions - 1, subpartitionStart: 0, subpartitionEnd: 0 });
      return;
    }
    if (!input.pointwise) {
      // All-to-all: all partitions each, and consecutive subpartition ranges from 0 to the last without gaps.
      let next = 0;
      for (const r of ranges) {
        expect([r.partitionStart, r.partitionEnd]).toEqual([0, input.numPartitions - 1]);
        expect(r.subpartitionStart).toBe(next);
        expect(r.subpartitionEnd).toBeGreaterThanOrEqual(r.subpartitionStart);
        next = r.subpartitionEnd + 1;
      }
      expect(next).toBe(input.numSubpartitions);
      return;
    }
    const reads = new Uint8Array(input.numPartitions * input.numSubpartitions);
    for (const r of ranges) {
      expect(r.partitionEnd).toBeGreaterThanOrEqual(r.partitionStart);
      expect(r.subpartitionEnd).toBeGreaterThanOrEqual(r.subpartitionStart);
      for (let p = r.partitionStart; p <= r.partitionEnd; p++) {
        for (let s = r.subpartitionStart; s <= r.subpartitionEnd; s++) reads[p * input.numSubpartitions + s]++;
      }
    }
    expect(reads.every((n) => n === 1)).toBe(true);
  });
}

describe('parallelism decider properties', () => {
  it('decides a parallelism within [min, max] (1.17)', () => {
    fc.assert(
      fc.property(vertex('1.17'), ({ config, inputs }) => {
        const { parallelism } = decideParallelismAndInputs(inputs, undefined, config);
        expect(parallelism).toBeGreaterThanOrEqual(config.minParallelism);
        expect(parallelism).toBeLessThanOrEqual(config.maxParallelism);
      }),
    );
  });

  it('decides a power of two within the normalized bounds (1.15)', () => {
    fc.assert(
      fc.property(vertex('1.15'), ({ config, inputs }) => {
        const { min, max } = powerOfTwoBounds(config.minParallelism, config.maxParallelism);
        const { parallelism } = decideParallelismAndInputs(inputs, undefined, config);
        expect(parallelism).toBeGreaterThanOrEqual(min);
        expect(parallelism).toBeLessThanOrEqual(max);
        expect(Number.isInteger(Math.log2(parallelism))).toBe(true);
      }),
    );
  });

  it('covers every partition and subpartition of every input exactly once, in order for all-to-all', () => {
    fc.assert(
      fc.property(vertex('1.17'), fc.option(fc.integer({ min: 1, max: 64 }), { nil: undefined }), ({ config, inputs }, fixedSeed) => {
        // A fixed parallelism may not exceed what producers wrote subpartitions for.
        const fixed = fixedSeed === undefined ? undefined : 1 + (fixedSeed % config.maxParallelism);
        expectFullCoverage(inputs, decideParallelismAndInputs(inputs, fixed, config));
      }),
    );
  });

  it('hands out all non-broadcast bytes across the subtasks', () => {
    fc.assert(
      fc.property(vertex('1.17'), ({ config, inputs }) => {
        const result = decideParallelismAndInputs(inputs, undefined, config);
        inputs.forEach((input, index) => {
          if (input.broadcast) return;
          const read = result.inputRanges[index].reduce((sum, r) => sum + rangeBytes(input, r), 0);
          expect(Math.abs(read - input.totalBytes)).toBeLessThanOrEqual(Math.max(1e-6, input.totalBytes * 1e-9));
        });
      }),
    );
  });

  it('keeps each data-balanced range of several subpartitions within the volume per task', () => {
    fc.assert(
      fc.property(vertex('1.17'), ({ config, inputs }) => {
        const result = decideParallelismAndInputs(inputs, undefined, config);
        if (result.rule !== 'balanced' || result.boundBy !== 'balanced') return;
        const nonBroadcast = inputs.flatMap((input, index) => (input.broadcast ? [] : [index]));
        for (let t = 0; t < result.parallelism; t++) {
          const r = result.inputRanges[nonBroadcast[0]][t];
          const width = r.subpartitionEnd - r.subpartitionStart + 1;
          if (width === 1) continue;
          const bytes = nonBroadcast.reduce((sum, i) => sum + rangeBytes(inputs[i], result.inputRanges[i][t]), 0);
          // Flink packs whole bytes; each subpartition may be off by half a byte from rounding.
          expect(bytes).toBeLessThanOrEqual(config.avgDataVolumePerTask + width / 2);
        }
      }),
    );
  });

  it('never gives a smaller count-based parallelism for more bytes', () => {
    fc.assert(
      fc.property(
        fc.oneof(vertex('1.17'), vertex('1.15')),
        fc.nat(),
        fc.integer({ min: 0, max: 2 ** 40 }),
        ({ config, inputs }, pick, extra) => {
          const before = decideParallelism(inputs, config).parallelism;
          const grown = inputs.map((input, index) =>
            index === pick % inputs.length
              ? { ...input, totalBytes: input.totalBytes + extra, subpartitionBytes: undefined, partitionBytes: undefined }
              : input,
          );
          expect(decideParallelism(grown, config).parallelism).toBeGreaterThanOrEqual(before);
        },
      ),
    );
  });

  it('is deterministic', () => {
    fc.assert(
      fc.property(fc.oneof(vertex('1.17'), vertex('1.15')), ({ config, inputs }) => {
        expect(decideParallelismAndInputs(inputs, undefined, config)).toEqual(decideParallelismAndInputs(inputs, undefined, config));
      }),
    );
  });
});
