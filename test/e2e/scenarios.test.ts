import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadJobScenario, loadScenario } from '../../src/scenario/load.js';
import { simulate } from '../../src/sim/simulate.js';

const dir = resolve(import.meta.dirname, '../../sim-scenarios');
const allFiles = readdirSync(dir).filter((f) => /\.(ya?ml|json)$/.test(f)).sort();
// Multi-job scenarios (`jobs:`) need the multi-job run, which is not there yet; until it is,
// test/unit/workload-examples.test.ts only checks that they load.
const files = allFiles.filter((f) => loadScenario(readFileSync(join(dir, f), 'utf8'), join(dir, f)).kind === 'job');

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
