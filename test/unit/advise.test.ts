//! `batchsim advise` as a library: its cost in CU, its space, and its search checked against the exhaustive grid on generated jobs.

import { describe, expect, it } from 'vitest';
import { advise } from '../../src/advise/advise.js';
import { Evaluator, type Evaluated } from '../../src/advise/evaluate.js';
import { compareCandidates, score, type Goal } from '../../src/advise/goal.js';
import { EvaluationPool } from '../../src/advise/pool.js';
import { cuSeconds } from '../../src/compare/run-detail.js';
import { adviceJson } from '../../src/advise/render-json.js';
import { search } from '../../src/advise/search.js';
import { buildSpace, gridCount, type Candidate, type Space, type SpaceRequest } from '../../src/advise/space.js';
import type { RunResult } from '../../src/model/run-result.js';
import { loadJobScenario as loadScenario } from '../../src/scenario/load.js';

const GIB = 2 ** 30;
const MIB = 2 ** 20;

describe('cost in CU-seconds', () => {
  it('TaskManagers pay the larger of cores and GiB / 4, the JobManager likewise for the whole run, plus the shuffle service', () => {
    const spec = loadScenario('job: { vertices: [{ id: a, source: { bytes: 1MiB } }] }\ncluster: { jobmanager: { cpu: 1, memory: 4GiB } }', 't.yaml').spec;
    // 10 s run; JobManager: 10 core-s and 40 GiB-s. TaskManagers: 90 core-s and 400 GiB-s = 100 CU-s (memory decides).
    const r = { makespan: 10, cost: { coreSeconds: 100, gibSeconds: 440, shuffleServiceCuSeconds: 5 } } as RunResult;
    expect(cuSeconds(spec, r)).toBeCloseTo(100 + 10 + 5, 9);
    // With more cores than GiB / 4 the cores decide: 190 core-s against 400 / 4.
    expect(cuSeconds(spec, { ...r, cost: { ...r.cost, coreSeconds: 200 } })).toBeCloseTo(190 + 10 + 5, 9);
  });
});

describe('the space', () => {
  it('tpch-q3: the managed-service ranges, slot caps around the largest parallelism, both parallelism settings around their own', async () => {
    const { readFileSync } = await import('node:fs');
    const spec = loadScenario(readFileSync('sim-scenarios/tpch-q3.yaml', 'utf8'), 'tpch-q3.yaml').spec;
    const space = buildSpace(spec);
    expect(space.values.slots).toEqual([1, 2, 4, 8]);
    expect(space.values.cpuPerSlot).toEqual([0.5, 1, 2, 4]);
    expect(space.values.memoryPerSlot).toEqual([2, 4, 8, 16].map((g) => g * GIB));
    expect(space.values.maxSlots).toEqual([32, 64, 128, Infinity]);
    expect(space.values.shuffle).toEqual(['local', 'remote']);
    expect(space.values.avgVolume).toEqual([16, 32, 64, 128, 256].map((m) => m * MIB));
    expect(space.values.parallelismDefault).toEqual([32, 64, 128, 256]);
    expect(gridCount(space)).toBe(4 * 4 * 4 * 4 * 2 * 5 * 4);
  });

  it('an unset parallelism.default is a value of its own, so the scenario as written stays a candidate', () => {
    const spec = loadScenario('job: { vertices: [{ id: a, parallelism: 2, source: { bytes: 1MiB } }, { id: b, inputs: [{ from: a }] }] }', 't.yaml').spec;
    const space = buildSpace(spec);
    // Around the effective bound of inference (128), and unset (0).
    expect(space.values.parallelismDefault).toEqual([0, 32, 64, 128, 256]);
    expect(space.asWritten.parallelismDefault).toBe(0);
  });

  it('a job whose every parallelism is fixed has no parallelism settings; --fix pins one value, --vary replaces a list', () => {
    const spec = loadScenario('job: { vertices: [{ id: a, parallelism: 2, source: { bytes: 1MiB } }] }', 't.yaml').spec;
    const space = buildSpace(spec, { fix: { slots: 2 }, vary: { cpuPerSlot: [2, 1] } });
    expect(space.settings).toEqual(['slots', 'cpuPerSlot', 'memoryPerSlot', 'maxSlots', 'shuffle']);
    expect(space.values.slots).toEqual([2]);
    expect(space.values.cpuPerSlot).toEqual([1, 2]);
    expect(space.values.maxSlots).toEqual([1, 2, Infinity]);
    expect(space.fixed).toEqual(['slots']);
  });
});

