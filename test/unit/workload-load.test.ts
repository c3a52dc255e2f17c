//! Loading multi-job scenarios (`jobs:`): every rule of the format, and every problem reported at its path.

import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { capacityUnits, jobManagerCu, taskManagerCu } from '../../src/model/capacity-units.js';
import type { WorkloadSpec } from '../../src/model/workload-spec.js';
import { ScenarioError } from '../../src/scenario/issues.js';
import { loadJobScenario, loadScenario, STDIN_LABEL, type LoadOptions } from '../../src/scenario/load.js';

const GIB = 2 ** 30;
const JOB = '{ vertices: [{ id: a, source: { bytes: 1GiB }, parallelism: 2 }] }';

function workload(text: string, file = 'w.yaml', options: LoadOptions = {}): WorkloadSpec {
  const s = loadScenario(text, file, options);
  if (s.kind !== 'workload') throw new Error('expected a workload');
  return s.workload;
}

/** The issues a bad scenario is rejected with, as `path: message`. */
function issues(text: string, file = 'w.yaml', options: LoadOptions = {}): string[] {
  try {
    loadScenario(text, file, options);
  } catch (err) {
    if (!(err instanceof ScenarioError)) throw err;
    return err.issues.map((i) => `${i.path}: ${i.message}`);
  }
  throw new Error('expected a ScenarioError');
}

describe('capacity units', () => {
  it('a process takes max(cores, memory GiB / 4) CU', () => {
    expect(capacityUnits(4, 16 * GIB)).toBe(4);
    expect(capacityUnits(1, 16 * GIB)).toBe(4);
    expect(capacityUnits(8, 4 * GIB)).toBe(8);
    expect(capacityUnits(0.5, 1 * GIB)).toBe(0.5);
  });

  it("a TaskManager's CU count all its slots; the JobManager's its own resources", () => {
    const spec = workload(`cluster: { taskmanager: { slots: 3, cpuPerSlot: 2, memoryPerSlot: 12GiB }, jobmanager: { cpu: 2, memory: 2GiB } }\njobs:\n  - { name: a, job: ${JOB} }\n`);
    const e = spec.entries[0];
    if (e.kind !== 'once') throw new Error('once');
    // 6 cores, 36 GiB / 4 = 9: memory decides.
    expect(taskManagerCu(e.job.spec.cluster)).toBe(9);
    expect(jobManagerCu(e.job.spec.cluster)).toBe(2);
  });
});

