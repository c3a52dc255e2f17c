import { describe, expect, it } from 'vitest';
import { runHandComputed as run, vertex } from '../support/run.js';

const noDelay = { 'restart-strategy.type': 'fixed-delay', 'restart-strategy.fixed-delay.attempts': 10, 'restart-strategy.fixed-delay.delay': '0 s' };

/**
 * A(p=2, 10 s) -> B(p=2, 10 s) -> C(p=1, 10 s), all-to-all, TaskManagers start at once.
 *
 *   A[0] ─┐   ┌─ B[0] ─┐
 *         ├───┤        ├── C[0]
 *   A[1] ─┘   └─ B[1] ─┘
 */
function chain(extra: object = {}) {
  return {
    cluster: { taskmanager: { startup: 0 } },
    config: noDelay,
    job: {
      vertices: [
        { id: 'A', parallelism: 2, source: { bytes: '1MiB' }, fixed: '10s' },
        { id: 'B', parallelism: 2, inputs: [{ from: 'A' }], fixed: '10s' },
        { id: 'C', parallelism: 1, inputs: [{ from: 'B' }], fixed: '10s' },
      ],
    },
    faults: [{ type: 'subtask', vertex: 'B', subtask: 1, attempt: 0, at: 0.5 }],
    ...extra,
  };
}

describe('region failover, hand-computed', () => {
  it('B[1] failing half-way restarts only B[1] (C has not started: nothing to restart there): 35 s, A not re-run, 1 restart', () => {
    const out = run(chain());
    const r = out.result;
    expect(r.status).toBe('FINISHED');
    expect(r.makespan).toBe(35);
    expect(r.restarts).toBe(1);
    expect(vertex(out, 'A').attempts).toBe(2);
    expect(vertex(out, 'B').attempts).toBe(3);
    expect(vertex(out, 'C').attempts).toBe(1);
    expect(r.failures).toHaveLength(1);
    expect(r.failures[0]).toMatchObject({ time: 15, subtask: 'B[1]', attempt: 0, action: 'restart', restarted: ['B[1]'], delay: 0 });
    const failed = out.timeline.attempts.filter((a) => a.outcome === 'failed');
    expect(failed).toEqual([expect.objectContaining({ vertex: 'B', subtask: 1, start: 10, end: 15, cause: expect.stringMatching(/Injected/) })]);
  });

  it('the full failover strategy restarts everything: 45 s', () => {
    const out = run(chain({ config: { ...noDelay, 'jobmanager.execution.failover-strategy': 'full' } }));
    expect(out.result.makespan).toBe(45);
    expect(vertex(out, 'A').attempts).toBe(4);
    expect(out.result.failures[0].restartedCount).toBe(5);
  });

  it('waits the restart delay: fixed-delay 5 s gives 40 s', () => {
    const out = run(chain({ config: { ...noDelay, 'restart-strategy.fixed-delay.delay': '5 s' } }));
    expect(out.result.makespan).toBe(40);
    expect(out.result.failures[0].delay).toBe(5);
  });

  it('ends FAILED with the last cause when the restart strategy is exhausted', () => {
    const out = run(chain({ config: { 'restart-strategy.type': 'none' } }));
    expect(out.result.status).toBe('FAILED');
    expect(out.result.failureCause).toMatch(/Injected failure.*B\[1\].*restart strategy exhausted/);
    expect(out.result.makespan).toBe(15);
    expect(out.result.restarts).toBe(0);
    expect(out.result.failures[0].action).toBe('job-failed');
  });

  it('C failing re-runs only C: the files it reads are still needed, so they were kept: 35 s', () => {
    const out = run(chain({ faults: [{ type: 'subtask', vertex: 'C', subtask: 0, attempt: 0, at: 0.5 }] }));
    expect(out.result.makespan).toBe(35);
    expect(vertex(out, 'B').attempts).toBe(2);
    expect(out.result.failures[0].restarted).toEqual(['C[0]']);
  });

  /**
   * W(10 s) ─┐
   *          ├─ X(10 s)      Y's file is also read by V (40 s), so it outlives X;
   * Y(10 s) ─┤               W's file is deleted when X finishes at 20 s.
   *          └─ V(40 s)
   *
   * At 30 s the TaskManager holding Y's file is lost: Y runs again, so do its consumers
   * X (finished) and V (running), and X needs W's file, already deleted: W runs again.
   */
  it('a restarted consumer whose input was already deleted re-runs that input\'s producer', () => {
    const out = run({
      cluster: { taskmanager: { startup: 0 } },
      config: noDelay,
      job: {
        vertices: [
          { id: 'W', parallelism: 1, source: { bytes: '1MiB' }, fixed: '10s' },
          { id: 'Y', parallelism: 1, source: { bytes: '1MiB' }, fixed: '10s' },
          { id: 'X', parallelism: 1, inputs: [{ from: 'W' }, { from: 'Y' }], fixed: '10s' },
          { id: 'V', parallelism: 1, inputs: [{ from: 'Y' }], fixed: '40s' },
        ],
      },
      faults: [{ type: 'taskmanager', at: '30s', hosting: 'Y[0]' }],
    });
    expect([...out.result.failures[0].restarted].sort()).toEqual(['V[0]', 'W[0]', 'X[0]', 'Y[0]']);
    expect(out.result.makespan).toBe(80);
    expect(vertex(out, 'W').attempts).toBe(2);
    expect(vertex(out, 'X').attempts).toBe(2);
  });
});

