import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadJobScenario, loadScenario } from '../../src/scenario/load.js';
import { simulate, simulateWorkload } from '../../src/sim/simulate.js';

const dir = resolve(import.meta.dirname, '../../sim-scenarios');
const allFiles = readdirSync(dir).filter((f) => /\.(ya?ml|json)$/.test(f)).sort();
// Multi-job scenarios (`jobs:`) run through simulateWorkload, below.
const files = allFiles.filter((f) => loadScenario(readFileSync(join(dir, f), 'utf8'), join(dir, f)).kind === 'job');
const workloadFiles = allFiles.filter((f) => !files.includes(f));

function runWorkload(name: string) {
  const s = loadScenario(readFileSync(join(dir, name), 'utf8'), name);
  if (s.kind !== 'workload') throw new Error(`${name} is not a multi-job scenario`);
  return { workload: s.workload, result: simulateWorkload(s.workload).result };
}

function runFile(name: string) {
  const spec = loadJobScenario(readFileSync(join(dir, name), 'utf8'), name).spec;
  return { spec, ...simulate(spec, { recordTimeline: true }) };
}

describe('example scenarios', () => {
  it('there are at least the examples the README promises', () => {
    for (const f of ['default.yaml', 'tpch-q3.yaml', 'etl-fan-out-fan-in.yaml', 'single-slot.yaml', 'faq-parallelism-16.yaml']) {
      expect(files).toContain(f);
    }
  });

  it.each(files)('%s loads without warnings and runs to an end', (f) => {
    const { spec, result } = runFile(f);
    expect(spec.warnings).toEqual([]);
    expect(['FINISHED', 'FAILED']).toContain(result.status);
    expect(result.makespan).toBeGreaterThan(0);
  });
});

describe('the brief, as the examples show it', () => {
  it('FAQ: parallelism 16 on one-slot TaskManagers briefly has more than 16 live; maxSlots 16 bounds it', () => {
    const free = runFile('faq-parallelism-16.yaml').result;
    const capped = runFile('faq-parallelism-16-capped.yaml').result;
    expect(free.status).toBe('FINISHED');
    expect(free.taskManagers.peak).toBeGreaterThan(16);
    expect(free.taskManagers.peak).toBeLessThanOrEqual(19);
    expect(capped.status).toBe('FINISHED');
    expect(capped.taskManagers.peak).toBeLessThanOrEqual(16);
  });

  it('a batch job runs with a single slot', () => {
    const { result } = runFile('single-slot.yaml');
    expect(result.status).toBe('FINISHED');
    expect(result.taskManagers.created).toBe(1);
  });

  it('losing a TaskManager costs more with local shuffle files than with a remote shuffle service', () => {
    const local = runFile('lost-taskmanager-local.yaml').result;
    const remote = runFile('lost-taskmanager-remote.yaml').result;
    expect(local.status).toBe('FINISHED');
    expect(remote.status).toBe('FINISHED');
    expect(local.failures[0].restartedCount).toBeGreaterThan(remote.failures[0].restartedCount);
    expect(local.makespan).toBeGreaterThan(remote.makespan);
    expect(local.vertices[0].attempts).toBeGreaterThan(16);
    expect(remote.vertices[0].attempts).toBe(16);
  });

  it('four slots sharing one disk run out of space where one slot per TaskManager finishes', () => {
    const four = runFile('disk-full-4-slots.yaml').result;
    const one = runFile('disk-full-1-slot.yaml').result;
    expect(four.status).toBe('FAILED');
    expect(four.failureCause).toMatch(/No space left on device/);
    expect(one.status).toBe('FINISHED');
    expect(one.restarts).toBe(0);
  });

  it('random failures are recovered by exponential-delay restarts of single regions', () => {
    const { result } = runFile('random-failures.yaml');
    expect(result.status).toBe('FINISHED');
    expect(result.restarts).toBeGreaterThan(0);
    for (const f of result.failures) expect(f.restartedCount).toBeLessThan(result.vertices.reduce((s, v) => s + (v.parallelism ?? 0), 0));
  });
});

describe('multi-job examples', () => {
  it('there are the workflow and the trace replay', () => {
    expect(workloadFiles).toEqual(['alibaba-sample.yaml', 'nightly-workflow-no-max-slots.yaml', 'nightly-workflow.yaml']);
  });

  it.each(workloadFiles)('%s loads without warnings and every job finishes', (f) => {
    const { workload, result } = runWorkload(f);
    expect(workload.warnings).toEqual([]);
    expect(result.status).toBe('FINISHED');
    for (const j of result.jobs) expect(j.status).toBe('FINISHED');
  });

  it('nightly workflow: with per-job slot caps no job waits for its queue; without them the transforms and the ad-hoc queries do', () => {
    const capped = runWorkload('nightly-workflow.yaml').result;
    const free = runWorkload('nightly-workflow-no-max-slots.yaml').result;
    const queue = (r: typeof capped, name: string) => r.queues.find((q) => q.name === name)!;
    const job = (r: typeof capped, name: string) => r.jobs.find((j) => j.name === name)!;
    // Capped: three transforms of (16 slots = 16 CU) + a 1-CU JobManager each share the 64-CU etl queue.
    expect(queue(capped, 'etl').peakCu).toBe(51);
    for (const j of capped.jobs) expect(j.waited).toBe(0);
    // Not capped: aggregate (first by name) takes its JobManager and 15 four-slot TaskManagers, 61 CU,
    // so clean and enrich are admitted only later; one wide scan holds 13 of the adhoc queue's 16 CU.
    expect(queue(free, 'etl').peakCu).toBe(61);
    expect(queue(free, 'adhoc').peakCu).toBe(13);
    expect(job(free, 'clean').started).toBeGreaterThan(job(free, 'aggregate').started!);
    expect(job(free, 'clean').waited).toBeGreaterThan(0);
    expect(job(free, 'enrich').waited).toBeGreaterThan(0);
    expect(free.jobs.filter((j) => j.name.startsWith('adhoc#') && j.waited > 0).length).toBeGreaterThan(0);
    // The workflow's order holds in both: the report after all three transforms.
    for (const r of [capped, free]) {
      for (const t of ['clean', 'enrich', 'aggregate']) expect(job(r, 'report').started!).toBeGreaterThanOrEqual(job(r, t).end);
    }
  });
});
