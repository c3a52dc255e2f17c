import { describe, expect, it } from 'vitest';
import { evenPart, outputBytes, splitByShares } from '../../src/scheduler/integer-bytes.js';
import { run, vertex } from '../support/run.js';

describe('integer byte splits', () => {
  it('an even split gives the remainder to the first parts, one byte each', () => {
    // 67108864 = 11 * 6100805 + 9
    const parts = Array.from({ length: 11 }, (_, j) => evenPart(64 * 2 ** 20, 11, j));
    expect(parts).toEqual([...Array(9).fill(6100806), 6100805, 6100805]);
    expect(parts.reduce((a, b) => a + b, 0)).toBe(67108864);
  });

  it('a split by shares floors each share and gives what is left to the first parts', () => {
    // 10 * [0.55, 0.25, 0.2] = 5.5, 2.5, 2 -> floors 5, 2, 2 and one byte left for part 0.
    expect([...splitByShares(10, [0.55, 0.25, 0.2])]).toEqual([6, 2, 2]);
    // Floors that sum past the total give bytes back, one each, from the first parts.
    expect([...splitByShares(4, [0.75, 0.75])]).toEqual([2, 2]);
    expect([...splitByShares(5, [0, 0.8, 0.8])]).toEqual([0, 2, 3]);
    const parts = splitByShares(2 ** 40 + 7, [1 / 3, 1 / 3, 1 / 3]);
    expect(parts.every((b) => Number.isInteger(b))).toBe(true);
    expect(parts.reduce((a, b) => a + b, 0)).toBe(2 ** 40 + 7);
  });

  it('output bytes are rounded half up', () => {
    expect(outputBytes(5, 0.5)).toBe(3);
    expect(outputBytes(1181116006.4, 1)).toBe(1181116006);
  });
});

describe('bytes in a run are integers', () => {
  const job = `
config:
  execution.batch.adaptive.auto-parallelism.avg-data-volume-per-task: 4 mb
cluster:
  taskmanager: { startup: 0 s }
job:
  vertices:
    - { id: src, parallelism: 11, source: { bytes: 64 mb }, rate: 64 mb/s }
    - { id: map, inputs: [{ from: src, pattern: pointwise }], selectivity: 0.3 }
    - { id: agg, inputs: [{ from: map }, { from: src, pattern: broadcast }], skew: { zipf: 1.1 } }
    - { id: sink, parallelism: 3, inputs: [{ from: agg }], selectivity: 0.1 }
`;

  it('64 MiB over 11 subtasks sums back to 67108864, so the count-based decider infers 16, not 17', () => {
    const { result } = run(job);
    expect(vertex({ result }, 'src').outputBytes).toBe(67108864);
    expect(vertex({ result }, 'map').parallelism).toBe(16);
    expect(vertex({ result }, 'map').decision.bytesConsumed).toBe(67108864);
  });

  it('every byte count of the result and of every attempt is an integer', () => {
    const { result, timeline } = run(job);
    expect(result.status).toBe('FINISHED');
    for (const v of result.vertices) {
      for (const b of [v.inputBytes, v.outputBytes, v.subtaskInputBytes.min, v.subtaskInputBytes.median, v.subtaskInputBytes.max]) {
        expect(Number.isInteger(b), `${v.id}: ${b}`).toBe(true);
      }
    }
    for (const a of timeline.attempts) expect(Number.isInteger(a.inputBytes) && Number.isInteger(a.outputBytes)).toBe(true);
    // map writes round(input * 0.3) per subtask: within half a byte per subtask of 0.3 * 64 MiB.
    expect(Math.abs(vertex({ result }, 'map').outputBytes - 0.3 * 67108864)).toBeLessThanOrEqual(16 / 2);
  });

  it('in STREAMING too, and a source split sums back exactly', () => {
    const { result, timeline } = run(`config:\n  execution.runtime-mode: STREAMING\n  parallelism.default: 7\n${job.replace(/^config:\n/m, '')}`);
    expect(result.status).toBe('FINISHED');
    expect(vertex({ result }, 'src').inputBytes).toBe(67108864);
    for (const a of timeline.attempts) expect(Number.isInteger(a.inputBytes) && Number.isInteger(a.outputBytes)).toBe(true);
    for (const v of result.vertices) expect(Number.isInteger(v.outputBytes)).toBe(true);
  });
});
