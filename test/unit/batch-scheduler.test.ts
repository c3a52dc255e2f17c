import { describe, expect, it } from 'vitest';
import { autoDiskBytes } from '../../src/model/cluster/resources.js';
import { runHandComputed as run, scenario, vertex } from '../support/run.js';

const MiB = 2 ** 20;
const GiB = 2 ** 30;

/** A(p=2, 10 s) -> B(p=2, 5 s), all-to-all, 10 s TaskManager start-up. */
function chain(cluster: object) {
  return {
    name: 'chain',
    cluster: { taskmanager: { startup: '10s', ...cluster } },
    job: {
      vertices: [
        { id: 'A', parallelism: 2, source: { bytes: 0 }, fixed: '10s' },
        { id: 'B', parallelism: 2, inputs: [{ from: 'A' }], fixed: '5s' },
      ],
    },
  };
}

describe('batch scheduling, hand-computed', () => {
  it('one slot per TaskManager: 25 s and 2 TaskManagers', () => {
    const { result } = run(chain({ slots: 1 }));
    expect(result.status).toBe('FINISHED');
    expect(result.makespan).toBe(25);
    expect(result.taskManagers.created).toBe(2);
    expect(result.taskManagers.peak).toBe(2);
    expect(vertex({ result }, 'A')).toMatchObject({ start: 10, end: 20, attempts: 2 });
    expect(vertex({ result }, 'B')).toMatchObject({ start: 20, end: 25, attempts: 2 });
    expect(result.slotSeconds).toBe(30);
    // 2 TMs x 25 s x 1 core + JobManager 1 core x 25 s; memory 4 GiB per core.
    expect(result.cost.coreSeconds).toBe(75);
    expect(result.cost.gibSeconds).toBe(300);
  });

  it('maxSlots 1: the job runs on a single slot in 40 s with 1 TaskManager', () => {
    const doc = { ...chain({ slots: 1 }), cluster: { taskmanager: { slots: 1, startup: '10s' }, maxSlots: 1 } };
    const { result } = run(doc);
    expect(result.makespan).toBe(40);
    expect(result.taskManagers.created).toBe(1);
  });

  it('two slots per TaskManager: 25 s and 1 TaskManager', () => {
    const { result } = run(chain({ slots: 2 }));
    expect(result.makespan).toBe(25);
    expect(result.taskManagers.created).toBe(1);
    expect(result.taskManagers.cpu).toBe(2);
  });

  it('Flink config keys win over the cluster section', () => {
    const doc = { ...chain({ slots: 1 }), config: { 'taskmanager.numberOfTaskSlots': 2 } };
    const { result } = run(doc);
    expect(result.taskManagers.created).toBe(1);
    expect(result.taskManagers.slotsPerTaskManager).toBe(2);
  });

  it('takes fixed + inputBytes / rate per attempt', () => {
    const { result } = run({
      cluster: { taskmanager: { startup: 0 } },
      job: { vertices: [{ id: 'src', parallelism: 2, source: { bytes: '200MiB' }, rate: '10MiB/s', fixed: '1s' }] },
    });
    // 100 MiB per subtask at 10 MiB/s = 10 s, plus 1 s.
    expect(result.makespan).toBe(11);
    expect(vertex({ result }, 'src').subtaskInputBytes).toEqual({ min: 100 * MiB, median: 100 * MiB, max: 100 * MiB });
  });

  it('splits input by edge pattern: pointwise fan-in and fan-out, broadcast and all-to-all', () => {
    const { result } = run({
      cluster: { taskmanager: { startup: 0 } },
      job: {
        vertices: [
          { id: 'A', parallelism: 4, source: { bytes: '400MiB' }, selectivity: 0.5 },
          { id: 'fanIn', parallelism: 2, inputs: [{ from: 'A', pattern: 'pointwise' }] },
          { id: 'fanOut', parallelism: 8, inputs: [{ from: 'A', pattern: 'pointwise' }] },
          { id: 'bcast', parallelism: 3, inputs: [{ from: 'A', pattern: 'broadcast' }] },
          { id: 'shuffle', parallelism: 4, inputs: [{ from: 'A', pattern: 'all-to-all' }] },
        ],
      },
    });
    // A writes 4 x 50 MiB = 200 MiB.
    expect(vertex({ result }, 'fanIn').subtaskInputBytes.max).toBe(100 * MiB);
    expect(vertex({ result }, 'fanIn').subtaskInputBytes.min).toBe(100 * MiB);
    expect(vertex({ result }, 'fanOut').subtaskInputBytes.max).toBe(25 * MiB);
    expect(vertex({ result }, 'bcast').subtaskInputBytes.min).toBe(200 * MiB);
    expect(vertex({ result }, 'shuffle').subtaskInputBytes.min).toBe(50 * MiB);
    expect(vertex({ result }, 'A').outputBytes).toBe(200 * MiB);
  });

  it('starts a pointwise consumer subtask as soon as its own producers finish', () => {
    const { result, timeline } = run({
      cluster: { taskmanager: { startup: 0 } },
      job: {
        vertices: [
          { id: 'A', parallelism: 2, source: { bytes: '2MiB' }, rate: '1MiB/s' },
          { id: 'B', parallelism: 2, inputs: [{ from: 'A', pattern: 'pointwise' }], fixed: '1s' },
        ],
      },
    });
    expect(result.makespan).toBe(2);
    const b = timeline.attempts.filter((a) => a.vertex === 'B');
    expect(b.map((a) => a.start)).toEqual([1, 1]);
  });

  it('sizes local disk from cores: 20 GiB per core, 20 to 200 GiB', () => {
    expect([1, 2, 4, 10, 64].map(autoDiskBytes)).toEqual([20 * GiB, 40 * GiB, 80 * GiB, 200 * GiB, 200 * GiB]);
    expect(autoDiskBytes(0.5)).toBe(20 * GiB);
    const spec = scenario({ cluster: { taskmanager: { slots: 4, cpuPerSlot: 1 } }, job: { vertices: [{ id: 'a', source: { bytes: 1 } }] } });
    expect(spec.cluster.diskBytes).toBe(80 * GiB);
    expect(spec.warnings).toEqual([]);
  });

  it('warns by name about resources below the minimum and a disk outside the rule', () => {
    const spec = scenario({
      cluster: { taskmanager: { cpuPerSlot: 0.25, memoryPerSlot: '1GiB', disk: '10GiB' }, jobmanager: { cpu: 0.25, memory: '1GiB' } },
      job: { vertices: [{ id: 'a', source: { bytes: 1 } }] },
    });
    const w = spec.warnings.join('\n');
    expect(w).toMatch(/jobmanager\.cpu/);
    expect(w).toMatch(/jobmanager\.memory/);
    expect(w).toMatch(/cpuPerSlot/);
    expect(w).toMatch(/memoryPerSlot/);
    expect(w).toMatch(/taskmanager\.disk/);
  });

  describe('idle release: A(p=2, 10 s) -> B(p=1, 50 s), 30 s idle timeout', () => {
    const job = (shuffle: string) => ({
      cluster: { taskmanager: { startup: 0, idleTimeout: '30s' }, shuffle },
      job: {
        vertices: [
          { id: 'A', parallelism: 2, source: { bytes: '1MiB' }, fixed: '10s' },
          { id: 'B', parallelism: 1, inputs: [{ from: 'A' }], fixed: '50s' },
        ],
      },
    });

    it('local shuffle keeps the idle TaskManager that holds a file B still reads', () => {
      const { result, timeline } = run(job('local'));
      expect(result.makespan).toBe(60);
      expect(timeline.taskManagers[1]).toMatchObject({ releasedAt: 60, endReason: 'job-end' });
      // TMs 60 + 60 core-seconds, JobManager 60.
      expect(result.cost.coreSeconds).toBe(180);
      expect(result.disk.peakBytesOneTaskManager).toBe(0.5 * MiB);
    });

    it('remote shuffle releases it 30 s after it went idle', () => {
      const { result, timeline } = run(job('remote'));
      expect(result.makespan).toBe(60);
      expect(timeline.taskManagers[1]).toMatchObject({ releasedAt: 40, endReason: 'idle' });
      expect(result.cost.coreSeconds).toBe(160);
      expect(result.disk.peakBytesOneTaskManager).toBe(0);
    });

    it('a released TaskManager counts as live for its shutdown time', () => {
      const doc = job('remote');
      (doc.cluster.taskmanager as Record<string, unknown>).shutdown = '5s';
      const { result, timeline } = run(doc);
      expect(timeline.taskManagers[1]).toMatchObject({ releasedAt: 40, goneAt: 45 });
      expect(result.cost.coreSeconds).toBe(165);
    });
  });

  it('asks for TaskManagers in batches of ceil(pending / slots) within the cap', () => {
    const { result, timeline } = run({
      cluster: { taskmanager: { slots: 4, startup: '5s' }, maxSlots: 8 },
      job: { vertices: [{ id: 'A', parallelism: 10, source: { bytes: 1 }, fixed: '10s' }] },
    });
    // 10 requests -> ceil(10/4) = 3 TMs wanted, but the cap allows 2 (8 slots): 8 run, then 2.
    expect(result.taskManagers.created).toBe(2);
    expect(timeline.events.filter((e) => e.kind === 'tm-requested').map((e) => e.time)).toEqual([0, 0]);
    expect(result.makespan).toBe(25);
  });

  it('deletes a file once every consumer has finished, and ends with empty disks', () => {
    const { timeline } = run({
      cluster: { taskmanager: { startup: 0 } },
      job: {
        vertices: [
          { id: 'A', parallelism: 2, source: { bytes: '10MiB' }, rate: '1MiB/s' },
          { id: 'B', parallelism: 2, inputs: [{ from: 'A' }], rate: '1MiB/s' },
          { id: 'C', parallelism: 1, inputs: [{ from: 'B' }], rate: '1MiB/s' },
        ],
      },
    });
    const last = new Map<number, number>();
    for (const d of timeline.disk) last.set(d.tm, d.bytes);
    // A's files (5 MiB each) are gone once B finished; B's files once C finished.
    expect(Math.max(...timeline.disk.map((d) => d.bytes))).toBeCloseTo(10 * MiB, -1);
    for (const d of timeline.disk) expect(d.bytes).toBeGreaterThanOrEqual(0);
    expect([...last.values()].every((b) => b < 1)).toBe(true);
  });
});

