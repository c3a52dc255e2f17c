//! `batchsim import batch_task.csv`: the Alibaba cluster-trace-v2018 `batch_task` table to a
//! multi-job scenario, one job per job_name, one vertex per task. Pure: the caller reads and writes.

import { findCycle } from '../model/job/job-graph.js';
import { ScenarioError, type ScenarioIssue } from '../scenario/issues.js';
import { MAX_PARALLELISM } from '../scenario/limits.js';
import { STDIN_LABEL } from '../scenario/load.js';

/** The table's columns, in the trace's order (the raw trace has no header). */
export const BATCH_TASK_COLUMNS = [
  'task_name', 'instance_num', 'job_name', 'task_type', 'status', 'start_time', 'end_time', 'plan_cpu', 'plan_mem',
] as const;

type Column = (typeof BATCH_TASK_COLUMNS)[number];

/** Memory of every imported slot: the trace's plan_mem is a share of a machine of unknown size. */
const SLOT_MEMORY = '2GiB';

/** Bad rows listed before the rest are only counted. */
const MAX_ROW_ISSUES = 20;

/** One row of the table. */
export interface BatchTask {
  /** 1-based line in the file. */
  line: number;
  name: string;
  instances: number;
  job: string;
  status: string;
  start: number;
  end: number;
  planCpu: number;
  /** The task's number in its job when its name encodes one (`M5_3_4`: 5), else undefined. */
  number?: number;
  /** Numbers of the tasks it depends on, from its name (`M5_3_4`: 3 and 4). */
  dependsOn: number[];
}

/** One imported job, with what the trace recorded of it (for `--check`). */
export interface TraceJob {
  name: string;
  tasks: BatchTask[];
  /** Edges kept: producer and consumer task names. */
  edges: { from: string; to: string }[];
  /** Earliest start_time and latest end_time, seconds of the trace. */
  firstStart: number;
  lastEnd: number;
  /** Seconds from the trace's first job, when the scenario submits it. */
  submit: number;
  /** lastEnd - firstStart: what `--check` compares the simulated makespan with. */
  recordedSpan: number;
  /** Whether every task's status is Terminated. */
  terminated: boolean;
  /** How many tasks had each status other than Terminated. */
  otherStatuses: Record<string, number>;
  /** Longest chain of task durations along the edges, seconds: its span if each task waited only for its inputs. */
  criticalPath: number;
  /** Dependencies named but missing from the trace, as `task -> number`. */
  missing: string[];
}

export interface BatchTaskImport {
  jobs: TraceJob[];
  /** Seconds subtracted from every start_time so the first job is submitted at 0. */
  shift: number;
  /** The scenario, commented. */
  yaml: string;
  warnings: string[];
}

/** Whether a text looks like the batch_task table: its header, or a first row of nine fields. */
export function looksLikeBatchTaskCsv(text: string): boolean {
  const first = text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0].trim();
  if (first.startsWith('{') || first.startsWith('[')) return false;
  return isHeader(first) || first.split(',').length === BATCH_TASK_COLUMNS.length;
}

/** Whether a line is the table's header: its fields name the columns (in any order). */
function isHeader(line: string): boolean {
  const fields = line.split(',').map((f) => f.trim());
  return fields.includes('task_name') && fields.includes('job_name');
}

/**
 * Reads the batch_task table, with or without its header line.
 * @throws ScenarioError naming each line that cannot be read (up to 20), and for duplicate tasks
 */
