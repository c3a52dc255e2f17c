//! The command line given a multi-job scenario (`jobs:`) or a trace table.

import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const cli = join(root, 'dist/cli/main.js');
const dir = mkdtempSync(join(tmpdir(), 'batchsim-workload-cli-'));

beforeAll(() => {
  execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: root, stdio: 'inherit' });
}, 120_000);

function batchsim(args: string[], options: { cwd?: string; input?: string } = {}) {
  const r = spawnSync(process.execPath, [cli, ...args], { cwd: options.cwd ?? root, encoding: 'utf8', input: options.input });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const JOB = '{ vertices: [{ id: a, source: { bytes: 1GiB }, parallelism: 2 }] }';
mkdirSync(join(dir, 'jobs'));
writeFileSync(join(dir, 'jobs', 'one.yaml'), `job: ${JOB}\n`);
const scenario = join(dir, 'w.yaml');
writeFileSync(
  scenario,
  'queues: [{ name: etl, capacity: 20 }, { name: adhoc }]\n' +
    `jobs:\n  - { name: a, queue: etl, file: jobs/one.yaml }\n  - { name: b, queue: etl, after: [a], every: 1h, count: 3, job: ${JOB} }\n` +
    `  - { name: q, queue: adhoc, arrivals: { poisson: { mean: 1min }, count: 5 }, job: ${JOB} }\n`,
);

describe('a multi-job scenario', () => {
  it('validate counts every job and queue', () => {
    const r = batchsim(['validate', scenario]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${scenario}: OK (9 jobs, 2 queues)\n`);
  });

  it("from standard input, a job's file is found relative to the working directory", () => {
    const r = batchsim(['validate', '-'], { cwd: dir, input: readFileSync(scenario, 'utf8') });
    expect(r.stdout).toBe('<stdin>: OK (9 jobs, 2 queues)\n');
    const elsewhere = batchsim(['validate', '-'], { input: readFileSync(scenario, 'utf8') });
    expect(elsewhere.code).toBe(2);
    expect(elsewhere.stderr).toBe('<stdin>: jobs[0].file: jobs/one.yaml: cannot read the scenario: no such file\n');
  });

  it('a bad one is exit 2 with every problem at its path, and no stack trace', () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, `jobs:\n  - { name: a, queue: nope, job: ${JOB} }\n  - { name: b, after: [ccc], job: ${JOB} }\n`);
    const r = batchsim(['validate', bad]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`${bad}: jobs[0].queue: unknown queue \`nope\`; the queues are \`default\`\n${bad}: jobs[1].after[0]: unknown job \`ccc\`; known: \`a\`, \`b\`\n`);
  });

  it('run prints the jobs and queues, and --json the result: submissions, workflow and schedule as written', () => {
    // A job: its TaskManagers' 10 s start-up, then each subtask reads 512 MiB over a 1 Gbit/s
    // network (one core per TaskManager): 536870912 B / 125e6 B/s = 4.295 s.
    const run = batchsim(['run', scenario]);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^w \(seed 0, 9 jobs, 2 queues\)\nstatus +FINISHED\n/);
    for (const name of ['a', 'b#0', 'b#2', 'q#4', 'etl', 'adhoc']) expect(run.stdout).toContain(name);
    const json = batchsim(['run', scenario, '--json']);
    const result = JSON.parse(json.stdout) as { status: string; jobs: { name: string; submitted: number; started: number; end: number; status: string }[] };
    expect(result.jobs.map((j) => j.name)).toEqual(['a', 'b#0', 'b#1', 'b#2', 'q#0', 'q#1', 'q#2', 'q#3', 'q#4']);
    const job = (name: string) => result.jobs.find((j) => j.name === name);
    expect(job('a')).toMatchObject({ submitted: 0, started: 0, end: 14.295, status: 'FINISHED' });
    // b#0 comes after a, so it is submitted when a ends; b#1 and b#2 keep their schedule (1 h apart).
    expect(job('b#0')).toMatchObject({ submitted: 14.295, end: 28.59 });
    expect(job('b#2')).toMatchObject({ submitted: 7200, end: 7214.295 });
  });

  it('report writes the jobs page; compare refuses the single-job sweep flags, exit 2', () => {
    const page = join(dir, 'r.html');
    const report = batchsim(['report', scenario, '-o', page]);
    expect(report.code).toBe(0);
    expect(report.stdout).toBe(`${page}: FINISHED in 7214.3 s, 9 jobs\n`);
    expect(readFileSync(page, 'utf8')).toContain('b#2');
    const compare = batchsim(['compare', scenario, '--slots', '1,2']);
    expect(compare.code).toBe(2);
    expect(compare.stderr).toMatch(/^error: --slots does not apply to a multi-job scenario \(`jobs:`\); it sweeps --queue-capacity and --max-slots/);
  });

  it('the examples validate', () => {
    for (const f of ['nightly-workflow.yaml', 'nightly-workflow-no-max-slots.yaml', 'alibaba-sample.yaml']) {
      const r = batchsim(['validate', `sim-scenarios/${f}`]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
    }
  });
});

describe('import of a trace table', () => {
  const table = 'M1,1.0,j,1,Terminated,10,12,100.0,0.2\nR2_1,2.0,j,1,Terminated,12,15,50.0,0.2\n';

  it('from standard input, to a scenario that validates', () => {
    const r = batchsim(['import', '-'], { input: table });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^# Imported by `batchsim import` from the Alibaba cluster-trace-v2018 batch_task table \(standard input\):/);
    const out = join(dir, 'trace.yaml');
    writeFileSync(out, r.stdout);
    expect(batchsim(['validate', out]).stdout).toBe(`${out}: OK (1 job, 1 queue)\n`);
  });

  it('a bad row is exit 2 naming the line; --check runs the scenario against the recorded spans', () => {
    const bad = batchsim(['import', '-'], { input: `${table}R3_2,x,j,1,Terminated,15,16,100,0.2\n` });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('<stdin>: line 3: instance_num `x` is not an integer >= 1\n');
    // Job j: task 1 (10 -> 12 s), then task 2 (12 -> 15 s): a recorded span of 5 s, simulated 2 + 3 s.
    const check = batchsim(['import', '-', '--check'], { input: table });
    expect(check.code).toBe(0);
    expect(check.stdout).toMatch(/^# Imported by `batchsim import`/);
    expect(check.stderr).toMatch(/check: 1 job, simulated makespan/);
    expect(check.stderr).toMatch(/all tasks terminated +1 +0\.0% +0\.0% +0\.0% +0\.0% +1 +0 +0 +0/);
  });
});