/**
 * A(p=2, 10 s) -> B(p=2, 10 s) pointwise. A[0] and then B[0] run on TaskManager 0,
 * which is lost at 15 s while B runs.
 */
function lostTm(shuffle: 'local' | 'remote') {
  return {
    cluster: { taskmanager: { startup: 0 }, shuffle },
    config: noDelay,
    job: {
      vertices: [
        { id: 'A', parallelism: 2, source: { bytes: '1MiB' }, fixed: '10s' },
        { id: 'B', parallelism: 2, inputs: [{ from: 'A', pattern: 'pointwise' }], fixed: '10s' },
      ],
    },
    faults: [{ type: 'taskmanager', at: '15s', hosting: 'A[0]' }],
  };
}

describe('TaskManager loss', () => {
  it('local shuffle: the lost file of A[0] is produced again, then B[0] runs again: 35 s', () => {
    const out = run(lostTm('local'));
    expect(out.result.status).toBe('FINISHED');
    expect(out.result.makespan).toBe(35);
    expect(vertex(out, 'A').attempts).toBe(3);
    expect(vertex(out, 'B').attempts).toBe(3);
    expect(out.result.failures[0]).toMatchObject({ taskManager: 0, cause: 'TaskManager lost', restartedCount: 2 });
    expect([...out.result.failures[0].restarted].sort()).toEqual(['A[0]', 'B[0]']);
    expect(out.result.taskManagers.created).toBe(3);
    expect(out.timeline.events.some((e) => e.kind === 'tm-lost' && e.tm === 0)).toBe(true);
  });

  it('remote shuffle: only the B attempt that ran on the lost TaskManager runs again: 25 s', () => {
    const out = run(lostTm('remote'));
    expect(out.result.makespan).toBe(25);
    expect(vertex(out, 'A').attempts).toBe(2);
    expect(vertex(out, 'B').attempts).toBe(3);
    expect(out.result.failures[0].restarted).toEqual(['B[0]']);
  });

  it('losing a TaskManager that is already gone changes nothing', () => {
    const doc = { ...lostTm('local'), faults: [{ type: 'taskmanager', at: '15s', tm: 7 }] };
    const out = run(doc);
    expect(out.result.makespan).toBe(20);
    expect(out.result.restarts).toBe(0);
    expect(out.result.failures[0].action).toBe('ignored');
  });
});

