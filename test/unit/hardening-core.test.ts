//! Regression tests: runs that never ended, and a write that escaped the disk-full check.

import { describe, expect, it } from 'vitest';
import { run } from '../support/run.js';

describe('STREAMING with fewer slots than it needs', () => {
  const job = (idleTimeout: string) => ({
    cluster: { taskmanager: { startup: 0, idleTimeout } , maxSlots: 1 },
    config: { 'execution.runtime-mode': 'STREAMING' },
    job: { vertices: [{ id: 'a', parallelism: 2, source: { bytes: '1GiB' }, rate: '100MiB/s' }] },
  });

  it.each(['0s', '1s'])('idle timeout %s: fails after slot.request.timeout, holding the one TaskManager it got', (idle) => {
    const { result } = run(job(idle));
    expect(result.status).toBe('FAILED');
    expect(result.failureCause).toMatch(/^NoResourceAvailableException: could not acquire the 2 slots/);
    // slot.request.timeout is 5 min; the slot it got is allocated to it, so its TaskManager is never idle.
    expect(result.makespan).toBe(300);
    expect(result.taskManagers.created).toBe(1);
  });

  it('a lost TaskManager whose slot was allocated to the waiting job is replaced, and the job deploys', () => {
    const { result } = run({
      cluster: { taskmanager: { startup: '10s', diskBandwidth: 'unlimited', networkBandwidth: 'unlimited' } },
      config: { 'execution.runtime-mode': 'STREAMING' },
      job: { vertices: [{ id: 'a', parallelism: 2, source: { bytes: 0 }, fixed: '5s' }] },
      faults: [{ type: 'taskmanager', at: '5s', tm: 0 }],
    });
    expect(result.status).toBe('FINISHED');
    // TM 0 is lost while starting; TM 1 is up at 10 s and holds its slot; TM 2, asked for at 5 s, is up at 15 s.
    expect(result.taskManagers.created).toBe(3);
    expect(result.makespan).toBe(20);
  });
});

describe('an attempt that takes no time', () => {
  it('still finds the disk full: 10 GiB written at once on a 1 GiB disk fails with No space left on device', () => {
    const { result } = run({
      cluster: { taskmanager: { startup: 0, disk: '1GiB', diskBandwidth: 'unlimited', networkBandwidth: 'unlimited' } },
      config: { 'restart-strategy.type': 'none' },
      job: {
        vertices: [
          { id: 'A', parallelism: 1, source: { bytes: '10GiB' } },
          { id: 'B', parallelism: 1, inputs: [{ from: 'A' }] },
        ],
      },
    });
    expect(result.status).toBe('FAILED');
    expect(result.failureCause).toMatch(/No space left on device/);
    expect(result.disk.peakBytesOneTaskManager).toBeLessThanOrEqual(2 ** 30);
  });
});

describe('a job that starts hundreds of thousands of TaskManagers over its life', () => {
  it('keeps work records for the attempts under way, not for every slot it ever had', async () => {
    const { Cluster } = await import('../../src/model/cluster/cluster.js');
    const { BatchScheduler } = await import('../../src/scheduler/batch-scheduler.js');
    const { scenario } = await import('../support/run.js');
    // Stages of one and two subtasks in turn on 1-slot TaskManagers released after 1 ms idle:
    // each two-subtask stage starts a new TaskManager.
    const vertices = Array.from({ length: 2000 }, (_, i) => ({
      id: `v${i}`,
      parallelism: 1 + (i % 2),
      fixed: '5ms',
      ...(i === 0 ? { source: { bytes: 1 } } : { inputs: [{ from: `v${i - 1}` }] }),
    }));
    const spec = scenario({ cluster: { taskmanager: { startup: '1ms', idleTimeout: '1ms' }, shuffle: 'remote' }, config: { 'execution.batch.adaptive.auto-parallelism.enabled': false }, job: { vertices } });
    const s = new BatchScheduler(spec, {});
    const { result } = s.run();
    expect(result.status).toBe('FINISHED');
    const cluster = (s as unknown as { cluster: InstanceType<typeof Cluster> }).cluster;
    expect(cluster.created).toBeGreaterThan(900);
    // At most two attempts run at a time: a handful of records, whatever the TaskManagers created.
    expect((cluster as unknown as { recordCount: number }).recordCount).toBeLessThanOrEqual(4);
  });
});

describe('a write that ends when its rounded end comes', () => {
  it('still finds the disk full when its last bytes would take the disk over (2 bytes over 512 MiB before)', () => {
    // Found by the recovery property: shares changed the writes' ends, rounded to whole ms,
    // and the file kept at the end was 2 bytes more than the disk held.
    const doc = {
      seed: 0,
      cluster: {
        taskmanager: { slots: 2, startup: 0, idleTimeout: 0, shutdown: 0, cpuPerSlot: 2, memoryPerSlot: '1GiB', diskBandwidth: '20MiB/s', networkBandwidth: 'auto', disk: '512MiB' },
        maxSlots: 4,
        shuffle: 'local',
      },
      config: { 'restart-strategy.type': 'fixed-delay', 'restart-strategy.fixed-delay.attempts': 10, 'restart-strategy.fixed-delay.delay': '1 s' },
      job: {
        vertices: [
          { id: 'v0', fixed: 0, rate: 6291456, selectivity: 2, source: { bytes: 134217728 }, parallelism: 3 },
          { id: 'v1', fixed: 0, rate: 2097152, selectivity: 1, inputs: [{ from: 'v0', pattern: 'all-to-all' }] },
          { id: 'v2', fixed: 0, rate: 5242880, selectivity: 1, inputs: [{ from: 'v0', pattern: 'pointwise' }] },
          { id: 'v3', fixed: 0, rate: 1048576, selectivity: 0.1, source: { bytes: 83886080 }, parallelism: 1 },
          { id: 'v4', fixed: 0, rate: 1048576, selectivity: 0.1, inputs: [{ from: 'v1', pattern: 'all-to-all' }, { from: 'v2', pattern: 'all-to-all' }] },
          { id: 'v5', fixed: 0, rate: 1048576, selectivity: 0.1, source: { bytes: 83886080 }, parallelism: 1 },
        ],
      },
    };
    const { result, timeline } = run(doc);
    for (const d of timeline.disk) expect(d.bytes, `TaskManager ${d.tm} at ${d.time} s`).toBeLessThanOrEqual(512 * 2 ** 20);
    expect(result.disk.peakBytesOneTaskManager).toBeLessThanOrEqual(512 * 2 ** 20 + 1);
  });
});
