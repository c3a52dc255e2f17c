//! Importing the Alibaba cluster-trace-v2018 batch_task table into a multi-job scenario.

import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runImport, type ImportIo } from '../../src/cli/commands/import.js';
import { importBatchTasks } from '../../src/import/alibaba-batch-task.js';
import { detectInputKind } from '../../src/import/detect.js';
import type { WorkloadSpec } from '../../src/model/workload-spec.js';
import { ScenarioError } from '../../src/scenario/issues.js';
import { loadScenario } from '../../src/scenario/load.js';
import { checkTrace } from '../../src/import/trace-check.js';
import { simulateWorkload } from '../../src/sim/simulate.js';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const sampleFile = path.resolve(repoRoot, '../shared/data/alibaba-v2018-batch-task-sample.csv');
const haveSample = existsSync(sampleFile);
if (!haveSample) console.warn(`alibaba import tests: ${sampleFile} is absent; the tests on the trace's sample are skipped`);

function load(yaml: string): WorkloadSpec {
  const s = loadScenario(yaml, 'imported.yaml');
  if (s.kind !== 'workload') throw new Error('expected a workload');
  return s.workload;
}

function jobsOf(spec: WorkloadSpec) {
  return spec.entries.map((e) => {
    if (e.kind !== 'once') throw new Error('every imported job is submitted once');
    return e.job;
  });
}

function issuesOf(f: () => unknown): string[] {
  try {
    f();
  } catch (err) {
    if (err instanceof ScenarioError) return err.issues.map((i) => `${i.path}: ${i.message}`);
    throw err;
  }
  throw new Error('expected a ScenarioError');
}

const quietIo = (): ImportIo & { out: string[]; err: string[] } => {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (t) => void out.push(t), stderr: (t) => void err.push(t) };
};

