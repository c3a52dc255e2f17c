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

  it('run and report refuse it for now, and compare the flags it does not sweep, exit 2', () => {
    const run = batchsim(['run', scenario]);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`${scenario}: jobs: multi-job scenarios cannot be run yet (\`batchsim validate\` checks them)\n`);
    const report = batchsim(['report', scenario, '-o', join(dir, 'r.html')]);
    expect(report.code).toBe(2);
    expect(report.stderr).toBe(`${scenario}: jobs: multi-job scenarios are not supported by report yet\n`);
    const compare = batchsim(['compare', scenario, '--slots', '1,2']);
    expect(compare.code).toBe(2);
    expect(compare.stderr).toMatch(/^error: --slots is not swept for a multi-job scenario \(`jobs:`\); it takes --queue-capacity and --max-slots/);
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

  it('a bad row is exit 2 naming the line; --check is refused until the multi-job run exists', () => {
    const bad = batchsim(['import', '-'], { input: `${table}R3_2,x,j,1,Terminated,15,16,100,0.2\n` });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('<stdin>: line 3: instance_num `x` is not an integer >= 1\n');
    const check = batchsim(['import', '-', '--check'], { input: table });
    expect(check.code).toBe(2);
    expect(check.stdout).toBe('');
    expect(check.stderr).toMatch(/`--check` of a trace table needs the multi-job run/);
  });
});
