import { describe, expect, it } from 'vitest';
import { run, vertex } from '../support/run.js';

describe('a run whose times overflow ends FAILED at the time limit', () => {
  // 1 GiB at 1e-300 B/s would take ~1e309 s: Infinity in a double.
  const slow = (mode: string) => `
config:
  execution.runtime-mode: ${mode}
  batchsim.max-simulated-time: 1 h
cluster:
  taskmanager: { startup: 10 s }
job:
  vertices:
    - { id: a, parallelism: 2, source: { bytes: 1 gb }, rate: 1e-300 }
    - { id: b, parallelism: 2, inputs: [{ from: a }], fixed: 1 s }
`;
  it.each(['BATCH', 'STREAMING'])('%s: FAILED by batchsim.max-simulated-time, makespan exactly the limit', (mode) => {
    const { result } = run(slow(mode));
    expect(result.status).toBe('FAILED');
    expect(result.failureCause).toBe('simulated time limit reached (batchsim.max-simulated-time = 3600 s)');
    expect(result.makespan).toBe(3600);
  });

  it('an injected fault at 0 of an endless attempt still fails it at once', () => {
    const { result } = run(`${slow('BATCH')}faults:\n  - { type: subtask, vertex: a, subtask: 0, at: 0 }\n`);
    expect(result.failures[0].time).toBe(10);
    expect(result.makespan).toBe(3600);
  });

  it('an attempt ending after the limit is not run: the job does not finish past it', () => {
    const { result } = run(`
config:
  batchsim.max-simulated-time: 100 s
cluster:
  taskmanager: { startup: 0 s }
job:
  vertices:
    - { id: a, parallelism: 1, source: { bytes: 1 }, fixed: 101 s }
`);
    expect(result.status).toBe('FAILED');
    expect(result.makespan).toBe(100);
    expect(vertex({ result }, 'a').end).toBeNull();
  });
});

describe('an undecided parallelism', () => {
  it('is null, not 0, when the job fails before the vertex is decided', () => {
    const { result } = run(`
cluster:
  taskmanager: { startup: 0 s }
job:
  vertices:
    - { id: a, parallelism: 2, source: { bytes: 1 gb }, rate: 1 gb/s }
    - { id: b, inputs: [{ from: a }] }
    - { id: c, parallelism: 3, inputs: [{ from: b }] }
faults:
  - { type: subtask, vertex: a, subtask: 0, at: 0.5 }
config:
  restart-strategy.type: none
`);
    expect(result.status).toBe('FAILED');
    expect(vertex({ result }, 'a').parallelism).toBe(2);
    expect(vertex({ result }, 'b').parallelism).toBeNull();
    expect(vertex({ result }, 'c').parallelism).toBeNull();
    expect(JSON.parse(JSON.stringify(result)).vertices[1].parallelism).toBeNull();
  });
});