/** A small job of three vertices; `k` varies sizes, rates, heap and start-up time. */
function job(k: number): string {
  const rate = [80, 150, 300][k % 3];
  return `name: gen-${k}
seed: ${k}
cluster:
  taskmanager: { slots: 2, cpuPerSlot: 1, memoryPerSlot: 4GiB, startup: ${5 + (k % 4) * 5}s }
config:
  parallelism.default: 16
  execution.batch.adaptive.auto-parallelism.avg-data-volume-per-task: 128MiB
job:
  vertices:
    - { id: src, parallelism: ${4 + (k % 2) * 4}, source: { bytes: ${1 + (k % 3) * 2}GiB }, rate: ${rate}MiB/s, selectivity: ${[1, 0.5, 2][k % 3]}, jitter: { sigma: 0.1 } }
    - { id: agg, inputs: [{ from: src }], rate: ${rate / 2}MiB/s, selectivity: 0.3, managedMemory: true, heap: ${[0, 600, 1200][(k >> 1) % 3]}MiB, jitter: { sigma: 0.1 } }
    - { id: sink, parallelism: 1, inputs: [{ from: agg }], rate: 200MiB/s }
`;
}

const SMALL: SpaceRequest = {
  vary: { slots: [1, 2, 4], cpuPerSlot: [0.5, 1, 2], memoryPerSlot: [2 * GIB, 4 * GIB, 8 * GIB], maxSlots: [4, Infinity], avgVolume: [64 * MIB, 256 * MIB] },
  fix: { parallelismDefault: 16 },
};

function allCandidates(space: Space): Candidate[] {
  let out: number[][] = [[]];
  for (const s of space.settings) out = out.flatMap((c) => space.values[s].map((_, v) => [...c, v]));
  return out;
}

describe('the search against the exhaustive grid', () => {
  const seeds = [1, 2, 3];
  for (let k = 0; k < 6; k++) {
    it(`generated job ${k}: the recommendation is the grid's optimum (within 1 % of its objective), from well under half the grid's runs`, async () => {
      const text = job(k);
      const file = `gen-${k}.yaml`;
      const space = buildSpace(loadScenario(text, file).spec, SMALL);
      const grid = new Evaluator(space, text, file, seeds, 95, new EvaluationPool(text, file, 1));
      const every = allCandidates(space).map((c) => grid.entry(c));
      await grid.ensure(every, seeds.length);
      const finished = every.map((e) => grid.stats(e)!).filter((s) => s.failed === 0);
      const makespans = finished.map((s) => s.makespanPercentile).sort((a, b) => a - b);
      // A tight deadline, a loose one, and one nothing meets (the search must then find the fastest).
      const costs = finished.map((s) => s.costMedian).sort((a, b) => a - b);
      const goals: Goal[] = [
        ...[makespans[Math.floor(makespans.length * 0.15)], makespans[Math.floor(makespans.length * 0.6)], 1].map((deadline) => ({ deadline, objective: 'cost' as const, percentile: 95 })),
        // "How fast can it go for this much?": the fastest within the cheapest third's budget.
        { budget: costs[Math.floor(costs.length / 3)], objective: 'makespan', percentile: 95 },
      ];
      for (const goal of goals) {
        const rank = (a: Evaluated, b: Evaluated) => compareCandidates(a, score(grid.stats(a), goal), b, score(grid.stats(b), goal));
        const optimum = [...every].sort(rank)[0];
        const ev = new Evaluator(space, text, file, seeds, 95, new EvaluationPool(text, file, 1));
        const found = await search(space, ev, goal);
        const got = score(ev.stats(found.best!), goal);
        const want = score(grid.stats(optimum), goal);
        expect(got.standing).toBe(want.standing);
        if (want.standing === 'meets') expect(got.objective).toBeLessThanOrEqual(want.objective * 1.01);
        else expect(got.violation).toBeLessThanOrEqual(want.violation * 1.01 + 1e-9);
        expect(ev.runs).toBeLessThan((every.length * seeds.length) / 2);
      }
    }, 60_000);
  }
});

