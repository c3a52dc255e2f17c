//! Memory in running attempts: spilling beyond the managed memory, GC overhead, OutOfMemoryError; hand-computed.

import { describe, expect, it } from 'vitest';
import { run, vertex } from '../support/run.js';

const GiB = 2 ** 30;
/** Flink's layout of a 4 GiB single-slot TaskManager, to the byte. */
const MANAGED_4G = 1438814063; // 1372.16 MiB
const TASK_HEAP_4G = 1530082070;

/** A source A feeding B through a remote shuffle service, on 1-slot TaskManagers of 4 GiB. */
function job(b: object, taskmanager: object = {}, config: object = {}) {
  return {
    cluster: { taskmanager: { startup: 0, memoryPerSlot: '4GiB', diskBandwidth: 'unlimited', networkBandwidth: 'unlimited', ...taskmanager }, shuffle: 'remote' },
    config,
    job: {
      vertices: [
        { id: 'A', parallelism: 1, source: { bytes: '2GiB' } },
        { id: 'B', parallelism: 1, inputs: [{ from: 'A' }], rate: '100MiB/s', ...b },
      ],
    },
  };
}

const took = (out: ReturnType<typeof run>, id: string) => {
  const a = out.timeline.attempts.find((x) => x.vertex === id && x.outcome === 'finished')!;
  return +(a.end - a.start).toFixed(3);
};

describe('spilling', () => {
  it('2 GiB of input on a 4 GiB slot spills 675.84 MiB; with unlimited disk it costs no time', () => {
    const out = run(job({ managedMemory: true }));
    expect(vertex(out, 'B').spilledBytes).toBe(2 * GiB - MANAGED_4G);
    expect(vertex(out, 'B').spilledBytes / 2 ** 20).toBeCloseTo(675.84, 2);
    expect(took(out, 'B')).toBe(20.48);
  });

  it('the spill is written and read back through the disk: 0.66 disk bytes per input byte on a 50 MiB/s disk', () => {
    const out = run(job({ managedMemory: true }, { diskBandwidth: '50MiB/s' }));
    // 2 x 675.84 / 2048 = 0.66 bytes of disk traffic per input byte: 50 / 0.66 = 75.76 MiB/s < 100 MiB/s.
    expect(took(out, 'B')).toBe(Math.round((2048 / (50 / 0.66)) * 1000) / 1000);
    expect(vertex(out, 'B').boundBy).toBe('disk');
  });

  it('the spill takes disk space until the attempt ends, and is then deleted', () => {
    const out = run(job({ managedMemory: true }));
    // With remote shuffle the spill is all that lands on the local disk.
    expect(out.result.disk.peakBytesOneTaskManager).toBe(2 * GiB - MANAGED_4G);
    const last = new Map<number, number>();
    for (const d of out.timeline.disk) last.set(d.tm, d.bytes);
    for (const b of last.values()) expect(b).toBe(0);
  });

  it('a spill alone can fill a disk: No space left on device', () => {
    const doc = job({ managedMemory: true }, { disk: '5GiB' }, { 'restart-strategy.type': 'none' });
    (doc.job.vertices[0] as { source: { bytes: string } }).source.bytes = '8GiB';
    const out = run(doc);
    expect(out.result.status).toBe('FAILED');
    expect(out.result.failureCause).toMatch(/No space left on device/);
    expect(out.result.disk.peakBytesOneTaskManager).toBeLessThanOrEqual(5 * GiB);
  });

  it('no managedMemory, no spill', () => {
    expect(vertex(run(job({})), 'B').spilledBytes).toBe(0);
  });
});

describe('garbage collection and OutOfMemoryError', () => {
  it('a 1 GiB working set on a 1.42 GiB task heap: CPU work x (1 + 0.6 u / (1 - u))', () => {
    const out = run(job({ heap: '1GiB' }));
    const u = GiB / TASK_HEAP_4G;
    const s = (0.6 * u) / (1 - u);
    // B reads 2 GiB at 100 MiB/s: 20.48 s of its own CPU work, slowed by GC.
    expect(took(out, 'B')).toBe(Math.round(20.48 * (1 + s) * 1000) / 1000);
    expect(vertex(out, 'B').heapOccupancy).toBeCloseTo(u, 12);
    expect(vertex(out, 'B').gcSeconds).toBeCloseTo(20.48 * s, 3);
    expect(vertex(out, 'B').cpuSeconds).toBeCloseTo(20.48, 3);
  });

  it('GC overhead never shrinks as the working set grows', () => {
    const times = ['0', '256MiB', '512MiB', '1GiB', '1280MiB'].map((heap) => took(run(job({ heap })), 'B'));
    for (let i = 1; i < times.length; i++) expect(times[i]).toBeGreaterThan(times[i - 1]);
    expect(times[0]).toBe(20.48);
  });

  it('a working set above the task heap fails with OutOfMemoryError once the heap is full', () => {
    const out = run(job({ heap: '2GiB' }, {}, { 'restart-strategy.type': 'none' }));
    expect(out.result.status).toBe('FAILED');
    expect(out.result.failureCause).toMatch(/^java\.lang\.OutOfMemoryError: Java heap space \(B\[0\]\)/);
    // The heap fills after input / u bytes: 2 GiB x 1.42 GiB / 2 GiB read at 100 MiB/s.
    expect(out.result.failures[0].time).toBeCloseTo(Math.round((TASK_HEAP_4G / (100 * 2 ** 20)) * 1000) / 1000, 3);
  });

  it('OutOfMemoryError is restarted like any failure, and the job fails when the strategy gives up', () => {
    const out = run(job({ heap: '2GiB' }, {}, { 'restart-strategy.type': 'fixed-delay', 'restart-strategy.fixed-delay.attempts': 2, 'restart-strategy.fixed-delay.delay': '1s' }));
    expect(out.result.status).toBe('FAILED');
    expect(out.result.restarts).toBe(2);
    expect(vertex(out, 'B').attempts).toBe(3);
    expect(out.result.failureCause).toMatch(/OutOfMemoryError.*restart strategy exhausted/);
  });

  it('more memory per slot cures it: 8 GiB slots finish', () => {
    expect(run(job({ heap: '2GiB' }, { memoryPerSlot: '8GiB' })).result.status).toBe('FINISHED');
  });
});
