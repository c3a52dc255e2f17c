import { describe, expect, it } from 'vitest';
import { Bound, drainFlows, fillShares } from '../../src/model/cluster/resource-shares.js';
import { autoDiskBandwidth, autoNetworkBandwidth } from '../../src/model/cluster/resources.js';
import { ScenarioError } from '../../src/scenario/issues.js';
import { loadJobScenario } from '../../src/scenario/load.js';
import { run, vertex } from '../support/run.js';

const MiB = 2 ** 20;
const GiB = 2 ** 30;

/** Durations of the finished attempts of a vertex, in seconds. */
function durations(out: ReturnType<typeof run>, id: string): number[] {
  return out.timeline.attempts.filter((a) => a.vertex === id && a.outcome === 'finished').map((a) => +(a.end - a.start).toFixed(3));
}

/**
 * The contract's worked example: four attempts of 1 GiB at 100 MiB/s, selectivity 1, input
 * over the network (a source), output to the local disk (it has a consumer).
 */
function fourWriters(taskmanager: object, extra: object = {}) {
  return {
    cluster: { taskmanager: { startup: 0, networkBandwidth: 'unlimited', ...taskmanager }, ...extra },
    job: {
      vertices: [
        { id: 'A', parallelism: 4, source: { bytes: '4GiB' }, rate: '100MiB/s' },
        { id: 'B', parallelism: 1, inputs: [{ from: 'A' }] },
      ],
    },
  };
}

describe('the contract worked example', () => {
  it('one TM, 4 slots, a 200 MiB/s disk: each writer gets 50 MiB/s and takes 20.48 s', () => {
    const out = run(fourWriters({ slots: 4, diskBandwidth: '200MiB/s' }));
    expect(durations(out, 'A')).toEqual([20.48, 20.48, 20.48, 20.48]);
    expect(vertex(out, 'A').boundBy).toBe('disk');
    expect(vertex(out, 'A').heldBackSeconds.disk).toBeCloseTo(4 * 20.48, 6);
  });

  it('four 1-slot TMs with the same disk each: 10.24 s, bound by their own core', () => {
    const out = run(fourWriters({ slots: 1, diskBandwidth: '200MiB/s' }));
    expect(durations(out, 'A')).toEqual([10.24, 10.24, 10.24, 10.24]);
    expect(vertex(out, 'A').boundBy).toBe('cpu');
  });

  it('half a core per slot and no I/O limit: 20.48 s', () => {
    const out = run(fourWriters({ slots: 4, cpuPerSlot: 0.5, diskBandwidth: 'unlimited' }));
    expect(durations(out, 'A')).toEqual([20.48, 20.48, 20.48, 20.48]);
  });

  it('unlimited disk and network with a core per slot: exactly fixed + bytes / rate', () => {
    const doc = fourWriters({ slots: 4, diskBandwidth: 'unlimited' });
    (doc.job.vertices[0] as { fixed?: string }).fixed = '1.5s';
    const out = run(doc);
    expect(durations(out, 'A')).toEqual([11.74, 11.74, 11.74, 11.74]);
  });
});

