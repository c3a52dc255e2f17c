//! Expanding a workload's entries into jobs: schedules, seeded Poisson arrivals, `after`, job seeds.

import { describe, expect, it } from 'vitest';
import type { WorkloadSpec } from '../../src/model/workload-spec.js';
import { expandJobs, fnv1a64, jobSeed, workloadJobCount } from '../../src/scenario/expand-jobs.js';
import { loadScenario } from '../../src/scenario/load.js';

const JOB = '{ vertices: [{ id: a, source: { bytes: 1GiB }, parallelism: 2 }] }';

function workload(jobs: string, head = ''): WorkloadSpec {
  const s = loadScenario(`${head}jobs:\n${jobs}`, 'w.yaml');
  if (s.kind !== 'workload') throw new Error('expected a workload');
  return s.workload;
}

const mean = (xs: readonly number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
const std = (xs: readonly number[]) => {
  const m = mean(xs);
  return Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1));
};

describe('jobSeed', () => {
  it('is built on 64-bit FNV-1a, checked against its published test vectors', () => {
    expect(fnv1a64('')).toBe(0xcbf29ce484222325n);
    expect(fnv1a64('a')).toBe(0xaf63dc4c8601ec8cn);
    expect(fnv1a64('foobar')).toBe(0x85944171f73967e8n);
  });

  it("is the low 53 bits of the hash of the seed, a NUL and the name: stable across versions and machines", () => {
    expect(jobSeed(0, 'a')).toBe(Number(fnv1a64('0\u0000a') & ((1n << 53n) - 1n)));
    // Pinned: a change here changes every multi-job run's random draws.
    expect(jobSeed(0, 'a')).toBe(jobSeedPinned.zeroA);
    expect(jobSeed(42, 'ingest#3')).toBe(jobSeedPinned.ingest3);
  });

  it('is a non-negative exact integer, different for other names and other seeds', () => {
    const seeds = [jobSeed(1, 'a'), jobSeed(1, 'b'), jobSeed(2, 'a'), jobSeed(-1, 'a'), jobSeed(1, 'a#0')];
    for (const s of seeds) {
      expect(Number.isSafeInteger(s)).toBe(true);
      expect(s).toBeGreaterThanOrEqual(0);
    }
    expect(new Set(seeds).size).toBe(seeds.length);
  });
});

/** Values of jobSeed computed once and kept, so a change to the hash cannot pass unnoticed. */
const jobSeedPinned = { zeroA: 5982546341858548, ingest3: 605888811980559 };