describe('a small table, worked by hand', () => {
  // Job x: M1 (10 s) -> R2_1 (5 s) and M3 (2 s, alone); job y: one Running task, 3 s after x.
  const table = [
    'task_name,instance_num,job_name,task_type,status,start_time,end_time,plan_cpu,plan_mem',
    'R2_1,4.0,x,1,Terminated,110,115,50.0,0.2',
    'M1,3.0,x,1,Terminated,100,110,100.0,0.2',
    'M3,1.0,x,1,Terminated,101,103,100.0,0.2',
    'task_abc,2.0,y,1,Running,103,0,100.0,0.5',
    '',
  ].join('\n');

  it('one job per job_name, one vertex per task, edges from the names, submit shifted to 0', () => {
    const r = importBatchTasks(table, 't.csv');
    expect(r.shift).toBe(100);
    expect(r.jobs.map((j) => [j.name, j.submit, j.recordedSpan, j.criticalPath, j.terminated])).toEqual([
      ['x', 0, 15, 15, true],
      ['y', 3, 0, 0, false],
    ]);
    const [x, y] = jobsOf(load(r.yaml));
    expect(x.submitMs).toBe(0);
    expect(y.submitMs).toBe(3000);
    // Producers first; every subtask takes its task's whole recorded time.
    expect(x.spec.vertices.map((v) => [v.id, v.parallelism, v.fixedMs, v.inputs.map((i) => i.from)])).toEqual([
      ['M1', 3, 10_000, []],
      ['R2_1', 4, 5000, ['M1']],
      ['M3', 1, 2000, []],
    ]);
    // plan_cpu varies (100, 50): every slot gets the largest, 1 core; y's 1 core.
    expect(x.spec.cluster.cpuPerSlot).toBe(1);
    expect(x.spec.cluster.slotsPerTaskManager).toBe(1);
    expect(x.spec.cluster.startupMs).toBe(0);
    // A Running task's end is not known: it takes no time, and the job is marked.
    expect(y.spec.vertices.map((v) => [v.id, v.fixedMs])).toEqual([['task_abc', 0]]);
    expect(r.yaml).toMatch(/# NOT ALL TERMINATED \(1 Running\)/);
    expect(r.yaml).toMatch(/minus 100 s, the earliest in the table, so the\n# {3}first job is submitted at 0/);
    expect(r.warnings).toEqual(['1 job(s) have tasks that did not terminate; they are kept and marked in the scenario']);
  });

  it('reads the table without its header the same', () => {
    const headerless = table.split('\n').slice(1).join('\n');
    expect(detectInputKind(headerless)).toBe('batch-task-csv');
    expect(importBatchTasks(headerless, 't.csv').yaml).toBe(importBatchTasks(table, 't.csv').yaml);
  });

  it('reads the columns by the header when they come in another order', () => {
    const cols = table.split('\n').map((l) => {
      const f = l.split(',');
      return l === '' ? '' : [f[2], f[0], ...f.slice(3), f[1]].join(',');
    });
    expect(importBatchTasks(cols.join('\n'), 't.csv').yaml).toBe(importBatchTasks(table, 't.csv').yaml);
  });

  it('a row that cannot be read is exit 2 naming its line', () => {
    const bad = table.replace('M3,1.0,x', 'M3,one,x').replace('task_abc,2.0,y,1,Running,103,0,100.0,0.5', 'task_abc,2.0,y,1,Running,103');
    expect(issuesOf(() => importBatchTasks(bad, 't.csv'))).toEqual([
      'line 4: instance_num `one` is not an integer >= 1',
      'line 5: expected 9 comma-separated fields (task_name,instance_num,job_name,task_type,status,start_time,end_time,plan_cpu,plan_mem), got 6',
    ]);
    expect(issuesOf(() => importBatchTasks(table.replace('50.0,0.2', ',0.2'), 't.csv'))).toEqual(['line 2: plan_cpu `` is not a number > 0']);
  });

  it('a dependency on a task that is not there is left out and said; a task listed twice is an error', () => {
    const r = importBatchTasks('M1,1,j,1,Terminated,0,1,100,1\nR3_2,1,j,1,Terminated,1,2,100,1\n', 't.csv');
    expect(r.jobs[0].edges).toEqual([]);
    expect(r.yaml).toMatch(/# dependency R3_2 -> 2 is not in the table: left out/);
    // R3_2 lost its only input: it is a source, as the loader requires.
    expect(jobsOf(load(r.yaml))[0].spec.vertices[1].sourceBytes).toBe(0);
    expect(issuesOf(() => importBatchTasks('M1,1,j,1,Terminated,0,1,100,1\nM1,1,j,1,Terminated,0,1,100,1\n', 't.csv'))).toEqual([
      'line 2: task `M1` of job `j` is listed twice (also line 1)',
    ]);
  });

  it('through the command: the YAML written, --check run, plan options refused', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'batchsim-trace-'));
    const csv = path.join(dir, 'batch_task.csv');
    writeFileSync(csv, table);
    const out = path.join(dir, 'workload.yaml');
    const io = quietIo();
    await runImport(csv, { output: out }, io);
    expect(readFileSync(out, 'utf8')).toBe(importBatchTasks(table, csv).yaml);
    const checked = quietIo();
    await runImport(csv, { output: out, check: true }, checked);
    expect(checked.out.join('')).toMatch(/^check: \d+ jobs?, simulated makespan/);
    await expect(runImport(csv, { rate: 5 }, quietIo())).rejects.toThrow(/--rate shape the sizes of a Flink plan/);
  });
});