export function parseBatchTasks(text: string, file: string): BatchTask[] {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  let order: number[] = BATCH_TASK_COLUMNS.map((_, i) => i);
  let first = 0;
  const issues: ScenarioIssue[] = [];
  if (isHeader(lines[0])) {
    const header = lines[0].split(',').map((h) => h.trim());
    const missing = BATCH_TASK_COLUMNS.filter((c) => !header.includes(c));
    if (missing.length > 0) {
      throw new ScenarioError(file, [{ path: 'line 1', message: `the header lacks ${missing.map((c) => `\`${c}\``).join(', ')}; expected ${BATCH_TASK_COLUMNS.join(',')}` }]);
    }
    order = BATCH_TASK_COLUMNS.map((c) => header.indexOf(c));
    first = 1;
  }
  const width = Math.max(BATCH_TASK_COLUMNS.length, ...order.map((i) => i + 1));
  const tasks: BatchTask[] = [];
  let bad = 0;
  for (let i = first; i < lines.length; i++) {
    if (lines[i].trim() === '') continue;
    const row = readRow(lines[i], i + 1, order, width);
    if (typeof row === 'string') {
      if (++bad <= MAX_ROW_ISSUES) issues.push({ path: `line ${i + 1}`, message: row });
    } else tasks.push(row);
  }
  if (bad > MAX_ROW_ISSUES) issues.push({ path: '', message: `and ${bad - MAX_ROW_ISSUES} more lines that cannot be read` });
  if (issues.length === 0 && tasks.length === 0) issues.push({ path: '', message: 'no tasks: the table is empty' });
  if (issues.length > 0) throw new ScenarioError(file, issues);
  return tasks;
}

const INTEGER = /^\d+(\.0*)?$/;
const NUMBER = /^\d+(\.\d+)?([eE][+-]?\d+)?$/;

/** One row, or why it cannot be read. */
function readRow(line: string, lineNo: number, order: readonly number[], width: number): BatchTask | string {
  const fields = line.split(',').map((f) => f.trim());
  if (fields.length < width) {
    return `expected ${width} comma-separated fields (${BATCH_TASK_COLUMNS.join(',')}), got ${fields.length}`;
  }
  const get = (c: Column) => fields[order[BATCH_TASK_COLUMNS.indexOf(c)]];
  const problems: string[] = [];
  const int = (c: Column, min: number): number => {
    const v = get(c);
    if (!INTEGER.test(v) || Number(v) < min || !Number.isSafeInteger(Number(v))) problems.push(`${c} \`${v}\` is not an integer >= ${min}`);
    return Number(v);
  };
  const positive = (c: Column): number => {
    const v = get(c);
    if (!NUMBER.test(v) || !(Number(v) > 0) || !Number.isFinite(Number(v))) problems.push(`${c} \`${v}\` is not a number > 0`);
    return Number(v);
  };
  const name = get('task_name');
  const job = get('job_name');
  if (name === '') problems.push('task_name is empty');
  if (job === '') problems.push('job_name is empty');
  if (job.includes('#')) problems.push(`job_name \`${job}\` holds \`#\`, which numbers repeated jobs in a scenario`);
  const instances = int('instance_num', 1);
  const status = get('status');
  if (status === '') problems.push('status is empty');
  const start = int('start_time', 0);
  const end = int('end_time', 0);
  const planCpu = positive('plan_cpu');
  const mem = get('plan_mem');
  if (!NUMBER.test(mem)) problems.push(`plan_mem \`${mem}\` is not a number >= 0`);
  if (problems.length > 0) return problems.join('; ');
  // `M5_3_4` is task 5 after tasks 3 and 4; the letters carry no meaning; other names stand alone.
  const m = /^[A-Za-z]+(\d+)((?:_\d+)*)$/.exec(name);
  const number = m === null ? undefined : Number(m[1]);
  const dependsOn = m === null || m[2] === '' ? [] : [...new Set(m[2].slice(1).split('_').map(Number))];
  return { line: lineNo, name, instances, job, status, start, end, planCpu, ...(number !== undefined && { number }), dependsOn };
}

/**
 * Groups the tasks into jobs and builds the scenario: one job per job_name, submitted at its
 * earliest start_time (shifted so the first job is submitted at 0), one vertex per task.
 * @param file the table's name, for messages and the scenario's comment
 * @throws ScenarioError for a job whose tasks repeat a name or whose dependencies form a cycle
 */
export function importBatchTasks(text: string, file: string): BatchTaskImport {
  const tasks = parseBatchTasks(text, file);
  const byJob = new Map<string, BatchTask[]>();
  for (const t of tasks) {
    const list = byJob.get(t.job);
    if (list === undefined) byJob.set(t.job, [t]);
    else list.push(t);
  }
  const issues: ScenarioIssue[] = [];
  const warnings: string[] = [];
  const jobs: TraceJob[] = [];
  for (const [name, list] of byJob) {
    const job = buildJob(name, list, issues);
    if (job !== undefined) jobs.push(job);
  }
  if (issues.length > 0) throw new ScenarioError(file, issues);
  const shift = Math.min(...jobs.map((j) => j.firstStart));
  for (const j of jobs) j.submit = j.firstStart - shift;
  jobs.sort((a, b) => a.submit - b.submit || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const clamped = tasks.filter((t) => t.instances > MAX_PARALLELISM);
  if (clamped.length > 0) {
    warnings.push(`${clamped.length} task(s) have more than ${MAX_PARALLELISM} instances, the most a Flink vertex can have; they run with ${MAX_PARALLELISM} (first: line ${clamped[0].line})`);
  }
  const missing = jobs.reduce((n, j) => n + j.missing.length, 0);
  if (missing > 0) warnings.push(`${missing} dependencies name tasks that are not in the table; they are left out (see the comments in the scenario)`);
  const unfinished = jobs.filter((j) => !j.terminated).length;
  if (unfinished > 0) warnings.push(`${unfinished} job(s) have tasks that did not terminate; they are kept and marked in the scenario`);
  return { jobs, shift, yaml: toYaml(jobs, shift, file, tasks.length), warnings };
}

function buildJob(name: string, tasks: BatchTask[], issues: ScenarioIssue[]): TraceJob | undefined {
  const byName = new Map<string, BatchTask>();
  const byNumber = new Map<number, BatchTask>();
  for (const t of tasks) {
    const twin = byName.get(t.name);
    if (twin !== undefined) {
      issues.push({ path: `line ${t.line}`, message: `task \`${t.name}\` of job \`${name}\` is listed twice (also line ${twin.line})` });
      continue;
    }
    byName.set(t.name, t);
    if (t.number !== undefined) {
      const other = byNumber.get(t.number);
      if (other !== undefined) {
        issues.push({ path: `line ${t.line}`, message: `tasks \`${other.name}\` (line ${other.line}) and \`${t.name}\` of job \`${name}\` both have the number ${t.number}, so a dependency on it is ambiguous` });
      } else byNumber.set(t.number, t);
    }
  }
  const edges: { from: string; to: string }[] = [];
  const missing: string[] = [];
  for (const t of tasks) {
    for (const d of t.dependsOn) {
      const from = byNumber.get(d);
      if (d === t.number) missing.push(`${t.name} -> ${d} (itself)`);
      else if (from === undefined) missing.push(`${t.name} -> ${d}`);
      else edges.push({ from: from.name, to: t.name });
    }
  }
  const nodes = tasks.map((t) => ({ id: t.name, inputs: edges.filter((e) => e.to === t.name).map((e) => ({ from: e.from, pattern: 'all-to-all' as const })) }));
  const cycle = findCycle(nodes);
  if (cycle !== null) {
    issues.push({ path: `line ${byName.get(cycle[0])?.line ?? tasks[0].line}`, message: `the tasks of job \`${name}\` depend on each other in a cycle: ${cycle.join(' -> ')}` });
    return undefined;
  }
  const otherStatuses: Record<string, number> = {};
  for (const t of tasks) if (t.status !== 'Terminated') otherStatuses[t.status] = (otherStatuses[t.status] ?? 0) + 1;
  const firstStart = Math.min(...tasks.map((t) => t.start));
  const lastEnd = Math.max(...tasks.map((t) => t.end));
  return {
    name,
    tasks: topologicalOrder(tasks, edges),
    edges,
    firstStart,
    lastEnd,
    submit: 0,
    recordedSpan: Math.max(0, lastEnd - firstStart),
    terminated: Object.keys(otherStatuses).length === 0,
    otherStatuses,
    criticalPath: longestChain(tasks, edges),
    missing,
  };
}

/** A task's recorded time, which each of its subtasks takes; 0 when its end is before its start. */
export function taskSeconds(t: BatchTask): number {
  return Math.max(0, t.end - t.start);
}

/** Producers before consumers; among tasks ready together, by task number, then name. */
function topologicalOrder(tasks: readonly BatchTask[], edges: readonly { from: string; to: string }[]): BatchTask[] {
  const waiting = new Map(tasks.map((t) => [t.name, 0]));
  for (const e of edges) waiting.set(e.to, (waiting.get(e.to) ?? 0) + 1);
  const rank = (t: BatchTask) => t.number ?? Infinity;
  const before = (a: BatchTask, b: BatchTask) => rank(a) - rank(b) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
  const byName = new Map(tasks.map((t) => [t.name, t]));
  let ready = tasks.filter((t) => waiting.get(t.name) === 0).sort(before);
  const out: BatchTask[] = [];
  while (ready.length > 0) {
    const t = ready.shift() as BatchTask;
    out.push(t);
    for (const e of edges) {
      if (e.from !== t.name) continue;
      const n = (waiting.get(e.to) as number) - 1;
      waiting.set(e.to, n);
      if (n === 0) ready = [...ready, byName.get(e.to) as BatchTask].sort(before);
    }
  }
  return out;
}

/** The longest sum of task times along a path of edges. */
function longestChain(tasks: readonly BatchTask[], edges: readonly { from: string; to: string }[]): number {
  const finish = new Map<string, number>();
  for (const t of topologicalOrder(tasks, edges)) {
    const ready = Math.max(0, ...edges.filter((e) => e.to === t.name).map((e) => finish.get(e.from) as number));
    finish.set(t.name, ready + taskSeconds(t));
  }
  return Math.max(0, ...finish.values());
}

/** A YAML scalar: plain when that reads back as the same string, else double-quoted. */
function scalar(s: string): string {
  return /^[A-Za-z_][A-Za-z0-9_.-]*$/.test(s) && !/^(true|false|null|yes|no|on|off|y|n)$/i.test(s) ? s : JSON.stringify(s);
}

const seconds = (n: number): string => `${+n.toFixed(3)}s`;
const cores = (n: number): string => String(+n.toFixed(6));

function toYaml(jobs: readonly TraceJob[], shift: number, file: string, taskCount: number): string {
  const edgeCount = jobs.reduce((n, j) => n + j.edges.length, 0);
  const unfinished = jobs.filter((j) => !j.terminated).length;
  const source = file === STDIN_LABEL ? 'standard input' : file.replace(/\\/g, '/').split('/').pop();
  const out = [
    `# Imported by \`batchsim import\` from the Alibaba cluster-trace-v2018 batch_task table (${source}):`,
    `# ${jobs.length} jobs, ${taskCount} tasks, ${edgeCount} edges${unfinished > 0 ? `; ${unfinished} job(s) whose tasks did not all terminate, marked below` : ''}.`,
    '# - One job per job_name, one vertex per task with instance_num subtasks; edges (all-to-all,',
    '#   blocking) come from the task names: M5_3_4 is task 5, run after tasks 3 and 4.',
    `# - submit: the job's earliest task start_time minus ${shift} s, the earliest in the table, so the`,
    '#   first job is submitted at 0.',
    "# - Every subtask takes its task's recorded time, end_time - start_time, as `fixed`: the trace",
    '#   has no data sizes.',
    '# - Cores per slot: plan_cpu / 100 (`taskmanager.cpu.cores`, one slot per TaskManager); a job whose',
    '#   tasks ask for different plan_cpu gets the largest for all its slots.',
    `# - plan_mem is a share of a machine whose memory the trace does not give: every slot gets ${SLOT_MEMORY.replace('GiB', ' GiB')},`,
    '#   so a TaskManager takes as many CU as it has cores, at least 0.5.',
    '# - TaskManagers start at once (startup 0s): the trace\'s machines were already running.',
    'cluster:',
    `  taskmanager: { slots: 1, memoryPerSlot: ${SLOT_MEMORY}, startup: 0s }`,
    'jobs:',
  ];
  for (const j of jobs) {
    out.push(
      `  # ${j.name}: ${j.tasks.length} task${j.tasks.length === 1 ? '' : 's'}, ${j.edges.length} edge${j.edges.length === 1 ? '' : 's'}; ` +
        `recorded from ${j.firstStart} to ${j.lastEnd} (${j.recordedSpan} s)`,
    );
    if (!j.terminated) {
      const statuses = Object.entries(j.otherStatuses).map(([s, n]) => `${n} ${s}`).join(', ');
      out.push(`  # NOT ALL TERMINATED (${statuses}): the recorded span is cut off or ends in a failure`);
    }
    for (const m of j.missing) out.push(`  # dependency ${m} is not in the table: left out`);
    const cpus = new Set(j.tasks.map((t) => t.planCpu));
    const cpu = Math.max(...cpus) / 100;
    if (cpus.size > 1) out.push(`  # plan_cpu varies from ${Math.min(...cpus)} to ${Math.max(...cpus)}: every slot gets ${cores(cpu)} cores`);
    out.push(`  - name: ${scalar(j.name)}`, `    submit: ${seconds(j.submit)}`, `    config: { taskmanager.cpu.cores: ${cores(cpu)} }`, '    job:', '      vertices:');
    for (const t of j.tasks) {
      const inputs = j.edges.filter((e) => e.to === t.name).map((e) => `{ from: ${scalar(e.from)} }`);
      const fixed = taskSeconds(t);
      const parts = [
        `id: ${scalar(t.name)}`,
        `parallelism: ${Math.min(t.instances, MAX_PARALLELISM)}`,
        inputs.length > 0 ? `inputs: [${inputs.join(', ')}]` : 'source: { bytes: 0 }',
        ...(fixed > 0 ? [`fixed: ${seconds(fixed)}`] : []),
      ];
      const note = t.status !== 'Terminated' ? `  # ${t.status}` : t.end < t.start ? '  # ends before it starts: 0 s' : '';
      out.push(`        - { ${parts.join(', ')} }${note}`);
    }
  }
  return `${out.join('\n')}\n`;
}
