//! `import --check` of a trace: the comparison and its error distribution, with a stand-in for the multi-job run.

import { describe, expect, it } from 'vitest';
import { importBatchTasks } from '../../src/import/alibaba-batch-task.js';
import { checkTrace, formatTraceCheck, type WorkloadRunner } from '../../src/import/trace-check.js';
import type { WorkloadResult } from '../../src/model/run-result.js';
import type { WorkloadSpec } from '../../src/model/workload-spec.js';
import { loadScenario } from '../../src/scenario/load.js';

/*
 * x: M1 100-110 -> R2_1 110-115: recorded 15 s, its chain 15 s.
 * z: M1 0-10 -> R2_1 0-10: R2_1 ran alongside M1; recorded 10 s, chain 20 s.
 * w: M1 0-1 -> R2_1 5-6: R2_1 started 4 s after M1 ended; recorded 6 s, chain 2 s.
 * y: one Running task.
 */
const TABLE = [
  'M1,1,x,1,Terminated,100,110,100,1',
  'R2_1,1,x,1,Terminated,110,115,100,1',
  'M1,1,z,1,Terminated,0,10,100,1',
  'R2_1,1,z,1,Terminated,0,10,100,1',
  'M1,1,w,1,Terminated,0,1,100,1',
  'R2_1,1,w,1,Terminated,5,6,100,1',
  'M1,1,y,1,Running,50,58,100,1',
].join('\n');

type FakeJob = { name: string; makespan: number; status?: string; waited?: number; failureCause?: string };

/** A stand-in for the multi-job run: the makespans given, and the spec it was handed. */
function fakeRunner(jobs: FakeJob[], seen: WorkloadSpec[] = []): WorkloadRunner {
  return (spec) => {
    seen.push(spec);
    return {
      jobs: jobs.map((j) => ({ status: 'FINISHED', waited: 0, ...j })),
    } as unknown as WorkloadResult;
  };
}

function imported() {
  const trace = importBatchTasks(TABLE, 't.csv');
  const s = loadScenario(trace.yaml, 't.yaml');
  if (s.kind !== 'workload') throw new Error('expected a workload');
  return { trace, workload: s.workload };
}

describe('checkTrace', () => {
  it('compares each simulated makespan with the recorded span and says why they differ', () => {
    const { trace, workload } = imported();
    const seen: WorkloadSpec[] = [];
    // What a run with unlimited capacity gives: each job's chain of task times.
    const rows = checkTrace(trace, workload, fakeRunner([
      { name: 'x', makespan: 15 },
      { name: 'z', makespan: 20 },
      { name: 'w', makespan: 2 },
      { name: 'y', makespan: 8 },
    ], seen));
    expect(seen).toEqual([workload]);
    const byName = Object.fromEntries(rows.map((r) => [r.name, r]));
    expect(byName.x).toEqual({ name: 'x', recorded: 15, simulated: 15, error: 0, status: 'FINISHED', terminated: true });
    expect(byName.z.error).toBe(1);
    expect(byName.z.why).toBe('in the trace, tasks ran alongside tasks their names say they depend on; waiting for each dependency takes 20 s along the longest chain');
    expect(byName.w.error).toBeCloseTo(-4 / 6, 12);
    expect(byName.w.why).toBe('in the trace, tasks started 4 s later than their dependencies allow (waiting for machines or the scheduler), which an unlimited queue never does');
    expect(byName.y).toMatchObject({ recorded: 8, simulated: 8, error: 0, terminated: false });
    expect(byName.y.why).toBeUndefined();
  });

  it('a job that failed, waited for its queue, or is missing from the run', () => {
    const { trace, workload } = imported();
    const rows = checkTrace(trace, workload, fakeRunner([
      { name: 'x', makespan: 30, waited: 15 },
      { name: 'z', makespan: 3, status: 'FAILED', failureCause: 'boom' },
      { name: 'y', makespan: 4 },
    ]));
    const why = Object.fromEntries(rows.map((r) => [r.name, r.why]));
    expect(why.x).toBe('it waited 15 s for queue capacity');
    expect(why.z).toBe('the simulated job ended FAILED (boom)');
    expect(why.w).toBe('not in the simulated run');
    expect(why.y).toBe("not every task terminated (1 Running): the recorded span is cut off by the trace's end or by the failure");
  });
});

describe('formatTraceCheck', () => {
  it('prints the distribution of |error| per group and the largest differences', () => {
    const { trace, workload } = imported();
    const rows = checkTrace(trace, workload, fakeRunner([
      { name: 'x', makespan: 15 },
      { name: 'z', makespan: 20 },
      { name: 'w', makespan: 2 },
      { name: 'y', makespan: 4 },
    ]));
    const text = formatTraceCheck(rows);
    const lines = text.split('\n');
    // Terminated: |errors| 0, 2/3, 1: mean 55.6 %, median (nearest rank) 66.7 %, p90 and max 100 %.
    expect(lines[0]).toBe('check: 4 jobs, simulated makespan (submission to end) against the recorded span (first start to last end)');
    expect(lines[1].split(/\s{2,}/)).toEqual(['', 'jobs', 'mean |err|', 'median', 'p90', 'max', '<=1%', '<=10%', '<=50%', '>50%']);
    expect(lines[2].split(/\s{2,}/)).toEqual(['all tasks terminated', '3', '55.6%', '66.7%', '100.0%', '100.0%', '1', '0', '0', '2']);
    // y: recorded 8 s, simulated 4 s: -50 %, within 50 %.
    expect(lines[3].split(/\s{2,}/)).toEqual(['not all terminated', '1', '50.0%', '50.0%', '50.0%', '50.0%', '0', '0', '1', '0']);
    expect(text).toContain('largest differences (3 of 3):');
    const table = lines.slice(lines.indexOf('largest differences (3 of 3):') + 1);
    expect(table[0].split(/\s{2,}/)).toEqual(['job', 'recorded', 'simulated', 'error', 'why']);
    expect(table[1].split(/\s{2,}/).slice(0, 4)).toEqual(['z', '10 s', '20 s', '+100.0%']);
    expect(table[2].split(/\s{2,}/).slice(0, 4)).toEqual(['w', '6 s', '2 s', '-66.7%']);
    expect(table[3].split(/\s{2,}/).slice(0, 4)).toEqual(['y', '8 s', '4 s', '-50.0%']);
  });

  it('says when every job matches', () => {
    const { trace, workload } = imported();
    const rows = checkTrace(trace, workload, fakeRunner([
      { name: 'x', makespan: 15 },
      { name: 'z', makespan: 10 },
      { name: 'w', makespan: 6 },
      { name: 'y', makespan: 8 },
    ]));
    expect(formatTraceCheck(rows)).toMatch(/every job matches its recorded span within 1%\n$/);
  });
});
