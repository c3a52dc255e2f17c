import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { metricsCsv } from '../../src/report/metrics-csv.js';
import { simulate } from '../../src/sim/simulate.js';
import { checkTimeMonotone, clusterArb, jobArb, peakLiveSlots } from '../support/arbitraries.js';
import { scenario } from '../support/run.js';

const runs = Number(process.env.PROP_RUNS ?? 80);

/** Streaming runs of generated jobs, with random failures and TaskManager losses. */
const faultsArb = fc.record({
  probability: fc.constantFrom(0, 0, 0.01, 0.05),
  losses: fc.array(fc.record({ at: fc.integer({ min: 0, max: 200 }), tm: fc.integer({ min: 0, max: 6 }) }), { maxLength: 2 }),
});

describe('streaming mode over generated jobs, clusters and faults', () => {
  it('ends, keeps to the slot cap, and reports slot-seconds equal to the busy slots over time', () => {
    fc.assert(
      fc.property(jobArb, clusterArb, faultsArb, fc.integer({ min: 0, max: 1000 }), (vertices, cluster, f, seed) => {
        const faults = [
          ...(f.probability > 0 ? [{ type: 'random-subtask', probability: f.probability }] : []),
          ...f.losses.map((l) => ({ type: 'taskmanager', at: l.at, tm: l.tm })),
        ];
        const spec = scenario({
          seed,
          cluster,
          config: { 'execution.runtime-mode': 'STREAMING', 'slot.request.timeout': '10 min', 'batchsim.max-restarts-without-progress': 10 },
          job: { vertices },
          faults,
        });
        const { result, timeline } = simulate(spec, { recordTimeline: true });
        if (timeline === undefined) throw new Error('no timeline');
        expect(['FINISHED', 'FAILED']).toContain(result.status);
        if (result.status === 'FAILED') expect(result.failureCause).toBeTruthy();
        if (spec.cluster.maxSlots !== Infinity) expect(peakLiveSlots(timeline)).toBeLessThanOrEqual(spec.cluster.maxSlots);
        checkTimeMonotone(timeline);

        const [header, ...rows] = metricsCsv(timeline).trim().split('\n');
        const cols = header.split(',');
        const values = rows.map((r) => r.split(',').map(Number));
        const t = cols.indexOf('time');
        const busy = cols.indexOf('busy_slots');
        let integral = 0;
        for (let i = 1; i < values.length; i++) integral += values[i - 1][busy] * (values[i][t] - values[i - 1][t]);
        expect(integral).toBeCloseTo(result.slotSeconds, 3);

        if (result.status === 'FINISHED') {
          // A finished run's last deployment ran every subtask to its end.
          const last = Math.max(...timeline.attempts.map((a) => a.attempt));
          const done = timeline.attempts.filter((a) => a.attempt === last && a.outcome === 'finished');
          expect(done).toHaveLength(result.vertices.reduce((n, v) => n + (v.parallelism ?? 0), 0));
        }
      }),
      { numRuns: runs },
    );
  });
});