describe('streaming mode, hand-computed', () => {
  it('deploys everything at once on max-parallelism slots; a consumer ends with its producers', () => {
    const job = (mode: string) => ({
      config: { 'execution.runtime-mode': mode },
      cluster: { taskmanager: { startup: '10s' } },
      job: {
        vertices: [
          { id: 'A', parallelism: 4, source: { bytes: 0 }, fixed: '10s' },
          { id: 'B', parallelism: 2, inputs: [{ from: 'A' }], fixed: '5s' },
        ],
      },
    });
    const streaming = run(job('STREAMING')).result;
    expect(streaming.mode).toBe('STREAMING');
    expect(streaming.makespan).toBe(20);
    expect(streaming.taskManagers.created).toBe(4);
    const batch = run(job('BATCH')).result;
    expect(batch.makespan).toBe(25);
  });

  it('fails after slot.request.timeout when maxSlots cannot hold the largest parallelism', () => {
    const { result } = run({
      config: { 'execution.runtime-mode': 'STREAMING', 'slot.request.timeout': '60 s' },
      cluster: { maxSlots: 2 },
      job: { vertices: [{ id: 'A', parallelism: 4, source: { bytes: 0 }, fixed: '10s' }] },
    });
    expect(result.status).toBe('FAILED');
    expect(result.failureCause).toMatch(/NoResourceAvailableException.*4 slots/);
    expect(result.makespan).toBe(60);
  });
});