describe('jobs: what a valid scenario resolves to', () => {
  it('a single-job scenario stays one, and a jobs: scenario becomes a workload', () => {
    expect(loadScenario(`job: ${JOB}\n`, 's.yaml').kind).toBe('job');
    expect(loadScenario(`jobs:\n  - { name: a, job: ${JOB} }\n`, 's.yaml').kind).toBe('workload');
  });

  it('defaults: one unlimited queue `default`, submit 0, no after, priority 0, seed 0, the file name', () => {
    const spec = workload(`jobs:\n  - { name: a, job: ${JOB} }\n`, 'dir/night.yaml');
    expect(spec.name).toBe('night');
    expect(spec.seed).toBe(0);
    expect(spec.queues).toEqual([{ name: 'default', capacityCu: Infinity }]);
    expect(spec.entries).toHaveLength(1);
    const e = spec.entries[0];
    expect(e.kind).toBe('once');
    if (e.kind !== 'once') return;
    expect(e.job).toMatchObject({ name: 'a', submitMs: 0, after: [], queue: 'default', priority: 0 });
    expect(e.job.spec.name).toBe('a');
    expect(e.job.spec.vertices.map((v) => v.id)).toEqual(['a']);
    // The run's guards are the scenario's config: 30 days by default.
    expect(spec.guards.maxSimulatedMs).toBe(30 * 86_400_000);
  });

  it('reads submit, after, queue, priority and queues with capacities', () => {
    const spec = workload(
      'seed: 5\nqueues: [{ name: etl, capacity: 64 }, { name: adhoc, capacity: unlimited }, { name: small }]\n' +
        `jobs:\n  - { name: a, queue: etl, submit: 2h, priority: 3, job: ${JOB} }\n  - { name: b, queue: adhoc, after: [a], submit: 90, priority: -1, job: ${JOB} }\n`,
    );
    expect(spec.seed).toBe(5);
    expect(spec.queues).toEqual([
      { name: 'etl', capacityCu: 64 },
      { name: 'adhoc', capacityCu: Infinity },
      { name: 'small', capacityCu: Infinity },
    ]);
    const [a, b] = spec.entries;
    if (a.kind !== 'once' || b.kind !== 'once') throw new Error('once');
    expect(a.job).toMatchObject({ submitMs: 7_200_000, queue: 'etl', priority: 3, after: [] });
    expect(b.job).toMatchObject({ submitMs: 90_000, queue: 'adhoc', priority: -1, after: ['a'] });
  });

  it("each job runs on the scenario's cluster, its config merged over the scenario's", () => {
    const spec = workload(
      'cluster: { taskmanager: { slots: 2 } }\nconfig: { slotmanager.number-of-slots.max: 8, parallelism.default: 16 }\n' +
        `jobs:\n  - { name: a, job: ${JOB} }\n  - { name: b, config: { slotmanager.number-of-slots.max: 4 }, job: ${JOB} }\n`,
    );
    const [a, b] = spec.entries.map((e) => (e.kind === 'once' ? e.job.spec : undefined));
    expect(a?.cluster.slotsPerTaskManager).toBe(2);
    expect(b?.cluster.slotsPerTaskManager).toBe(2);
    expect(a?.cluster.maxSlots).toBe(8);
    expect(b?.cluster.maxSlots).toBe(4);
    // A key the job does not set stays the scenario's.
    expect(b?.parallelism.globalDefault).toBe(16);
  });

  it('a job has its own faults', () => {
    const spec = workload(`jobs:\n  - { name: a, job: ${JOB}, faults: [{ type: subtask, vertex: a, subtask: 1 }] }\n  - { name: b, job: ${JOB} }\n`);
    const [a, b] = spec.entries.map((e) => (e.kind === 'once' ? e.job.spec : undefined));
    expect(a?.faults).toEqual([{ type: 'subtask', vertex: 'a', subtask: 1, attempt: 0, at: 0.5 }]);
    expect(b?.faults).toEqual([]);
  });

  it('every + count is a schedule; arrivals + templates a Poisson process', () => {
    const spec = workload(
      `jobs:\n  - { name: daily, submit: 1h, every: 1d, count: 7, job: ${JOB} }\n` +
        '  - name: adhoc\n    submit: 10min\n    queue: default\n    priority: 2\n    arrivals: { poisson: { mean: 10min }, count: 30 }\n' +
        `    templates:\n      - { name: small, job: ${JOB} }\n      - { job: ${JOB}, priority: 5 }\n` +
        `  - { name: one-shape, arrivals: { poisson: { mean: 1min }, count: 2 }, job: ${JOB} }\n`,
    );
    const [daily, adhoc, oneShape] = spec.entries;
    expect(daily).toMatchObject({ kind: 'every', everyMs: 86_400_000, count: 7, job: { name: 'daily', submitMs: 3_600_000 } });
    expect(adhoc).toMatchObject({ kind: 'poisson', name: 'adhoc', startMs: 600_000, meanMs: 600_000, count: 30 });
    if (adhoc.kind !== 'poisson') return;
    expect(adhoc.templates.map((t) => [t.queue, t.priority])).toEqual([
      ['default', 2],
      ['default', 5],
    ]);
    expect(oneShape).toMatchObject({ kind: 'poisson', meanMs: 60_000, count: 2 });
    if (oneShape.kind === 'poisson') expect(oneShape.templates).toHaveLength(1);
  });

  it("an arrival process's config applies to each template, under the template's own; its faults belong to templates", () => {
    const spec = workload(
      'config: { parallelism.default: 9 }\n' +
        'jobs:\n  - name: p\n    arrivals: { poisson: { mean: 1min }, count: 2 }\n    config: { slotmanager.number-of-slots.max: 4, parallelism.default: 5 }\n' +
        `    templates: [{ job: ${JOB} }, { job: ${JOB}, config: { slotmanager.number-of-slots.max: 8 } }]\n`,
    );
    const p = spec.entries[0];
    if (p.kind !== 'poisson') throw new Error('poisson');
    expect(p.templates.map((t) => [t.spec.cluster.maxSlots, t.spec.parallelism.globalDefault])).toEqual([
      [4, 5],
      [8, 5],
    ]);
    expect(
      issues(
        'jobs:\n  - name: p\n    arrivals: { poisson: { mean: 1min }, count: 2 }\n    config: { slotmanager.number-of-slots.max: 0 }\n' +
          `    faults: []\n    templates: [{ job: ${JOB} }, { job: ${JOB} }]\n`,
      ),
    ).toEqual([
      'jobs[0].faults: with `templates`, faults belong to the template they hit: `templates[].faults`',
      'jobs[0].config["slotmanager.number-of-slots.max"]: Expected an integer from 1 to 2147483647, got `0` (number)',
    ]);
  });

  it("a warning every job has (the shared config's) is said once; a job's own names the job", () => {
    const spec = workload(`config: { no.such.key: 1 }\njobs:\n  - { name: a, job: ${JOB} }\n  - { name: b, config: { other.key: 2 }, job: ${JOB} }\n`);
    expect(spec.warnings).toEqual(['config["no.such.key"]: unknown key, ignored', 'jobs[1]: config["other.key"]: unknown key, ignored']);
  });

  it('taskmanager.cpu.cores in a job\'s config sets its TaskManagers\' cores, shared by the slots', () => {
    const spec = workload(`cluster: { taskmanager: { slots: 2 } }\njobs:\n  - { name: a, config: { taskmanager.cpu.cores: 3 }, job: ${JOB} }\n`);
    const e = spec.entries[0];
    if (e.kind !== 'once') throw new Error('once');
    expect(e.job.spec.cluster.cpuPerSlot).toBe(1.5);
    expect(taskManagerCu(e.job.spec.cluster)).toBe(3);
  });
});