describe('each resource alone, hand-computed', () => {
  it('CPU: 2 slots of half a core run 2 attempts at half speed, 4 slots of 1 core at full speed', () => {
    const half = run(fourWriters({ slots: 2, cpuPerSlot: 0.5, diskBandwidth: 'unlimited' }, { maxSlots: 2 }));
    // 1 core for 2 attempts: 50 MiB/s each, 1 GiB in 20.48 s; two waves.
    expect(durations(half, 'A')).toEqual([20.48, 20.48, 20.48, 20.48]);
    expect(vertex(half, 'A').end).toBeCloseTo(40.96, 6);
  });

  it('disk shared by writers on one TM: 3 writers on a 300 MiB/s disk, 100 MiB/s each, no slowdown', () => {
    const out = run({
      ...fourWriters({ slots: 3, diskBandwidth: '300MiB/s' }),
      job: {
        vertices: [
          { id: 'A', parallelism: 3, source: { bytes: '3GiB' }, rate: '100MiB/s' },
          { id: 'B', parallelism: 1, inputs: [{ from: 'A' }] },
        ],
      },
    });
    expect(durations(out, 'A')).toEqual([10.24, 10.24, 10.24]);
  });

  it('network shared by readers: a source on one TM with 2 slots and a 100 MiB/s network', () => {
    const out = run({
      cluster: { taskmanager: { slots: 2, startup: 0, diskBandwidth: 'unlimited', networkBandwidth: '100MiB/s' } },
      job: { vertices: [{ id: 'A', parallelism: 2, source: { bytes: '2GiB' }, rate: '1GiB/s' }] },
    });
    // Each reads 1 GiB at 50 MiB/s: 20.48 s, bound by the network.
    expect(durations(out, 'A')).toEqual([20.48, 20.48]);
    expect(vertex(out, 'A').boundBy).toBe('network');
  });

  it('consumers read files on their own TM from the disk, and files elsewhere over the network', () => {
    // A[0] and A[1] each write 1 GiB on their own 1-slot TM; B[0] (pointwise, 2 -> 1) runs on TM 0:
    // it reads A[0]'s file from its disk and A[1]'s over the network.
    const out = run({
      cluster: { taskmanager: { slots: 1, startup: 0, idleTimeout: '10min', diskBandwidth: '100MiB/s', networkBandwidth: '50MiB/s' } },
      job: {
        vertices: [
          { id: 'A', parallelism: 2, source: { bytes: '100MiB' }, rate: '1GiB/s', selectivity: 20 },
          { id: 'B', parallelism: 1, inputs: [{ from: 'A', pattern: 'pointwise' }], rate: '1GiB/s' },
        ],
      },
    });
    const b = out.timeline.attempts.find((a) => a.vertex === 'B')!;
    expect(b.inputBytes).toBe(2000 * MiB);
    // Per byte: 0.5 byte from disk and 0.5 over the network; the network (50 MiB/s) binds at 100 MiB/s.
    expect(+(b.end - b.start).toFixed(3)).toBe(20);
    expect(vertex(out, 'B').boundBy).toBe('network');
  });

  it('remote shuffle writes over the network: read 1 + write 1 per byte on a 200 MiB/s network', () => {
    const out = run({
      cluster: { taskmanager: { slots: 4, startup: 0, diskBandwidth: '1MiB/s', networkBandwidth: '200MiB/s' }, shuffle: 'remote' },
      job: fourWriters({}).job,
    });
    // 4 attempts x 2 bytes of network per input byte: 25 MiB/s each, 1 GiB in 40.96 s; the disk is not used.
    expect(durations(out, 'A')).toEqual([40.96, 40.96, 40.96, 40.96]);
    expect(out.result.shuffleService).toBeDefined();
    // Written by A (4 GiB) and read by B (4 GiB).
    expect(out.result.shuffleService!.bytesTransferred).toBe(8 * GiB);
    expect(out.result.shuffleService!.peakBytesStored).toBe(4 * GiB);
  });

  it('the shuffle service cost: GiB-seconds stored and GiB transferred, priced per the scenario', () => {
    const doc = {
      cluster: {
        taskmanager: { slots: 1, startup: 0, diskBandwidth: 'unlimited', networkBandwidth: 'unlimited' },
        shuffle: 'remote',
        shuffleService: { cost: { perGiBStored: 0.5, perGiBTransferred: 2 } },
      },
      job: {
        vertices: [
          { id: 'A', parallelism: 1, source: { bytes: '1GiB' }, fixed: '1s' },
          { id: 'B', parallelism: 1, inputs: [{ from: 'A' }], fixed: '10s' },
        ],
      },
    };
    const out = run(doc);
    // 1 GiB stored from A's end (1 s) to B's end (11 s): 10 GiB-s; 2 GiB moved.
    expect(out.result.shuffleService).toEqual({ bytesTransferred: 2 * GiB, peakBytesStored: GiB, gibSecondsStored: 10 });
    expect(out.result.cost.shuffleServiceCuSeconds).toBeCloseTo(10 * 0.5 + 2 * 2, 9);
  });
});

describe('auto bandwidths', () => {
  it.each([
    [1, 20, 130e6, 125e6],
    [2, 40, 140e6, 250e6],
    [4, 80, 160e6, 500e6],
  ])('%i core(s): a %i GiB disk gives %d B/s, the network %d B/s', (cores, diskGiB, disk, net) => {
    expect(autoDiskBandwidth(diskGiB * GiB)).toBe(disk);
    expect(autoNetworkBandwidth(cores)).toBe(net);
    const spec = loadJobScenario(`cluster: { taskmanager: { slots: ${cores} } }\njob: { vertices: [{ id: a, source: { bytes: 1 } }] }\n`, 'x.yaml').spec;
    expect(spec.cluster.diskBandwidth).toBe(disk);
    expect(spec.cluster.networkBandwidth).toBe(net);
  });

  it('caps: 350 MB/s for a 200 GiB disk or more, 25 Gbit/s from 25 cores', () => {
    expect(autoDiskBandwidth(200 * GiB)).toBe(220e6);
    expect(autoDiskBandwidth(1000 * GiB)).toBe(350e6);
    expect(autoNetworkBandwidth(64)).toBe(25e9 / 8);
  });

  it('reads bits per second and `unlimited`', () => {
    const spec = loadJobScenario('cluster: { taskmanager: { diskBandwidth: unlimited, networkBandwidth: 10Gbit/s } }\njob: { vertices: [{ id: a, source: { bytes: 1 } }] }\n', 'x.yaml').spec;
    expect(spec.cluster.diskBandwidth).toBe(Infinity);
    expect(spec.cluster.networkBandwidth).toBe(1.25e9);
  });

  it.each(['fast', '-1MiB/s', 0, '0', '0MiB/s'])('a bandwidth of %j is exit 2 with the field path', (bad) => {
    const text = `cluster: { taskmanager: { diskBandwidth: ${JSON.stringify(bad)} } }\njob: { vertices: [{ id: a, source: { bytes: 1 } }] }\n`;
    expect(() => loadJobScenario(text, 'x.yaml')).toThrow(ScenarioError);
    try {
      loadJobScenario(text, 'x.yaml');
    } catch (e) {
      expect(String((e as Error).message)).toMatch(/cluster\.taskmanager\.diskBandwidth/);
      expect(String((e as Error).message)).toMatch(/unlimited/);
    }
  });
});

