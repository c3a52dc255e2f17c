import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jobManagerCu, taskManagerCu } from '../../src/model/capacity-units.js';
import type { WorkloadJobSpec } from '../../src/model/workload-spec.js';
import { WorkloadRun } from '../../src/dispatcher/workload-run.js';
import { simulate } from '../../src/sim/simulate.js';
import { checkBlockingEdges, checkSlotsNotShared, clusterArb, jobArb } from '../support/arbitraries.js';
import { scenario } from '../support/run.js';

const runs = { numRuns: Number(process.env.PROP_RUNS ?? 40) };

/** Up to 6 generated jobs in up to 2 queues, submitted within a minute, some after earlier ones. */
const workloadArb = fc
  .record({
    cluster: clusterArb,
    queueCount: fc.integer({ min: 1, max: 2 }),
    /** Extra CU over what the largest job needs to be admitted (so every job fits). */
    headroom: fc.integer({ min: 0, max: 12 }),
    unlimited: fc.boolean(),
    jobs: fc.array(
      fc.record({
        vertices: jobArb,
        submitS: fc.integer({ min: 0, max: 60 }),
        queue: fc.integer({ min: 0, max: 1 }),
        priority: fc.integer({ min: 0, max: 2 }),
        /** Per-job max slots, in TaskManagers' worth of slots. */
        maxTms: fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }),
        /** Index back from this job of one it comes after (0: none). */
        after: fc.integer({ min: 0, max: 3 }),
        failing: fc.boolean(),
      }),
      { minLength: 1, maxLength: 6 },
    ),
    seed: fc.integer({ min: 0, max: 1000 }),
  })
  .map((w) => {
    const jobs: WorkloadJobSpec[] = w.jobs.map((j, i) => {
      const config: Record<string, unknown> = {};
      const slots = Number(w.cluster.taskmanager.slots ?? 1);
      if (j.maxTms !== undefined) config['slotmanager.number-of-slots.max'] = j.maxTms * slots;
      if (j.failing) config['restart-strategy.type'] = 'none';
      const spec = scenario({
        name: `j${i}`,
        seed: w.seed + i,
        cluster: { ...w.cluster, taskmanager: { ...w.cluster.taskmanager, disk: '1TiB' } },
        config,
        ...(j.failing && { faults: [{ type: 'subtask', vertex: j.vertices[0].id, subtask: 0, attempt: 0, at: 0.5 }] }),
        job: { vertices: j.vertices },
      });
      const after = j.after > 0 && i - j.after >= 0 ? [`j${i - j.after}`] : [];
      return { name: `j${i}`, spec, submitMs: j.submitS * 1000, after, queue: `q${Math.min(j.queue, w.queueCount - 1)}`, priority: j.priority };
    });
    const need = Math.max(...jobs.map((j) => jobManagerCu(j.spec.cluster) + taskManagerCu(j.spec.cluster)));
    const queues = Array.from({ length: w.queueCount }, (_, q) => ({ name: `q${q}`, capacityCu: w.unlimited ? Infinity : need + w.headroom }));
    return { jobs, queues, raw: w.jobs, guards: jobs[0].spec.guards };
  });

describe('several jobs on one cluster, over generated job sets', () => {
  it('queues stay within capacity, workflows hold, every job ends, each job keeps its own invariants', () => {
    fc.assert(
      fc.property(workloadArb, (w) => {
        const { result, timeline } = new WorkloadRun({ name: 'w', seed: 0, queues: w.queues, jobs: w.jobs, guards: w.guards, warnings: [] }, { record: true }).run();
        if (timeline === undefined) throw new Error('no timeline');
        const byName = new Map(result.jobs.map((j) => [j.name, j]));
        for (const q of timeline.queues) {
          for (const s of q.samples) {
            if (q.capacity !== null) expect(s.cu).toBeLessThanOrEqual(q.capacity + 1e-6);
            expect(s.cu).toBeGreaterThanOrEqual(0);
          }
        }
        for (const q of result.queues) if (q.capacity !== null) expect(q.peakCu).toBeLessThanOrEqual(q.capacity + 1e-6);
        result.jobs.forEach((j, i) => {
          expect(['FINISHED', 'FAILED', 'SKIPPED']).toContain(j.status);
          expect(j.end).toBeGreaterThanOrEqual(j.submitted);
          // A job that does not fail on purpose finishes, unless a job it comes after did not.
          const spec = w.jobs[i];
          const before = spec.after.map((n) => byName.get(n));
          if (before.some((b) => b?.status !== 'FINISHED')) expect(j.status).toBe('SKIPPED');
          else if (!w.raw[i].failing) expect(j.status).toBe('FINISHED');
          // Never started before the jobs it comes after ended, nor before its submission time.
          for (const b of before) if (j.started !== null && b !== undefined) expect(j.started).toBeGreaterThanOrEqual(b.end);
          if (j.started !== null) expect(j.started).toBeGreaterThanOrEqual(spec.submitMs / 1000);
          const t = timeline.jobs[i];
          if (t !== undefined) {
            checkSlotsNotShared(t);
            if (j.status === 'FINISHED') checkBlockingEdges(w.raw[i].vertices, { ...j, scenario: 'w', seed: j.seed, stats: { events: 0 } } as never, t);
            for (const a of t.attempts) expect(a.start).toBeGreaterThanOrEqual(j.started ?? 0);
          }
        });
        expect(result.status).toBe(result.jobs.every((j) => j.status === 'FINISHED') ? 'FINISHED' : 'FAILED');
        expect(result.makespan).toBe(Math.max(...result.jobs.map((j) => j.end)));
      }),
      runs,
    );
  });

  it('one job alone in an unlimited queue gives the result it gives alone', () => {
    fc.assert(
      fc.property(jobArb, clusterArb, fc.integer({ min: 0, max: 1000 }), (vertices, cluster, seed) => {
        const spec = scenario({ seed, cluster: { ...cluster, taskmanager: { ...cluster.taskmanager, disk: '1TiB' } }, job: { vertices } });
        const alone = simulate(spec).result;
        const { result } = new WorkloadRun({
          name: 'w',
          seed,
          queues: [{ name: 'default', capacityCu: Infinity }],
          jobs: [{ name: 'only', spec, submitMs: 0, after: [], queue: 'default', priority: 0 }],
          guards: spec.guards,
          warnings: [],
        }).run();
        const { scenario: _s, seed: _seed, stats: _stats, ...same } = alone;
        const { name: _n, queue: _q, priority: _p, seed: _js, submitted, started, end, waited, ...job } = result.jobs[0];
        expect(job).toEqual({ ...same, warnings: [...same.warnings] });
        expect({ submitted, started, end: end, waited }).toEqual({ submitted: 0, started: 0, end: alone.makespan, waited: 0 });
      }),
      runs,
    );
  });
});
