import { describe, expect, it } from 'vitest';
import { workloadJobsCsv, workloadMetricsCsv } from '../../src/report/workload-metrics-csv.js';
import { runWorkload, twoJobsOneQueue, workloadJob } from '../support/workload-fixtures.js';

describe('workloadMetricsCsv', () => {
  it('has a row per time the queue changed, computed by hand', () => {
    // At 0: A's JobManager and 2 TaskManagers hold all 3 CU; A's third TaskManager request
    // and B's admission wait. At 20 A withdraws its request; at 30 A ends and B takes its
    // JobManager and 2 TaskManagers; at 50 B ends.
    expect(workloadMetricsCsv(twoJobsOneQueue().timeline)).toBe(
      ['time,q_cu_in_use,q_waiting_requests', '0,3,2', '20,3,1', '30,3,0', '50,0,0', ''].join('\n'),
    );
  });

  it('gives each queue its columns, carrying its value over the times only another queue changed', () => {
    // q1 (capacity 2): j1 runs 0-20 (JobManager 0-20, its TaskManager 0-20), j2 waits for it
    // and runs 20-40. q2: j3 is submitted at 5 and runs 5-25.
    const { timeline } = runWorkload(
      [workloadJob('j1', 1, 10, { queue: 'q1' }), workloadJob('j2', 1, 10, { queue: 'q1' }), workloadJob('j3', 1, 10, { queue: 'q 2', submitMs: 5000 })],
      [
        { name: 'q1', capacityCu: 2 },
        { name: 'q 2', capacityCu: 2 },
      ],
    );
    expect(workloadMetricsCsv(timeline).split('\n')).toEqual([
      'time,q1_cu_in_use,q1_waiting_requests,q 2_cu_in_use,q 2_waiting_requests',
      '0,2,1,0,0',
      '5,2,1,2,0',
      '20,2,0,2,0',
      '25,2,0,0,0',
      '40,0,0,0,0',
      '',
    ]);
  });
});

describe('workloadJobsCsv', () => {
  it('has a row per job', () => {
    expect(workloadJobsCsv(twoJobsOneQueue().result).split('\n')).toEqual([
      'job,queue,priority,status,submitted,started,waited,end,makespan,taskmanagers_created,taskmanagers_peak,restarts,slot_seconds,core_seconds,gib_seconds,failure_cause',
      'A,q,0,FINISHED,0,0,20,30,30,2,2,0,30,90,360,',
      'B,q,0,FINISHED,0,30,30,50,50,2,2,0,20,60,240,',
      '',
    ]);
  });

  it('leaves `started` empty for a job never admitted, and quotes a cause with a comma', () => {
    const failing = {
      config: { 'restart-strategy.type': 'none' },
      faults: [{ type: 'subtask', vertex: 'work', subtask: 0, attempt: 0, at: 0.5 }],
    };
    const { result } = runWorkload([workloadJob('ingest', 1, 10, failing), workloadJob('t1', 1, 10, { after: ['ingest'] })]);
    const t1 = workloadJobsCsv(result).split('\n')[2];
    expect(t1).toBe('t1,q,0,SKIPPED,15,,0,15,0,0,0,0,0,0,0,"skipped: ingest, which it comes after, did not finish"');
  });
});