describe('jobs[].file: a single-job scenario by reference', () => {
  const dir = mkdtempSync(join(tmpdir(), 'batchsim-workload-'));
  mkdirSync(join(dir, 'jobs'));
  writeFileSync(
    join(dir, 'jobs', 'etl.yaml'),
    'name: ignored\nseed: 99\ncluster: { taskmanager: { slots: 8 } }\n' +
      'config: { parallelism.default: 7, slotmanager.number-of-slots.max: 5 }\n' +
      'job: { vertices: [{ id: x, source: { bytes: 1GiB } }, { id: y, inputs: [{ from: x }] }] }\n' +
      'faults: [{ type: subtask, vertex: y, subtask: 0 }]\n',
  );
  writeFileSync(join(dir, 'jobs', 'bad.yaml'), 'job: { vertices: [{ id: x, source: { bytes: 1GiB }, parallelism: 0 }] }\n');
  writeFileSync(join(dir, 'jobs', 'many.yaml'), `jobs: [{ name: q, job: ${JOB} }]\n`);

  it('takes its job, config and faults, relative to the scenario; the cluster stays the scenario\'s', () => {
    const scenario = join(dir, 'w.yaml');
    const spec = workload(
      `cluster: { taskmanager: { slots: 2 } }\nconfig: { parallelism.default: 3, slotmanager.number-of-slots.max: 9 }\njobs:\n  - { name: e, file: jobs/etl.yaml, config: { slotmanager.number-of-slots.max: 4 } }\n`,
      scenario,
    );
    const e = spec.entries[0];
    if (e.kind !== 'once') throw new Error('once');
    const s = e.job.spec;
    expect(s.name).toBe('e');
    expect(s.vertices.map((v) => v.id)).toEqual(['x', 'y']);
    expect(s.cluster.slotsPerTaskManager).toBe(2);
    // scenario config < the file's config < the job's own config
    expect(s.parallelism.globalDefault).toBe(7);
    expect(s.cluster.maxSlots).toBe(4);
    expect(s.faults).toEqual([{ type: 'subtask', vertex: 'y', subtask: 0, attempt: 0, at: 0.5 }]);
  });

  it("the job's own faults replace the file's", () => {
    const spec = workload(`jobs:\n  - { name: e, file: jobs/etl.yaml, faults: [] }\n`, join(dir, 'w.yaml'));
    const e = spec.entries[0];
    if (e.kind === 'once') expect(e.job.spec.faults).toEqual([]);
  });

  it('from standard input, a path is relative to the working directory', () => {
    const asked: string[] = [];
    const readFile = (p: string) => {
      asked.push(p);
      return `job: ${JOB}\n`;
    };
    workload('jobs:\n  - { name: e, file: jobs/x.yaml }\n  - { name: f, file: jobs/x.yaml }\n', STDIN_LABEL, { readFile });
    // Read once, however many jobs name it.
    expect(asked).toEqual(['jobs/x.yaml']);
    const nested: string[] = [];
    workload('jobs:\n  - { name: e, file: jobs/x.yaml }\n', 'scenarios/w.yaml', { readFile: (p) => (nested.push(p), `job: ${JOB}\n`) });
    expect(nested).toEqual([join('scenarios', 'jobs/x.yaml')]);
  });

  it("a problem inside the file is reported at the job's `file`, naming the file and the path in it", () => {
    const bad = join(dir, 'jobs', 'bad.yaml');
    expect(issues('jobs:\n  - { name: e, file: jobs/bad.yaml }\n', join(dir, 'w.yaml'))).toEqual([
      `jobs[0].file: ${bad}: job.vertices[0].parallelism: Expected an integer from 1 to 32768, got \`0\` (number)`,
    ]);
  });

  it('a missing file, or one with several jobs, is reported at `file`', () => {
    expect(issues('jobs:\n  - { name: e, file: jobs/none.yaml }\n', join(dir, 'w.yaml'))).toEqual([
      `jobs[0].file: ${join(dir, 'jobs', 'none.yaml')}: cannot read the scenario: no such file`,
    ]);
    expect(issues('jobs:\n  - { name: e, file: jobs/many.yaml }\n', join(dir, 'w.yaml'))[0]).toMatch(
      /^jobs\[0\]\.file: `.*many\.yaml` holds several jobs \(`jobs`\); a job's `file` must be a single-job scenario \(`job`\)$/,
    );
  });
});