describe('expandJobs', () => {
  it('a job submitted once keeps its name; its spec gets its own seed', () => {
    const spec = workload(`  - { name: a, submit: 5s, job: ${JOB} }\n  - { name: b, after: [a], job: ${JOB} }\n`);
    const jobs = expandJobs(spec, 9);
    expect(jobs.map((j) => [j.name, j.submitMs, j.after])).toEqual([
      ['a', 5000, []],
      ['b', 0, ['a']],
    ]);
    expect(jobs.map((j) => j.spec.seed)).toEqual([jobSeed(9, 'a'), jobSeed(9, 'b')]);
    // The spec itself is left as it was.
    const e = spec.entries[0];
    if (e.kind === 'once') expect(e.job.spec.seed).toBe(0);
  });

  it('a schedule submits NAME#k at submit + k x every', () => {
    const jobs = expandJobs(workload(`  - { name: d, submit: 2h, every: 1d, count: 3, job: ${JOB} }\n`), 0);
    expect(jobs.map((j) => [j.name, j.submitMs])).toEqual([
      ['d#0', 7_200_000],
      ['d#1', 7_200_000 + 86_400_000],
      ['d#2', 7_200_000 + 2 * 86_400_000],
    ]);
    expect(workloadJobCount(workload(`  - { name: d, every: 1d, count: 3, job: ${JOB} }\n  - { name: e, job: ${JOB} }\n`))).toBe(4);
  });

  it('after a schedule: its job of the same index for a schedule of the same count, else all of it; NAME#k one', () => {
    const jobs = expandJobs(
      workload(
        `  - { name: load, every: 1d, count: 3, job: ${JOB} }\n` +
          `  - { name: report, after: [load], every: 1d, count: 3, job: ${JOB} }\n` +
          `  - { name: weekly, after: [load], every: 7d, count: 2, job: ${JOB} }\n` +
          `  - { name: audit, after: [load, 'report#1'], job: ${JOB} }\n` +
          `  - { name: q, after: [audit], arrivals: { poisson: { mean: 1h }, count: 2 }, job: ${JOB} }\n` +
          `  - { name: z, after: [q], job: ${JOB} }\n`,
      ),
      0,
    );
    const after = Object.fromEntries(jobs.map((j) => [j.name, j.after]));
    expect(after['report#0']).toEqual(['load#0']);
    expect(after['report#2']).toEqual(['load#2']);
    expect(after['weekly#0']).toEqual(['load#0', 'load#1', 'load#2']);
    expect(after['weekly#1']).toEqual(['load#0', 'load#1', 'load#2']);
    expect(after.audit).toEqual(['load#0', 'load#1', 'load#2', 'report#1']);
    expect(after['q#0']).toEqual(['audit']);
    expect(after.z).toEqual(['q#0', 'q#1']);
  });

  it('the same spec and seed give the same jobs; another seed other arrival times', () => {
    const spec = workload(`  - { name: p, arrivals: { poisson: { mean: 10min }, count: 50 }, templates: [{ job: ${JOB} }, { job: ${JOB}, priority: 1 }] }\n`);
    const a = expandJobs(spec, 1);
    expect(expandJobs(spec, 1)).toEqual(a);
    const b = expandJobs(spec, 2);
    expect(b.map((j) => j.submitMs)).not.toEqual(a.map((j) => j.submitMs));
    expect(a.map((j) => j.name)).toEqual(Array.from({ length: 50 }, (_, k) => `p#${k}`));
  });

  it('arrivals start one gap after the start, in whole milliseconds, never going back', () => {
    const jobs = expandJobs(workload(`  - { name: p, submit: 1h, arrivals: { poisson: { mean: 10s }, count: 1000 }, job: ${JOB} }\n`), 3);
    let last = 3_600_000;
    for (const j of jobs) {
      expect(Number.isInteger(j.submitMs)).toBe(true);
      expect(j.submitMs).toBeGreaterThanOrEqual(last);
      last = j.submitMs;
    }
    expect(jobs[0].submitMs).toBeGreaterThan(3_600_000);
  });

  it("an entry's arrivals do not change when another arrival process is added (streams named after the entry)", () => {
    const one = `  - { name: p, arrivals: { poisson: { mean: 1min }, count: 20 }, templates: [{ job: ${JOB} }, { job: ${JOB}, priority: 1 }] }\n`;
    const two = `${one}  - { name: other, arrivals: { poisson: { mean: 1s }, count: 20 }, job: ${JOB} }\n`;
    const pick = (jobs: ReturnType<typeof expandJobs>) => jobs.filter((j) => j.name.startsWith('p#')).map((j) => [j.submitMs, j.priority]);
    expect(pick(expandJobs(workload(two), 5))).toEqual(pick(expandJobs(workload(one), 5)));
  });

  /*
   * 10,000 exponential gaps of mean m: the sample mean has a standard deviation of m / 100, so
   * 4 % is 4 standard deviations (a chance of about 6e-5 per seed of a false alarm, were the
   * seeds random). The sample standard deviation of an exponential (kurtosis 9) has one of about
   * sqrt(8 / 10,000) / 2 = 1.4 % of m: 6 % is over 4 of them. A gap exceeds the mean with
   * probability e^-1 = 0.368, give or take 0.0048: 0.02 is 4 of those. Each of 3 templates is
   * picked a third of the time, give or take 0.0047: 0.02 again.
   */
  it.each([1, 2, 3, 4, 5])('gaps are exponential with the mean asked for, templates picked uniformly (seed %i)', (seed) => {
    const m = 600_000;
    const spec = workload(
      `  - { name: p, arrivals: { poisson: { mean: 10min }, count: 10000 }, templates: [{ job: ${JOB}, priority: 0 }, { job: ${JOB}, priority: 1 }, { job: ${JOB}, priority: 2 }] }\n`,
    );
    const jobs = expandJobs(spec, seed);
    const gaps = jobs.map((j, k) => j.submitMs - (k === 0 ? 0 : jobs[k - 1].submitMs));
    expect(Math.abs(mean(gaps) / m - 1)).toBeLessThan(0.04);
    expect(Math.abs(std(gaps) / m - 1)).toBeLessThan(0.06);
    expect(Math.abs(gaps.filter((g) => g > m).length / gaps.length - Math.exp(-1))).toBeLessThan(0.02);
    for (const p of [0, 1, 2]) expect(Math.abs(jobs.filter((j) => j.priority === p).length / jobs.length - 1 / 3)).toBeLessThan(0.02);
  });
});
