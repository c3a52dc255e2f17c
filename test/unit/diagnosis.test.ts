//! The brief's FAQ "What do I do if a batch job is stuck?": each symptom built, found and answered; a healthy job gets none.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadJobScenario } from '../../src/scenario/load.js';
import { simulate } from '../../src/sim/simulate.js';
import { formatSummary } from '../../src/report/summary.js';
import { run } from '../support/run.js';

const example = (name: string) => {
  const file = `sim-scenarios/${name}`;
  return simulate(loadJobScenario(readFileSync(file, 'utf8'), file).spec).result;
};
const kinds = (r: { diagnosis: { kind: string }[] }) => r.diagnosis.map((d) => d.kind);

describe('diagnosis', () => {
  it('a healthy job gets none', () => {
    const { result } = run({
      cluster: { taskmanager: { startup: '5s' }, maxSlots: 4 },
      job: {
        vertices: [
          { id: 'A', parallelism: 4, source: { bytes: '4GiB' }, rate: '200MiB/s' },
          { id: 'B', parallelism: 4, inputs: [{ from: 'A' }], rate: '200MiB/s' },
        ],
      },
    });
    expect(result.status).toBe('FINISHED');
    expect(result.diagnosis).toEqual([]);
    expect(formatSummary(result)).not.toMatch(/diagnosis/);
    for (const name of ['default.yaml', 'tpch-q3.yaml', 'random-failures.yaml', 'faq-parallelism-16-capped.yaml']) expect(kinds(example(name))).toEqual([]);
  });

  it('frequent GC and spilling: increase TaskManager memory, to a size that cures both', () => {
    const r = example('memory-pressure.yaml');
    const d = r.diagnosis.find((x) => x.kind === 'memory')!;
    expect(d.symptom).toBe('High memory usage or frequent GC pauses');
    expect(d.evidence).toMatch(/aggregate: 74% of its CPU time in GC \(heap 82% full: 600 MiB of 730 MiB\)/);
    expect(d.evidence).toMatch(/spilled 21\.3 GiB/);
    // 6 GiB slots: 2.2 GiB of managed memory holds the 2 GiB input, and 600 MiB of a 2.8 GiB heap keeps GC under 20 %.
    expect(d.action).toBe('Increase TaskManager memory: 6 GiB per slot instead of 2.0 GiB (nothing spills, GC at most 20% of CPU time)');
  });

  it('OutOfMemoryError: the memory per slot that fits the working set', () => {
    const r = example('out-of-memory.yaml');
    expect(r.status).toBe('FAILED');
    const d = r.diagnosis.find((x) => x.kind === 'memory')!;
    expect(d.evidence).toMatch(/join: its 1\.00 GiB working set does not fit a slot's 730 MiB task heap/);
    expect(d.evidence).toMatch(/4 OutOfMemoryError failures/);
    expect(d.action).toMatch(/^Increase TaskManager memory: 8 GiB per slot/);
  });

  it('a thread consuming high CPU: one hot key makes one subtask run long after its siblings', () => {
    const r = example('adaptive-skew.yaml');
    const d = r.diagnosis.find((x) => x.kind === 'hot-cpu')!;
    expect(d.symptom).toBe('A thread consuming high CPU');
    expect(d.evidence).toMatch(/^views-per-page is bound by CPU and its busiest subtask reads/);
    expect(d.action).toMatch(/thread stack traces of views-per-page's busiest subtask/);
  });

  it('a job not making progress: the guard that ended it is named', () => {
    const { result } = run({
      cluster: { taskmanager: { startup: 0 } },
      config: { 'batchsim.max-restarts-without-progress': 5 },
      job: { vertices: [{ id: 'A', parallelism: 1, source: { bytes: 1 }, fixed: '1s' }] },
      faults: [{ type: 'random-subtask', probability: 1 }],
    });
    const d = result.diagnosis.find((x) => x.kind === 'no-progress')!;
    expect(d.symptom).toBe('Job not making progress');
    expect(d.evidence).toMatch(/no progress: 5 restarts/);
  });

  it('a job not making progress: a long stretch without a finished subtask while failures restart work', () => {
    const { result } = run({
      cluster: { taskmanager: { startup: 0, diskBandwidth: 'unlimited', networkBandwidth: 'unlimited' } },
      config: { 'restart-strategy.type': 'fixed-delay', 'restart-strategy.fixed-delay.attempts': 10, 'restart-strategy.fixed-delay.delay': '1s' },
      job: { vertices: [{ id: 'A', parallelism: 1, source: { bytes: 1 }, fixed: '60s' }] },
      faults: [0, 1, 2].map((attempt) => ({ type: 'subtask', vertex: 'A', subtask: 0, attempt, at: 0.9 })),
    });
    // Three attempts fail at 54 s each, 1 s apart: the one subtask finishes at 3 x 55 + 60 = 225 s.
    expect(result.makespan).toBe(225);
    const d = result.diagnosis.find((x) => x.kind === 'no-progress')!;
    expect(d.evidence).toBe('no subtask finished for 225.0 s (0.0 s to 225.0 s, 100% of the run) while 3 failures restarted work; A was running');
  });

  it('No space left on device: the brief\'s two fixes, with the slots and the cores that fit', () => {
    const r = example('disk-full-4-slots.yaml');
    const d = r.diagnosis.find((x) => x.kind === 'disk-full')!;
    // A scan file (6 GiB) and a sort file (6 GiB) per slot: 12 GiB; three fit a 40 GiB disk, or 3 cores give 60 GiB.
    expect(d.action).toBe(
      'Either reduce slots per TaskManager to 3 (a slot needs up to 12.0 GiB of a 40.0 GiB disk), or increase CPU cores per TaskManager to 3 (60.0 GiB of disk at 20 GiB per core)',
    );
  });

  it('more TaskManagers than the parallelism: set maxSlots to it (the brief\'s FAQ)', () => {
    const d = example('faq-parallelism-16.yaml').diagnosis.find((x) => x.kind === 'too-many-taskmanagers')!;
    expect(d.evidence).toMatch(/^17 TaskManagers \(17 slots\) were live at once, for a largest parallelism of 16/);
    expect(d.action).toMatch(/to 16 /);
  });

  it('is carried by run --json and printed after the summary', () => {
    const r = example('memory-pressure.yaml');
    expect(JSON.parse(JSON.stringify(r)).diagnosis[0].kind).toBe('memory');
    expect(formatSummary(r)).toMatch(/\ndiagnosis \(the brief's FAQ "What do I do if a batch job is stuck\?"\):\n  High memory usage or frequent GC pauses: /);
  });
});
