import { describe, expect, it } from 'vitest';
import { QUEUES_PID, toWorkloadChromeTrace, workloadJobPid } from '../../src/report/workload-trace.js';
import { runWorkload, twoJobsOneQueue, workloadJob } from '../support/workload-fixtures.js';

type Ev = Record<string, any>;

function trace() {
  const { result, timeline } = twoJobsOneQueue();
  return toWorkloadChromeTrace(result, timeline).traceEvents as Ev[];
}

const names = (events: Ev[], kind: string, pid?: number) =>
  events.filter((e) => e.ph === 'M' && e.name === kind && (pid === undefined || e.pid === pid)).map((e) => [e.pid, e.tid, e.args.name]);

describe('toWorkloadChromeTrace', () => {
  it('has the queues and one process per job, its slots as threads', () => {
    const events = trace();
    expect(names(events, 'process_name')).toEqual([
      [QUEUES_PID, 0, 'Queues'],
      [1, 0, 'A (queue q, FINISHED)'],
      [2, 0, 'B (queue q, FINISHED)'],
    ]);
    // A had TaskManagers 0 and 1, one slot each.
    expect(names(events, 'thread_name', workloadJobPid(0))).toEqual([
      [1, 0, 'job'],
      [1, 1, 'TaskManager 0 slot 0'],
      [1, 2, 'TaskManager 1 slot 0'],
    ]);
  });

  it("puts each job's attempts on its slots' threads and its wait and run on its own lane, hand-computed", () => {
    const events = trace();
    const spans = (pid: number) => events.filter((e) => e.ph === 'X' && e.pid === pid).map((e) => [e.tid, e.name, e.ts / 1e6, e.dur / 1e6]);
    // A: admitted at once; subtasks 0 and 1 on TaskManagers 0 and 1 at 10-20, subtask 2 on TaskManager 0 at 20-30.
    expect(spans(workloadJobPid(0))).toEqual([
      [0, 'running', 0, 30],
      [1, 'work[0]#0', 10, 10],
      [1, 'work[2]#0', 20, 10],
      [2, 'work[1]#0', 10, 10],
    ]);
    // B waits for A's end at 30, then runs its two subtasks at 40-50.
    expect(spans(workloadJobPid(1))).toEqual([
      [0, 'waiting for queue', 0, 30],
      [0, 'running', 30, 20],
      [1, 'work[0]#0', 40, 10],
      [2, 'work[1]#0', 40, 10],
    ]);
  });

  it('draws the queue as counters of CU in use and waiting requests, only where they change', () => {
    const counters = (name: string) => trace().filter((e) => e.ph === 'C' && e.pid === QUEUES_PID && e.name === name).map((e) => [e.ts / 1e6, e.args]);
    expect(counters('q CU in use (capacity 3)')).toEqual([
      [0, { cu: 3 }],
      [50, { cu: 0 }],
    ]);
    expect(counters('q waiting requests')).toEqual([
      [0, { requests: 2 }],
      [20, { requests: 1 }],
      [30, { requests: 0 }],
    ]);
  });

  it('marks a skipped job with an instant and no run', () => {
    const failing = {
      config: { 'restart-strategy.type': 'none' },
      faults: [{ type: 'subtask', vertex: 'work', subtask: 0, attempt: 0, at: 0.5 }],
    };
    const { result, timeline } = runWorkload([workloadJob('ingest', 1, 10, failing), workloadJob('t1', 1, 10, { after: ['ingest'] })]);
    const events = toWorkloadChromeTrace(result, timeline).traceEvents as Ev[];
    const t1 = events.filter((e) => e.pid === workloadJobPid(1) && e.ph !== 'M');
    expect(t1).toEqual([expect.objectContaining({ name: 'skipped', ph: 'i', ts: 15e6 })]);
  });
});