describe.skipIf(!haveSample)('the sample of the trace (../shared/data)', () => {
  const text = haveSample ? readFileSync(sampleFile, 'utf8') : '';
  /** The table read independently of the importer: rows by job. */
  const rows = text
    .trim()
    .split('\n')
    .slice(1)
    .map((l) => l.split(','))
    .map(([task, instances, job, , status, start, end, cpu]) => ({ task, instances: Number(instances), job, status, start: Number(start), end: Number(end), cpu: Number(cpu) }));
  const byJob = new Map<string, typeof rows>();
  for (const r of rows) byJob.set(r.job, [...(byJob.get(r.job) ?? []), r]);

  it('has 87 jobs, each with its tasks, instance counts, times and cores', () => {
    const r = importBatchTasks(text, 'sample.csv');
    const jobs = jobsOf(load(r.yaml));
    expect(jobs).toHaveLength(87);
    expect(new Set(jobs.map((j) => j.name))).toEqual(new Set(byJob.keys()));
    const first = Math.min(...rows.map((x) => x.start));
    for (const j of jobs) {
      const tasks = byJob.get(j.name)!;
      expect(j.spec.vertices.map((v) => v.id).sort()).toEqual(tasks.map((t) => t.task).sort());
      for (const t of tasks) {
        const v = j.spec.vertices.find((x) => x.id === t.task)!;
        expect(v.parallelism).toBe(t.instances);
        expect(v.fixedMs).toBe((t.end - t.start) * 1000);
      }
      expect(j.submitMs).toBe((Math.min(...tasks.map((t) => t.start)) - first) * 1000);
      expect(j.spec.cluster.cpuPerSlot).toBe(Math.max(...tasks.map((t) => t.cpu)) / 100);
    }
    expect(Math.min(...jobs.map((j) => j.submitMs))).toBe(0);
  });

  it('has as many edges as the task names encode', () => {
    // M5_3_4: task 5 after tasks 3 and 4, when they are in the job.
    let expected = 0;
    for (const tasks of byJob.values()) {
      const numbers = new Set(tasks.map((t) => Number(/^[A-Za-z]+(\d+)/.exec(t.task)?.[1])));
      for (const t of tasks) for (const d of t.task.split('_').slice(1)) if (numbers.has(Number(d))) expected++;
    }
    const r = importBatchTasks(text, 'sample.csv');
    const jobs = jobsOf(load(r.yaml));
    const edges = jobs.reduce((n, j) => n + j.spec.vertices.reduce((m, v) => m + v.inputs.length, 0), 0);
    expect(edges).toBe(expected);
    expect(r.jobs.reduce((n, j) => n + j.edges.length, 0)).toBe(expected);
    expect(r.yaml).toContain(`# 87 jobs, 467 tasks, ${expected} edges.`);
  });

  it('in 8 jobs the recorded times follow the dependencies; in 69 a task overlaps one it depends on; in 10 there are gaps', () => {
    const r = importBatchTasks(text, 'sample.csv');
    const overlaps = (name: string) => {
      const tasks = byJob.get(name)!;
      const byNumber = new Map(tasks.map((t) => [Number(/^[A-Za-z]+(\d+)/.exec(t.task)?.[1]), t]));
      return tasks.some((t) => t.task.split('_').slice(1).some((d) => { const p = byNumber.get(Number(d)); return p !== undefined && t.start < p.end; }));
    };
    const follow = r.jobs.filter((j) => j.criticalPath === j.recordedSpan);
    const longer = r.jobs.filter((j) => j.criticalPath > j.recordedSpan);
    const shorter = r.jobs.filter((j) => j.criticalPath < j.recordedSpan);
    expect([follow.length, longer.length, shorter.length]).toEqual([8, 69, 10]);
    // A chain longer than the span needs a task that started before one it depends on ended.
    for (const j of longer) expect(overlaps(j.name)).toBe(true);
    expect(r.jobs.every((j) => j.terminated)).toBe(true);
  });

  it('replayed with an unlimited queue, each job takes exactly its longest chain of task times', () => {
    const r = importBatchTasks(text, 'sample.csv');
    const rows = checkTrace(r, load(r.yaml), (w) => simulateWorkload(w).result);
    for (const row of rows) {
      expect(row.status).toBe('FINISHED');
      expect(row.simulated).toBeCloseTo(r.jobs.find((j) => j.name === row.name)!.criticalPath, 9);
    }
    // So the jobs whose recorded times follow their dependencies match them.
    const follow = r.jobs.filter((j) => j.criticalPath === j.recordedSpan).map((j) => j.name);
    for (const row of rows.filter((x) => follow.includes(x.name))) expect(row.why).toBeUndefined();
  });

  it('the committed example sim-scenarios/alibaba-sample.yaml is what the importer writes', () => {
    const committed = readFileSync(path.join(repoRoot, 'sim-scenarios/alibaba-sample.yaml'), 'utf8');
    expect(committed).toBe(importBatchTasks(text, '../shared/data/alibaba-v2018-batch-task-sample.csv').yaml);
  });

  it('reads the sample without its header the same', () => {
    const headerless = text.split('\n').slice(1).join('\n');
    expect(importBatchTasks(headerless, 'sample.csv').yaml).toBe(importBatchTasks(text, 'sample.csv').yaml);
  });
});
