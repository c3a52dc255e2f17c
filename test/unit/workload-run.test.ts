import { describe, expect, it } from 'vitest';
import type { WorkloadJobSpec } from '../../src/model/workload-spec.js';
import { WorkloadRun, type WorkloadRunInput } from '../../src/dispatcher/workload-run.js';
import { scenario, withUnlimitedIo } from '../support/run.js';

/**
 * A job of `p` subtasks of `seconds` each, on 1-slot TaskManagers of 1 core and 4 GiB (1 CU
 * each; the JobManager is 1 CU too), 10 s start-up, 30 s idle timeout.
 */
function job(name: string, p: number, seconds: number, extra: Partial<WorkloadJobSpec> & { config?: object; faults?: object[] } = {}): WorkloadJobSpec {
  const { config, faults, ...rest } = extra;
  const spec = scenario(
    withUnlimitedIo({
      name,
      cluster: { taskmanager: { slots: 1, startup: '10s', idleTimeout: '30s' } },
      ...(config !== undefined && { config }),
      ...(faults !== undefined && { faults }),
      job: { vertices: [{ id: 'work', parallelism: p, source: { bytes: 0 }, fixed: `${seconds}s` }] },
    }),
  );
  return { name, spec, submitMs: 0, after: [], queue: 'q', priority: 0, ...rest };
}

function runJobs(jobs: WorkloadJobSpec[], queues: { name: string; capacityCu: number }[] = [{ name: 'q', capacityCu: Infinity }]) {
  const input: WorkloadRunInput = {
    name: 'test',
    seed: 0,
    queues,
    jobs,
    guards: jobs[0].spec.guards,
    warnings: [],
  };
  return new WorkloadRun(input).run().result;
}

function byName(result: ReturnType<typeof runJobs>, name: string) {
  const j = result.jobs.find((x) => x.name === name);
  if (j === undefined) throw new Error(`no job ${name}`);
  return j;
}