describe('disk full', () => {
  /** A(p=2) writes 12 GiB per subtask onto a 20 GiB disk; B reads it all. */
  const job = (slots: number) => ({
    cluster: { taskmanager: { slots, startup: 0, disk: '20GiB', diskBandwidth: 'unlimited', networkBandwidth: 'unlimited' } },
    config: { 'restart-strategy.type': 'fixed-delay', 'restart-strategy.fixed-delay.attempts': 3, 'restart-strategy.fixed-delay.delay': '1 s' },
    job: {
      vertices: [
        { id: 'A', parallelism: 2, source: { bytes: '24GiB' }, rate: '1GiB/s' },
        { id: 'B', parallelism: 1, inputs: [{ from: 'A' }], rate: '1GiB/s' },
      ],
    },
  });

  it('one slot per TaskManager: each 12 GiB file fits its own disk', () => {
    const { result } = run(job(1));
    expect(result.status).toBe('FINISHED');
    expect(result.restarts).toBe(0);
    expect(result.disk.peakBytesOneTaskManager).toBe(12 * 2 ** 30);
  });

  it('two slots share one 20 GiB disk: "No space left on device", and the job fails when restarts run out', () => {
    const { result, timeline } = run(job(2));
    expect(result.status).toBe('FAILED');
    expect(result.failureCause).toMatch(/No space left on device.*restart strategy exhausted/);
    expect(result.restarts).toBe(3);
    // Both writes grow at 1 GiB/s: the disk fills at 10 s; the attempt that started last fails.
    expect(result.failures[0]).toMatchObject({ time: 10, cause: 'No space left on device' });
    for (const d of timeline.disk) expect(d.bytes).toBeLessThanOrEqual(20 * 2 ** 30);
    expect(result.disk.peakBytesOneTaskManager).toBeLessThanOrEqual(20 * 2 ** 30);
  });
});

describe('every run ends', () => {
  it('a job where every attempt fails ends after the no-progress guard', () => {
    const { result } = run({
      cluster: { taskmanager: { startup: 0 } },
      config: { 'batchsim.max-restarts-without-progress': 5 },
      job: { vertices: [{ id: 'A', parallelism: 1, source: { bytes: 1 }, fixed: '1s' }] },
      faults: [{ type: 'random-subtask', probability: 1 }],
    });
    expect(result.status).toBe('FAILED');
    expect(result.failureCause).toMatch(/no progress: 5 restarts/);
  });

  it('a subtask that keeps failing ends the job after max-attempts-per-subtask', () => {
    const { result } = run({
      cluster: { taskmanager: { startup: 0 } },
      config: { ...noDelay, 'batchsim.max-attempts-per-subtask': 3 },
      job: { vertices: [{ id: 'A', parallelism: 1, source: { bytes: 1 }, fixed: '1s' }] },
      faults: [0, 1, 2, 3].map((attempt) => ({ type: 'subtask', vertex: 'A', subtask: 0, attempt, at: 0.5 })),
    });
    expect(result.status).toBe('FAILED');
    expect(result.failureCause).toMatch(/A\[0\] failed 3 times/);
  });
});

describe('streaming mode failures', () => {
  it('any failure restarts every subtask', () => {
    const out = run({
      config: { ...noDelay, 'execution.runtime-mode': 'STREAMING' },
      cluster: { taskmanager: { startup: 0 } },
      job: {
        vertices: [
          { id: 'A', parallelism: 2, source: { bytes: 0 }, fixed: '10s' },
          { id: 'B', parallelism: 2, inputs: [{ from: 'A' }], fixed: '5s' },
        ],
      },
      faults: [{ type: 'subtask', vertex: 'B', subtask: 1, attempt: 0, at: 0.5 }],
    });
    // B[1] ends with its producers at 10 s; it fails half-way at 5 s; everything restarts at once.
    expect(out.result.makespan).toBe(15);
    expect(out.result.restarts).toBe(1);
    expect(out.result.failures[0]).toMatchObject({ time: 5, restartedCount: 4 });
    expect(vertex(out, 'A').attempts).toBe(4);
  });
});