describe('jobs: each problem at its field path (exit 2)', () => {
  const one = (rest: string) => `jobs:\n  - { name: a, job: ${JOB} }\n${rest}`;

  it('unknown queue, with the queues there are', () => {
    expect(issues(`queues: [{ name: etl, capacity: 8 }]\njobs:\n  - { name: a, queue: etk, job: ${JOB} }\n`)).toEqual([
      'jobs[0].queue: unknown queue `etk`; did you mean `etl`?; the queues are `etl`',
    ]);
  });

  it('a job without `queue` runs in `default`, which declared queues must then include', () => {
    expect(issues(`queues: [{ name: etl }]\njobs:\n  - { name: a, job: ${JOB} }\n`)).toEqual([
      'jobs[0]: unknown queue `default` (the job names no `queue`, so it runs in `default`); the queues are `etl`',
    ]);
  });

  it('a template names its queue at its own path', () => {
    expect(
      issues(`queues: [{ name: q }]\njobs:\n  - name: p\n    queue: q\n    arrivals: { poisson: { mean: 1min }, count: 3 }\n    templates: [{ job: ${JOB} }, { job: ${JOB}, queue: rr }]\n`),
    ).toEqual(['jobs[0].templates[1].queue: unknown queue `rr`; the queues are `q`']);
  });

  it('unknown `after`, with a suggestion', () => {
    expect(issues(one(`  - { name: b, after: [aa, zzz], job: ${JOB} }\n`))).toEqual([
      'jobs[1].after[0]: unknown job `aa` (did you mean `a`?); known: `a`, `b`',
      'jobs[1].after[1]: unknown job `zzz`; known: `a`, `b`',
    ]);
  });

  it('`after` itself, and a cycle of `after`, listed in the order the jobs would have to run', () => {
    expect(issues(`jobs:\n  - { name: a, after: [a], job: ${JOB} }\n`)).toEqual(['jobs[0].after[0]: job `a` cannot come after itself']);
    expect(
      issues(`jobs:\n  - { name: a, after: [c], job: ${JOB} }\n  - { name: b, after: [a], job: ${JOB} }\n  - { name: c, after: [b], job: ${JOB} }\n`),
    ).toEqual(["jobs[0].after: the jobs' `after` form a cycle: a -> b -> c -> a (each must finish before the next starts)"]);
  });

  it('`after: [NAME#k]` names one job of a schedule, which must exist', () => {
    expect(
      issues(`jobs:\n  - { name: d, every: 1h, count: 3, job: ${JOB} }\n  - { name: b, after: ['d#3', 'b#0', 'd#2'], job: ${JOB} }\n`),
    ).toEqual([
      'jobs[1].after[0]: `d` has 3 jobs, `d#0` to `d#2`, so `d#3` does not exist',
      'jobs[1].after[1]: `b` is a single job, named `b` (only the jobs of a schedule or arrival process are numbered)',
    ]);
  });

  it('duplicate job and queue names; `#` in a name', () => {
    expect(issues(`queues: [{ name: q }, { name: q }]\njobs:\n  - { name: a, queue: q, job: ${JOB} }\n  - { name: a, queue: q, job: ${JOB} }\n`)).toEqual([
      'queues[1].name: duplicate queue name `q` (also queues[0])',
      'jobs[1].name: duplicate job name `a` (also jobs[0])',
    ]);
    expect(issues(`jobs:\n  - { name: 'a#1', job: ${JOB} }\n`)[0]).toMatch(/^jobs\[0\]\.name: Expected a name without `#`/);
  });

  it('a job that could never fit its queue: its JobManager and one TaskManager need more than the capacity', () => {
    // A TaskManager of 4 slots x 1 core x 4 GiB: max(4, 16 / 4) = 4 CU; the JobManager 1 CU.
    const head = 'cluster: { taskmanager: { slots: 4 } }\nqueues: [{ name: q, capacity: 4.5 }, { name: r, capacity: 5 }]\n';
    expect(issues(`${head}jobs:\n  - { name: a, queue: q, job: ${JOB} }\n  - { name: b, queue: r, job: ${JOB} }\n`)).toEqual([
      'jobs[0].queue: job `a` needs 5 CU to start (its JobManager 1 CU and one TaskManager 4 CU), more than the 4.5 CU of queue `q`: it could never run',
    ]);
    // A job's own config can make its TaskManagers larger than the queue allows.
    expect(issues(`${head}jobs:\n  - { name: b, queue: r, config: { taskmanager.numberOfTaskSlots: 8 }, job: ${JOB} }\n`)).toEqual([
      'jobs[0].queue: job `b` needs 9 CU to start (its JobManager 1 CU and one TaskManager 8 CU), more than the 5 CU of queue `r`: it could never run',
    ]);
  });

  it('bad durations and counts', () => {
    expect(issues(`jobs:\n  - { name: a, submit: 10, every: 5, count: 2, job: ${JOB} }\n  - { name: b, submit: -1, job: ${JOB} }\n`)).toEqual([
      'jobs[1].submit: Expected a duration >= 0, got `-1`',
    ]);
    expect(issues(`jobs:\n  - { name: a, submit: '10', job: ${JOB} }\n`)[0]).toMatch(/^jobs\[0\]\.submit: the duration `10` has no unit/);
    expect(issues(`jobs:\n  - { name: a, every: 0s, count: 2, job: ${JOB} }\n`)).toEqual(['jobs[0].every: Expected a time between submissions > 0, got `0`']);
    expect(issues(`jobs:\n  - { name: a, every: 1h, count: 0, job: ${JOB} }\n`)).toEqual(['jobs[0].count: Expected an integer from 1 to 1000000, got `0` (number)']);
    expect(issues(`jobs:\n  - { name: a, arrivals: { poisson: { mean: 0s }, count: 3 }, job: ${JOB} }\n`)).toEqual([
      'jobs[0].arrivals.poisson.mean: Expected a mean gap > 0, got `0`',
    ]);
    expect(issues(`jobs:\n  - { name: a, arrivals: { poisson: { mean: 1 year }, count: 3 }, job: ${JOB} }\n`)[0]).toMatch(
      /^jobs\[0\]\.arrivals\.poisson\.mean: unknown duration unit `year`/,
    );
  });

  it('at most 1,000,000 jobs in all, and arrivals within 285 years', () => {
    expect(issues(`jobs:\n  - { name: a, every: 1s, count: 600000, job: ${JOB} }\n  - { name: b, arrivals: { poisson: { mean: 1s }, count: 400001 }, job: ${JOB} }\n`)).toEqual([
      'jobs: 1000001 jobs in all (schedules and arrival processes counted job by job), more than the 1000000 a scenario may hold',
    ]);
    expect(issues(`jobs:\n  - { name: a, arrivals: { poisson: { mean: 100d }, count: 1100 }, job: ${JOB} }\n`)).toEqual([
      'jobs[0].arrivals: the arrivals would span more than 285 years (mean gap x count); lower the mean or the count',
    ]);
  });

  it('every without count, count without every, templates without arrivals', () => {
    expect(issues(`jobs:\n  - { name: a, every: 1h, job: ${JOB} }\n`)).toEqual(['jobs[0].every: `every` needs `count`, how many times the job is submitted']);
    expect(issues(`jobs:\n  - { name: a, count: 3, job: ${JOB} }\n`)).toEqual(['jobs[0].count: `count` needs `every`, the time between two submissions of the job']);
    expect(issues(`jobs:\n  - { name: a, job: ${JOB}, templates: [{ job: ${JOB} }] }\n`)[0]).toMatch(/^jobs\[0\]\.templates: `templates` are the jobs an arrival process picks from/);
    expect(issues(`jobs:\n  - { name: a, every: 1h, count: 2, arrivals: { poisson: { mean: 1h }, count: 2 }, job: ${JOB} }\n`)).toEqual([
      'jobs[0].every: a job has either `every` (a schedule) or `arrivals` (a random arrival process), not both',
      'jobs[0].count: the number of random arrivals goes in `arrivals.count`',
    ]);
  });

  it('a job needs exactly one of `job` and `file`', () => {
    expect(issues('jobs:\n  - { name: a }\n')).toEqual(['jobs[0]: needs `job` (the job graph inline) or `file` (a path to a single-job scenario)']);
    expect(issues(`jobs:\n  - { name: a, job: ${JOB}, file: x.yaml }\n`)).toEqual([
      'jobs[0]: a job has either `job` (its graph inline) or `file` (a single-job scenario), not both',
    ]);
  });

  it("a problem in a job's graph, config or faults is at the job's path; one in the shared config once, at its own", () => {
    expect(
      issues(
        'config: { parallelism.default: 0 }\n' +
          `jobs:\n  - { name: a, job: { vertices: [{ id: a, source: { bytes: 1GiB }, rate: fast }] } }\n` +
          `  - { name: b, config: { slotmanager.number-of-slots.max: -2 }, job: ${JOB}, faults: [{ type: subtask, vertex: nope, subtask: 0 }] }\n`,
      ),
    ).toEqual([
      'jobs[0].job.vertices[0].rate: Expected a number of bytes per second or a string such as `100MiB/s`, got `fast`',
      'config["parallelism.default"]: Expected an integer from 1 to 32768, got `0` (number)',
      'jobs[1].config["slotmanager.number-of-slots.max"]: Expected an integer from 1 to 2147483647, got `-2` (number)',
      'jobs[1].faults[0].vertex: unknown vertex `nope`',
    ]);
  });

  it('a bad cluster is reported once, at its own path', () => {
    expect(issues(`cluster: { taskmanager: { slots: 0 } }\njobs:\n  - { name: a, job: ${JOB} }\n  - { name: b, job: ${JOB} }\n`)).toEqual([
      'cluster.taskmanager.slots: Expected an integer from 1 to 32768, got `0` (number)',
    ]);
  });

  it('`job` beside `jobs`, top-level faults, unknown keys', () => {
    expect(issues(`job: ${JOB}\nfaults: []\njobs:\n  - { name: a, job: ${JOB}, colour: red }\n`)).toEqual([
      'job: a scenario holds either `job` (one job) or `jobs` (several), not both',
      'faults: with `jobs`, faults belong to the job they hit: `jobs[].faults`',
      'jobs[0]: unknown key `colour`',
    ]);
  });

  it('an empty job list, and a queue capacity that is not a number > 0', () => {
    expect(issues('jobs: []\n')).toEqual(['jobs: Expected at least 1 item']);
    expect(issues(`queues: [{ name: q, capacity: 0 }]\njobs:\n  - { name: a, queue: q, job: ${JOB} }\n`)).toEqual([
      'queues[0].capacity: Expected a capacity in CU (a number > 0) or `unlimited`, got `0` (number)',
    ]);
  });
});