describe('several jobs in one queue, hand-computed', () => {
  it('a later job waits for capacity; a TaskManager request waits, and is withdrawn once not needed', () => {
    // Capacity 3: A (3 subtasks) holds its JobManager and 2 TaskManagers; its third request
    // waits. Its first two subtasks run 10-20, the third then takes a freed slot (20-30)
    // and the waiting request is withdrawn after 20 s. B, submitted at 0 too, is admitted
    // when A ends at 30: TaskManagers ready at 40, done at 50.
    const result = runJobs([job('A', 3, 10), job('B', 2, 10)], [{ name: 'q', capacityCu: 3 }]);
    expect(result.status).toBe('FINISHED');
    expect(byName(result, 'A')).toMatchObject({ submitted: 0, started: 0, end: 30, makespan: 30, waited: 20, status: 'FINISHED' });
    expect(byName(result, 'A').taskManagers.created).toBe(2);
    expect(byName(result, 'B')).toMatchObject({ submitted: 0, started: 30, end: 50, makespan: 50, waited: 30 });
    // B's longest stretch without a finish is from its own start to its first finish.
    expect(byName(result, 'B').longestStall).toEqual({ from: 30, to: 50, vertex: 'work' });
    expect(result.makespan).toBe(50);
    expect(result.queues).toEqual([{ name: 'q', capacity: 3, peakCu: 3, meanCu: 3 }]);
    // A: 2 TaskManagers and the JobManager for 30 s; B: 2 TaskManagers and the JobManager for 20 s.
    expect(byName(result, 'A').cost.coreSeconds).toBe(90);
    expect(byName(result, 'B').cost.coreSeconds).toBe(60);
    expect(result.cost.coreSeconds).toBe(150);
  });

  it('TaskManager requests of admitted jobs are served before admissions made at the same time', () => {
    // A is admitted first (name order) and asks for 2 TaskManagers at once: they are
    // served before B's admission, which then waits until A ends at 20.
    const result = runJobs([job('A', 2, 10), job('B', 2, 10)], [{ name: 'q', capacityCu: 3 }]);
    expect(byName(result, 'A')).toMatchObject({ started: 0, end: 20, waited: 0 });
    expect(byName(result, 'B')).toMatchObject({ started: 20, end: 40, waited: 20 });
  });

  it('a job without max slots starves a later one; its max slots stops that', () => {
    // Capacity 5. BIG (4 x 100 s) takes its JobManager and 4 TaskManagers: SMALL, submitted
    // at 5 s, is admitted only when BIG ends at 110 s.
    const starved = runJobs([job('BIG', 4, 100), job('SMALL', 1, 10, { submitMs: 5000 })], [{ name: 'q', capacityCu: 5 }]);
    expect(byName(starved, 'BIG')).toMatchObject({ end: 110 });
    expect(byName(starved, 'SMALL')).toMatchObject({ submitted: 5, started: 110, end: 130, makespan: 125, waited: 105 });
    // With slotmanager.number-of-slots.max = 2, BIG holds 3 CU, SMALL starts at once.
    const capped = runJobs(
      [job('BIG', 4, 100, { config: { 'slotmanager.number-of-slots.max': 2 } }), job('SMALL', 1, 10, { submitMs: 5000 })],
      [{ name: 'q', capacityCu: 5 }],
    );
    expect(byName(capped, 'SMALL')).toMatchObject({ submitted: 5, started: 5, end: 25, makespan: 20, waited: 0 });
    expect(byName(capped, 'BIG')).toMatchObject({ end: 210, makespan: 210 });
    expect(capped.queues[0].peakCu).toBe(5);
  });

  it('serves by priority, then submission time, then name', () => {
    // Room for one job at a time (its JobManager and one TaskManager): each takes 20 s.
    const q = [{ name: 'q', capacityCu: 2 }];
    const r = runJobs([job('low', 1, 10), job('high', 1, 10, { priority: 5 })], q);
    expect(byName(r, 'high')).toMatchObject({ started: 0, end: 20 });
    expect(byName(r, 'low')).toMatchObject({ started: 20, end: 40, waited: 20 });
    const named = runJobs([job('b', 1, 10), job('a', 1, 10)], q);
    expect(byName(named, 'a')).toMatchObject({ started: 0, end: 20 });
    expect(byName(named, 'b')).toMatchObject({ started: 20, end: 40 });
    const earlier = runJobs([job('a', 1, 10, { submitMs: 1000 }), job('b', 1, 10, { submitMs: 1000 }), job('c', 1, 10, { submitMs: 0 })], q);
    expect(byName(earlier, 'c')).toMatchObject({ started: 0, end: 20 });
    expect(byName(earlier, 'a')).toMatchObject({ started: 20, end: 40 });
    expect(byName(earlier, 'b')).toMatchObject({ started: 40, end: 60 });
  });

  it('queues never lend capacity to each other', () => {
    const queues = [
      { name: 'q1', capacityCu: 2 },
      { name: 'q2', capacityCu: 2 },
    ];
    const r = runJobs([job('j1', 1, 10, { queue: 'q1' }), job('j2', 1, 10, { queue: 'q1' }), job('j3', 1, 10, { queue: 'q2' })], queues);
    expect(byName(r, 'j1')).toMatchObject({ started: 0, end: 20 });
    expect(byName(r, 'j3')).toMatchObject({ started: 0, end: 20 });
    // q2 is idle from 20 s, yet j2 waits for q1.
    expect(byName(r, 'j2')).toMatchObject({ started: 20, end: 40 });
    expect(r.queues).toEqual([
      { name: 'q1', capacity: 2, peakCu: 2, meanCu: 2 },
      { name: 'q2', capacity: 2, peakCu: 2, meanCu: 1 },
    ]);
  });

  it('a workflow: a job starts when the jobs it comes after finished', () => {
    const r = runJobs([
      job('ingest', 1, 10),
      job('t1', 1, 10, { after: ['ingest'] }),
      job('t2', 1, 10, { after: ['ingest'], submitMs: 60_000 }),
      job('report', 1, 10, { after: ['t1', 't2'] }),
    ]);
    expect(byName(r, 'ingest')).toMatchObject({ submitted: 0, end: 20 });
    expect(byName(r, 't1')).toMatchObject({ submitted: 20, started: 20, end: 40, makespan: 20 });
    // Its own submission time is later than ingest's end.
    expect(byName(r, 't2')).toMatchObject({ submitted: 60, end: 80 });
    expect(byName(r, 'report')).toMatchObject({ submitted: 80, end: 100, status: 'FINISHED' });
  });

  it('a failed job makes the jobs after it SKIPPED, and the run FAILED', () => {
    const failing = {
      config: { 'restart-strategy.type': 'none' },
      faults: [{ type: 'subtask', vertex: 'work', subtask: 0, attempt: 0, at: 0.5 }],
    };
    const r = runJobs([job('ingest', 1, 10, failing), job('t1', 1, 10, { after: ['ingest'] }), job('report', 1, 10, { after: ['t1'] }), job('other', 1, 10)]);
    expect(byName(r, 'ingest')).toMatchObject({ status: 'FAILED', end: 15 });
    expect(byName(r, 't1')).toMatchObject({ status: 'SKIPPED', started: null, end: 15, makespan: 0 });
    expect(byName(r, 't1').cost.coreSeconds).toBe(0);
    expect(byName(r, 'report')).toMatchObject({ status: 'SKIPPED', started: null });
    expect(byName(r, 'other')).toMatchObject({ status: 'FINISHED', end: 20 });
    expect(r.status).toBe('FAILED');
    expect(r.makespan).toBe(20);
  });

  it('a job alone in an unlimited queue runs as it does alone', () => {
    const one = job('solo', 3, 10);
    const r = runJobs([one]);
    expect(byName(r, 'solo')).toMatchObject({ makespan: 20, started: 0, waited: 0 });
    expect(byName(r, 'solo').taskManagers.created).toBe(3);
  });

  it('a STREAMING job waits for all its slots in its queue, and fails after slot.request.timeout when they never come', () => {
    const streaming = (name: string, p: number, timeout: string) =>
      job(name, p, 10, { config: { 'execution.runtime-mode': 'STREAMING', 'parallelism.default': p, 'slot.request.timeout': timeout } });
    // Capacity 3: its JobManager and 2 TaskManagers; it needs 3 slots, so it waits out its 60 s timeout.
    const starved = runJobs([streaming('s', 3, '60s')], [{ name: 'q', capacityCu: 3 }]);
    expect(byName(starved, 's').status).toBe('FAILED');
    expect(byName(starved, 's').failureCause).toMatch(/NoResourceAvailableException/);
    expect(byName(starved, 's').end).toBe(60);
    // Capacity 4: all 3 TaskManagers fit; ready at 10 s, the job runs 10 s.
    const fits = runJobs([streaming('s', 3, '60s')], [{ name: 'q', capacityCu: 4 }]);
    expect(byName(fits, 's')).toMatchObject({ status: 'FINISHED', end: 20 });
  });

  it('TaskManager faults count from the job start and the job\'s own TaskManagers', () => {
    // B starts at 20 s (after A); its fault at 15 s hits its own TaskManager 0 at 35 s, while it runs (30-40).
    const q = [{ name: 'q', capacityCu: 2 }];
    const faults = [{ type: 'taskmanager', at: '15s', tm: 0 }];
    const r = runJobs([job('A', 1, 10), job('B', 1, 10, { faults })], q);
    const b = byName(r, 'B');
    expect(b.started).toBe(20);
    expect(b.failures[0]).toMatchObject({ time: 35, taskManager: 0, action: 'restart' });
    expect(byName(r, 'A').failures).toEqual([]);
  });
});