describe('progressive filling', () => {
  const solve = (cap: number[], disk: number[], net: number[], cores: number, d: number, n: number) => {
    const k = cap.length;
    const speed = new Float64Array(k);
    const bound = new Uint8Array(k);
    fillShares(k, cap, disk, net, cores, d, n, speed, bound, new Uint8Array(k));
    return { speed: [...speed], bound: [...bound] };
  };

  it('gives a flow more than an equal share when another is held back by a different resource', () => {
    // A disk of 100: an equal share would be 50 each, but flow 0 can only reach 10 on its core,
    // so flow 1 gets the remaining 90.
    const r = solve([10, 1000], [1, 1], [0, 0], 2, 100, Infinity);
    expect(r.speed).toEqual([10, 90]);
    expect(r.bound).toEqual([Bound.Cpu, Bound.Disk]);
  });

  it('a flow that needs no CPU and no I/O takes no time', () => {
    expect(solve([Infinity], [0], [0], 1, 10, 10)).toEqual({ speed: [Infinity], bound: [Bound.None] });
  });

  it('adding a flow can speed up another that used a different resource (max-min fairness is not monotone)', () => {
    // Flow X uses disk and network, Y the network only; adding Z on the disk slows X, which leaves Y more network.
    const before = solve([Infinity, Infinity], [1, 0], [1, 1], 1, 60, 100);
    expect(before.speed).toEqual([50, 50]);
    const after = solve([Infinity, Infinity, Infinity], [1, 0, 1], [1, 1, 0], 1, 60, 100);
    expect(after.speed).toEqual([30, 70, 30]);
  });

  it('drains flows that join after their delays, resharing at every join and end', () => {
    // Two flows of 100 bytes on a disk of 10/ms; the second joins at 5 ms.
    const d = drainFlows(2, [0, 5], [100, 100], [Infinity, Infinity], [1, 1], [0, 0], 1, 10, Infinity);
    // 0-5: flow 0 alone at 10 (50 bytes). Then 5 each: flow 0 ends at 15, flow 1 has 50 left, alone at 10: ends at 20.
    expect([...d.end]).toEqual([15, 20]);
    expect([...d.diskMs]).toEqual([15, 15]);
  });
});

describe('a write that exactly fills the disk', () => {
  it('succeeds, though its end is rounded to a whole ms; the disk never reads above its size', () => {
    // 3 slots of half a core on one TaskManager with a 512 MiB disk; each of 3 subtasks
    // reads 256 MiB at 40 MiB/s per core and writes it all. After 2 s of fixed time all three
    // move 20 MiB/s (half a core each): 3 x 20 MiB/s fills 512 MiB 8.533 s later, and the
    // third fails at 10.533 s. The other two then share 1.5 cores (0.75 each, 30 MiB/s): their
    // last 85.33 MiB take 2.845 s, so they end at 13.378 s, filling the disk exactly.
    const doc = {
      cluster: {
        taskmanager: { slots: 3, startup: 0, idleTimeout: 0, cpuPerSlot: 0.5, memoryPerSlot: '1GiB', disk: '512MiB' },
        shuffle: 'local',
      },
      config: { 'restart-strategy.type': 'fixed-delay', 'restart-strategy.fixed-delay.attempts': 10, 'restart-strategy.fixed-delay.delay': '1 s' },
      job: {
        vertices: [
          { id: 'v0', fixed: 2, rate: 41943040, selectivity: 1, source: { bytes: 805306368 }, parallelism: 3 },
          { id: 'v1', rate: 1048576, selectivity: 0.1, inputs: [{ from: 'v0', pattern: 'all-to-all' }] },
        ],
      },
    };
    const { result, timeline } = run(doc);
    const first = timeline.attempts.filter((a) => a.vertex === 'v0' && a.subtask < 2 && a.attempt === 0) ?? [];
    expect(first.map((a) => [a.subtask, a.outcome, a.end])).toEqual([
      [1, 'finished', 13.378],
      [0, 'finished', 13.378],
    ]);
    for (const d of timeline.disk) expect(d.bytes).toBeLessThanOrEqual(512 * 2 ** 20);
    expect(result.disk.peakBytesOneTaskManager).toBe(512 * 2 ** 20);
  });
});
