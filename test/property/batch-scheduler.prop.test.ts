import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { simulate } from '../../src/sim/simulate.js';
import {
  checkBlockingEdges,
  checkResourcesWithinCapacity,
  checkSlotsNotShared,
  checkTimeMonotone,
  clusterArb,
  jobArb,
  peakLiveSlots,
} from '../support/arbitraries.js';
import { scenario } from '../support/run.js';

const runs = { numRuns: Number(process.env.PROP_RUNS ?? 80) };

describe('batch scheduling invariants over generated jobs and clusters', () => {
  it('slots, caps, blocking edges, exactly-once, disk and time all hold', () => {
    fc.assert(
      fc.property(jobArb, clusterArb, fc.integer({ min: 0, max: 1000 }), (vertices, cluster, seed) => {
        // A disk big enough that no generated job fills it: disk full is a failure, and the
        // recovery properties cover it; here every run must finish.
        const bigDisk = { ...cluster, taskmanager: { ...cluster.taskmanager, disk: '1TiB' } };
        const spec = scenario({ seed, cluster: bigDisk, job: { vertices } });
        const { result, timeline } = simulate(spec, { recordTimeline: true });
        if (timeline === undefined) throw new Error('no timeline');
        expect(result.status).toBe('FINISHED');

        checkSlotsNotShared(timeline);
        if (spec.cluster.maxSlots !== Infinity) expect(peakLiveSlots(timeline)).toBeLessThanOrEqual(spec.cluster.maxSlots);
        expect(Math.max(0, ...timeline.samples.map((s) => s.liveTaskManagers))).toBeLessThanOrEqual(result.taskManagers.peak);
        checkBlockingEdges(vertices, result, timeline);

        // Every subtask finishes exactly once, with a single attempt when nothing fails.
        for (const v of result.vertices) {
          const done = timeline.attempts.filter((a) => a.vertex === v.id && a.outcome === 'finished');
          expect(done.length).toBe(v.parallelism);
          expect(new Set(done.map((a) => a.subtask)).size).toBe(v.parallelism);
          expect(v.attempts).toBe(v.parallelism);
        }

        // Disk never negative, never over capacity, and empty once every file is consumed.
        const last = new Map<number, number>();
        for (const d of timeline.disk) {
          expect(d.bytes).toBeGreaterThanOrEqual(-1e-3);
          expect(d.bytes).toBeLessThanOrEqual(spec.cluster.diskBytes + 1e-3);
          last.set(d.tm, d.bytes);
        }
        for (const b of last.values()) expect(b).toBeLessThan(1e-3);

        checkTimeMonotone(timeline);
        checkResourcesWithinCapacity(timeline, spec.cluster);
        const busy = timeline.attempts.reduce((s, a) => s + (a.end - a.start), 0);
        expect(result.slotSeconds).toBeCloseTo(busy, 6);
      }),
      runs,
    );
  });

  it('the same scenario and seed give the same output, byte for byte', () => {
    fc.assert(
      fc.property(jobArb, clusterArb, fc.integer(), (vertices, cluster, seed) => {
        const doc = { seed, cluster, job: { vertices: vertices.map((v) => ({ ...v, jitter: { sigma: 0.3 } })) } };
        const a = simulate(scenario(doc), { recordTimeline: true });
        const b = simulate(scenario(doc), { recordTimeline: true });
        expect(JSON.stringify(a)).toBe(JSON.stringify(b));
      }),
      { numRuns: 40 },
    );
  });

  it('shares never speed an attempt past its time alone, and with unlimited bandwidths and a core per slot every attempt takes exactly fixed + bytes / rate', () => {
    fc.assert(
      fc.property(jobArb, clusterArb, fc.integer({ min: 0, max: 1000 }), fc.boolean(), (vertices, cluster, seed, unlimited) => {
        const taskmanager = unlimited
          ? { ...cluster.taskmanager, cpuPerSlot: 1, diskBandwidth: 'unlimited', networkBandwidth: 'unlimited', disk: '1TiB' }
          : { ...cluster.taskmanager, disk: '1TiB' };
        const spec = scenario({ seed, cluster: { ...cluster, taskmanager }, job: { vertices } });
        const { result, timeline } = simulate(spec, { recordTimeline: true });
        if (timeline === undefined) throw new Error('no timeline');
        expect(result.status).toBe('FINISHED');
        const byId = new Map(vertices.map((v) => [v.id, v]));
        for (const a of timeline.attempts) {
          const v = byId.get(a.vertex) as (typeof vertices)[number];
          const alone = Math.round(v.fixed * 1000 + (a.inputBytes / v.rate) * 1000) / 1000;
          const took = +(a.end - a.start).toFixed(3);
          if (unlimited) expect(took).toBe(alone);
          else expect(took).toBeGreaterThanOrEqual(alone - 0.001);
        }
      }),
      runs,
    );
  });
});