/** A hash aggregate whose 600 MiB working set overflows a 2 GiB slot's 537.6 MiB task heap; no restarts, so that setting fails at once. */
const OOM = `name: oom
seed: 1
cluster: { taskmanager: { slots: 1, cpuPerSlot: 0.5, memoryPerSlot: 4GiB } }
config: { restart-strategy.type: none }
job:
  vertices:
    - { id: src, parallelism: 4, source: { bytes: 4GiB }, rate: 100MiB/s }
    - { id: agg, parallelism: 4, inputs: [{ from: src }], rate: 50MiB/s, heap: 600MiB, jitter: { sigma: 0.1 } }
`;

describe('advise', () => {
  const request = (goal: Partial<Goal>, space: SpaceRequest) => ({
    text: OOM,
    file: 'oom.yaml',
    scenario: loadScenario(OOM, 'oom.yaml'),
    seeds: [1, 2, 3],
    goal: { objective: 'cost' as const, percentile: 95, ...goal },
    space,
    threads: 1,
  });

  it('never recommends a setting whose runs failed, even the cheapest', async () => {
    const space: SpaceRequest = { fix: { cpuPerSlot: 0.5, slots: 1, shuffle: 'local', maxSlots: Infinity }, vary: { memoryPerSlot: [2 * GIB, 4 * GIB, 8 * GIB] } };
    const a = await advise(request({}, space));
    // The 2 GiB slots fail at the first OutOfMemoryError, which makes them cheapest of all.
    const failed = a.failed.find((x) => x.settings.memoryPerSlot === 2 * GIB);
    // Both seeds of the first rung failed, and a failed setting gets no more seeds.
    expect(failed?.stats.failed).toBe(2);
    expect(failed!.stats.seeds).toBe(2);
    expect(a.failed).toHaveLength(1);
    expect(failed!.stats.costMedian).toBeLessThan(a.recommendation!.stats.costMedian);
    expect(failed!.stats.failureCause).toMatch(/OutOfMemoryError/);
    expect(a.outcome).toBe('meets');
    expect(a.recommendation!.settings.memoryPerSlot).toBe(4 * GIB);
    expect(a.recommendation!.stats.failed).toBe(0);
    expect(a.front.every((f) => f.stats.failed === 0)).toBe(true);
  });

  it('a deadline nothing meets: says so and shows the fastest; the same question gives the same answer', async () => {
    const space: SpaceRequest = { fix: { shuffle: 'local', maxSlots: Infinity }, vary: { memoryPerSlot: [4 * GIB, 8 * GIB], slots: [1, 2], cpuPerSlot: [0.5, 1] } };
    const a = await advise(request({ deadline: 1 }, space));
    expect(a.outcome).toBe('missed');
    expect(a.recommendation).toBeNull();
    // The fastest: a whole core per slot (the aggregate is CPU-bound at 0.5 core).
    expect(a.fastest!.settings.cpuPerSlot).toBe(1);
    expect(a.fastest!.stats.makespanPercentile).toBe(Math.min(...a.complete.filter((x) => x.stats.failed === 0).map((x) => x.stats.makespanPercentile)));
    const again = await advise(request({ deadline: 1 }, space));
    expect(JSON.stringify(adviceJson(again))).toBe(JSON.stringify(adviceJson(a)));
  });

  it('--safety: a recommendation within the margin, or none', async () => {
    const space: SpaceRequest = { fix: { cpuPerSlot: 1, slots: 1, shuffle: 'local', maxSlots: Infinity }, vary: { memoryPerSlot: [4 * GIB, 8 * GIB] } };
    // 600 MiB of a 4 GiB slot's 1459.2 MiB task heap is 0.41; of an 8 GiB slot's 3302.4 MiB, 0.18.
    const loose = await advise(request({}, space));
    expect(loose.recommendation!.settings.memoryPerSlot).toBe(4 * GIB);
    expect(loose.recommendation!.stats.heapOccupancyMax).toBeCloseTo(600 / 1459.2, 3);
    const safe = await advise(request({ safety: 0.3 }, space));
    expect(safe.recommendation!.settings.memoryPerSlot).toBe(8 * GIB);
    expect(safe.recommendation!.stats.heapOccupancyMax).toBeCloseTo(600 / 3302.4, 3);
  });
});