describe('taskmanager.cpu.cores under config', () => {
  const V = 'job: { vertices: [{ id: a, source: { bytes: 1 } }] }\n';

  it("sets a TaskManager's cores, each slot an equal share", () => {
    expect(loadJobScenario(`cluster: { taskmanager: { slots: 4 } }\nconfig: { taskmanager.cpu.cores: 2 }\n${V}`, 's.yaml').spec.cluster.cpuPerSlot).toBe(0.5);
    expect(loadJobScenario(`config: { taskmanager.cpu.cores: '3' }\n${V}`, 's.yaml').spec.cluster.cpuPerSlot).toBe(3);
  });

  it('wins over cluster.taskmanager.cpuPerSlot with a warning naming both', () => {
    const s = loadJobScenario(`cluster: { taskmanager: { slots: 2, cpuPerSlot: 2 } }\nconfig: { taskmanager.cpu.cores: 3 }\n${V}`, 's.yaml').spec;
    expect(s.cluster.cpuPerSlot).toBe(1.5);
    expect(s.warnings).toContain('config["taskmanager.cpu.cores"] (3) contradicts cluster.taskmanager.cpuPerSlot x slots (4); the config key wins');
    expect(loadJobScenario(`cluster: { taskmanager: { slots: 2, cpuPerSlot: 1.5 } }\nconfig: { taskmanager.cpu.cores: 3 }\n${V}`, 's.yaml').spec.warnings).toEqual([]);
  });

  it('must be a number > 0', () => {
    expect(issues(`config: { taskmanager.cpu.cores: 0 }\n${V}`)).toEqual(['config["taskmanager.cpu.cores"]: Expected a number > 0 and at most 1000000, got `0` (number)']);
  });
});

describe('commands given a multi-job scenario', () => {
  it('loadJobScenario says which command does not take one yet', () => {
    expect(() => loadJobScenario(`jobs:\n  - { name: a, job: ${JOB} }\n`, 'w.yaml', 'compare')).toThrow(
      'w.yaml: jobs: multi-job scenarios are not supported by compare yet',
    );
  });
});
