import { describe, expect, it } from 'vitest';
import { run } from '../support/run.js';

// agg is inferred from 1 GiB at 16 MiB per task: 64 subtasks.
const job = `
cluster:
  taskmanager: { startup: 0 s, slots: 4 }
job:
  vertices:
    - { id: src, parallelism: 2, source: { bytes: 1 gb }, rate: 100 mb/s }
    - { id: agg, inputs: [{ from: src }], rate: 100 mb/s }
`;

describe('faults that never fired are named after the run', () => {
  it('a TaskManager loss after the job ended, a hosting index past the inferred parallelism, an attempt that never ran, a TaskManager never live', () => {
    const { result } = run(`${job}faults:
  - { type: taskmanager, at: 2 h, tm: 0 }
  - { type: taskmanager, at: 1 s, hosting: "agg[99]" }
  - { type: subtask, vertex: agg, subtask: 0, attempt: 3 }
  - { type: taskmanager, at: 1 s, tm: 7 }
`);
    expect(result.status).toBe('FINISHED');
    expect(result.makespan).toBeLessThan(60);
    expect(result.warnings).toEqual([
      `faults[0]: the loss of TaskManager 0 at 7200 s never happened: the job ended at ${result.makespan} s`,
      'faults[1]: the loss of the TaskManager hosting agg[99] at 1 s hit nothing: agg ran with parallelism 64, so agg[99] never existed',
      'faults[2]: the subtask fault never fired: attempt 3 of agg[0] never ran to 0.5 of its time',
      'faults[3]: the loss of TaskManager 7 at 1 s hit nothing: no such TaskManager was live then',
    ]);
  });

  it('says nothing of faults that fired, and only once of a shadowed one', () => {
    const { result } = run(`${job}faults:
  - { type: subtask, vertex: src, subtask: 1, at: 0.5 }
  - { type: subtask, vertex: src, subtask: 1, at: 0.9 }
`);
    expect(result.failures.map((f) => f.subtask)).toEqual(['src[1]']);
    expect(result.warnings).toEqual(['faults[1]: applies to nothing: attempt 0 of src[1] already fails at 0.5 of its time (faults[0])']);
  });
});
