import { describe, expect, it } from 'vitest';
import { formatWorkloadSummary } from '../../src/report/workload-summary.js';
import { runWorkload, twoJobsOneQueue, workloadJob } from '../support/workload-fixtures.js';

describe('formatWorkloadSummary', () => {
  it('prints the jobs and the queue of a small workload, computed by hand', () => {
    // A: JobManager + 2 TaskManagers (1 core, 4 GiB each) for 30 s = 90 core-s, 360 GiB-s; its
    // third TaskManager request waited 0-20 s. B: admitted at 30 (waited 30 s), 3 processes
    // for 20 s = 60 core-s, 240 GiB-s; its makespan counts from its submission at 0.
    // The queue holds 3 of 3 CU from 0 to 50.
    expect(formatWorkloadSummary(twoJobsOneQueue().result)).toBe(
      [
        'two-jobs (seed 0, 2 jobs, 1 queue)',
        'status        FINISHED',
        'makespan      50 s (the end of the last job)',
        'cost          150.0 core-seconds, 600.0 GiB-seconds (TaskManagers and JobManagers of all jobs)',
        '',
        'job  queue  submitted s  started s  waited s  end s  makespan s  status    TMs  core-s',
        'A    q              0.0        0.0      20.0   30.0        30.0  FINISHED    2    90.0',
        'B    q              0.0       30.0      30.0   50.0        50.0  FINISHED    2    60.0',
        '',
        'queue  capacity CU  peak CU  mean CU  peak use  mean use',
        'q                3        3        3      100%      100%',
      ].join('\n'),
    );
  });

  it('says which jobs did not finish and why, and how full each queue was', () => {
    const failing = {
      config: { 'restart-strategy.type': 'none' },
      faults: [{ type: 'subtask', vertex: 'work', subtask: 0, attempt: 0, at: 0.5 }],
    };
    // ingest fails at 15 s (its attempt ran 10-15 s); t1 comes after it and is skipped. In
    // q2 (capacity 4) `other` holds 2 CU for 20 of the run's 20 s: mean 2, half the capacity;
    // q holds ingest's 2 CU for 15 of 20 s: mean 1.5.
    const { result } = runWorkload(
      [workloadJob('ingest', 1, 10, failing), workloadJob('t1', 1, 10, { after: ['ingest'] }), workloadJob('other', 1, 10, { queue: 'q2' })],
      [
        { name: 'q', capacityCu: Infinity },
        { name: 'q2', capacityCu: 4 },
      ],
    );
    const text = formatWorkloadSummary(result);
    expect(text).toContain('status        FAILED: 1 of 3 jobs failed, 1 skipped\n');
    expect(text).toMatch(/^t1\s+q\s+15\.0\s+-\s+0\.0\s+15\.0\s+0\.0\s+SKIPPED\s+0\s+0\.0$/m);
    expect(text).toContain('q        unlimited        2      1.5         -         -');
    expect(text).toContain('q2               4        2        2       50%       50%');
    expect(text).toMatch(/\nnot finished:\n {2}ingest FAILED: .+\n {2}t1 SKIPPED: skipped: ingest, which it comes after, did not finish$/);
  });
});