describe('every run ends', () => {
  it('reports a job that can never get a TaskManager instead of hanging', () => {
    const { result } = run({
      cluster: { taskmanager: { slots: 4 }, maxSlots: 2 },
      job: { vertices: [{ id: 'A', parallelism: 1, source: { bytes: 1 } }] },
    });
    expect(result.status).toBe('FAILED');
    expect(result.failureCause).toMatch(/NoResourceAvailableException.*maxSlots 2/);
  });
});

describe('deep and wide graphs', () => {
  it('runs a chain of 10,000 vertices without exhausting the call stack', async () => {
    const { loadJobScenario } = await import('../../src/scenario/load.js');
    const { simulate } = await import('../../src/sim/simulate.js');
    const vertices = Array.from({ length: 10_000 }, (_, i) =>
      i === 0 ? { id: 'v0', parallelism: 1, source: { bytes: 1 }, fixed: 1 } : { id: `v${i}`, parallelism: 1, inputs: [{ from: `v${i - 1}` }], fixed: 1 },
    );
    const spec = loadJobScenario(JSON.stringify({ cluster: { taskmanager: { startup: 0 } }, job: { vertices } }), 'chain.json').spec;
    const { result } = simulate(spec);
    expect(result.status).toBe('FINISHED');
    expect(result.makespan).toBe(10_000);
    expect(result.taskManagers.created).toBe(1);
  });
});
