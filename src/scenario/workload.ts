//! Reads a multi-job scenario (`jobs:`): queues, jobs inline or from files, submission times,
//! workflows (`after`), schedules (`every`) and random arrivals, each job resolved as a single job.

import { readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve as resolvePath } from 'node:path';
import { z } from 'zod';
import { jobManagerCu, taskManagerCu } from '../model/capacity-units.js';
import { findCycle } from '../model/job/job-graph.js';
import type { SimulationSpec } from '../model/spec.js';
import type { QueueSpec, WorkloadEntry, WorkloadJobSpec, WorkloadSpec } from '../model/workload-spec.js';
import { resolveConfig } from './config.js';
import { formatIssue, ScenarioError, type ScenarioIssue } from './issues.js';
import { INPUT_LIMIT_TEXT, MAX_INPUT_BYTES } from './limits.js';
import { parseScenarioText, resolveJobDocument, scenarioName, STDIN_LABEL, toScenarioIssue, type LoadOptions } from './job-document.js';
import { Bad, duration, intIn, num, parsed, seed, text } from './schema.js';
import { closest } from './suggest.js';
import { describe, MAX_DURATION_MS } from './units.js';

/** Most jobs one scenario may hold, schedules and arrival processes counted job by job. */
export const MAX_WORKLOAD_JOBS = 1_000_000;

/** The queue a job without `queue` runs in, and the only queue when `queues` is absent. */
export const DEFAULT_QUEUE = 'default';

/** Marks the jobs of a repeated entry (`NAME#k`), so names may not hold it. */
const REPEAT_MARK = '#';

const priority = num('an integer from -2147483648 to 2147483647', (n) => Number.isInteger(n) && n >= -(2 ** 31) && n < 2 ** 31);
const count = intIn(1, MAX_WORKLOAD_JOBS);
const flinkConfig = z.record(z.string(), z.unknown());
/** A job name: not empty, without the `#` that numbers a repeated entry's jobs. */
const jobName = parsed<string>((v) =>
  typeof v !== 'string' || v.length === 0
    ? new Bad(`Expected a non-empty string, got ${describe(v)}`)
    : v.includes(REPEAT_MARK)
      ? new Bad(`Expected a name without \`${REPEAT_MARK}\` (it numbers the jobs of a schedule or arrival process: \`NAME#0\`, \`NAME#1\`, ...), got \`${v}\``)
      : v,
);
/** A queue's capacity in CU: a number > 0, or `unlimited`. */
const capacity = parsed<number>((v) =>
  v === 'unlimited'
    ? Infinity
    : typeof v === 'number' && Number.isFinite(v) && v > 0
      ? v
      : new Bad(`Expected a capacity in CU (a number > 0) or \`unlimited\`, got ${describe(v)}`),
);

/** What a job is made of: its graph (inline or from a file), its own config and faults, where it runs. */
const jobFields = {
  job: z.unknown().optional(),
  file: text.optional(),
  config: flinkConfig.optional(),
  faults: z.unknown().optional(),
  queue: text.optional(),
  priority: priority.optional(),
};

const templateSchema = z.strictObject({ name: text.optional(), ...jobFields });

const entrySchema = z.strictObject({
  name: jobName,
  ...jobFields,
  submit: duration.optional(),
  after: z.array(text).optional(),
  every: duration.optional(),
  count: count.optional(),
  arrivals: z.strictObject({ poisson: z.strictObject({ mean: duration }), count }).optional(),
  templates: z.array(templateSchema).min(1).optional(),
});

const workloadSchema = z.strictObject({
  name: z.string().optional(),
  description: z.string().optional(),
  seed: seed.optional(),
  // Checked by each job's resolution, which reports it at its own path.
  cluster: z.unknown().optional(),
  config: flinkConfig.optional(),
  queues: z.array(z.strictObject({ name: text, capacity: capacity.optional() })).min(1).optional(),
  jobs: z.array(entrySchema).min(1),
});

type EntryDocument = z.infer<typeof entrySchema>;
type JobFields = z.infer<typeof templateSchema>;

/** A referenced single-job scenario, read once however many jobs name it. */
interface ReferencedFile {
  /** How messages name it. */
  label: string;
  doc?: Record<string, unknown>;
  /** Why it could not be used. */
  error?: string;
}

/** Everything one job's resolution needs from the scenario around it. */
interface Context {
  file: string;
  top: Record<string, unknown>;
  options: LoadOptions;
  files: Map<string, ReferencedFile>;
  issues: ScenarioIssue[];
}

/**
 * Resolves a `jobs:` document (as the scenario loader parsed it) into a WorkloadSpec.
 * @throws ScenarioError with every problem found, each at its field path
 */
export function loadWorkload(raw: Record<string, unknown>, file: string, options: LoadOptions = {}): WorkloadSpec {
  const early: ScenarioIssue[] = [];
  const doc = { ...raw };
  if (Object.hasOwn(doc, 'job')) {
    early.push({ path: 'job', message: 'a scenario holds either `job` (one job) or `jobs` (several), not both' });
    delete doc.job;
  }
  if (Object.hasOwn(doc, 'faults')) {
    early.push({ path: 'faults', message: 'with `jobs`, faults belong to the job they hit: `jobs[].faults`' });
    delete doc.faults;
  }
  const parsedDoc = workloadSchema.safeParse(doc, { reportInput: true });
  if (!parsedDoc.success) throw new ScenarioError(file, [...early, ...parsedDoc.error.issues.map(toScenarioIssue)]);
  const top = parsedDoc.data;
  const ctx: Context = { file, top: raw, options, files: new Map(), issues: early };

  const queues = resolveQueues(top.queues, ctx.issues);
  checkNames(top.jobs, ctx.issues);
  const entries: WorkloadEntry[] = [];
  const jobWarnings: { path: string; warnings: string[] }[] = [];
  top.jobs.forEach((e, i) => {
    const entry = resolveEntry(e, `jobs[${i}]`, ctx, queues, jobWarnings);
    if (entry !== undefined) entries.push(entry);
  });
  checkAfter(top.jobs, ctx.issues);
  const total = top.jobs.reduce((n, e) => n + (e.arrivals?.count ?? e.count ?? 1), 0);
  if (total > MAX_WORKLOAD_JOBS) {
    ctx.issues.push({ path: 'jobs', message: `${total} jobs in all (schedules and arrival processes counted job by job), more than the ${MAX_WORKLOAD_JOBS} a scenario may hold` });
  }
  // The run's own limits (its simulated-time limit) are the scenario's `config`; its
  // problems were reported through the jobs, which all read it.
  const topConfig = resolveConfig(top.config ?? {}, ctx.issues, []);
  if (ctx.issues.length > 0) throw new ScenarioError(file, dedupe(ctx.issues));
  return {
    name: top.name ?? scenarioName(file),
    seed: top.seed ?? 0,
    queues,
    entries,
    guards: topConfig.guards,
    warnings: mergeWarnings(jobWarnings),
  };
}

function resolveQueues(declared: { name: string; capacity?: number }[] | undefined, issues: ScenarioIssue[]): QueueSpec[] {
  if (declared === undefined) return [{ name: DEFAULT_QUEUE, capacityCu: Infinity }];
  const seen = new Map<string, number>();
  return declared.map((q, i) => {
    const other = seen.get(q.name);
    if (other !== undefined) issues.push({ path: `queues[${i}].name`, message: `duplicate queue name \`${q.name}\` (also queues[${other}])` });
    else seen.set(q.name, i);
    return { name: q.name, capacityCu: q.capacity ?? Infinity };
  });
}

function checkNames(jobs: readonly EntryDocument[], issues: ScenarioIssue[]): void {
  const seen = new Map<string, number>();
  jobs.forEach((e, i) => {
    const other = seen.get(e.name);
    if (other !== undefined) issues.push({ path: `jobs[${i}].name`, message: `duplicate job name \`${e.name}\` (also jobs[${other}])` });
    else seen.set(e.name, i);
  });
}

/**
 * Checks every `after`: each names a job (or, as `NAME#k`, one job of a schedule or arrival
 * process), not the job itself, and the jobs' `after` form no cycle.
 */
function checkAfter(jobs: readonly EntryDocument[], issues: ScenarioIssue[]): void {
  const byName = new Map<string, number>();
  jobs.forEach((e, i) => {
    if (!byName.has(e.name)) byName.set(e.name, i);
  });
  const known = (): string => [...byName.keys()].map((n) => `\`${n}\``).join(', ');
  const nodes = jobs.map((e, i) => {
    const inputs: { from: string }[] = [];
    (e.after ?? []).forEach((ref, j) => {
      const path = `jobs[${i}].after[${j}]`;
      const repeat = /^(.*)#(\d+)$/.exec(ref);
      const base = repeat !== null && byName.has(repeat[1]) ? repeat[1] : ref;
      const target = byName.get(base);
      if (target === undefined) {
        const near = closest(ref, byName.keys());
        issues.push({ path, message: `unknown job \`${ref}\`${near !== undefined ? ` (did you mean \`${near}\`?)` : ''}; known: ${known()}` });
        return;
      }
      if (repeat !== null && base === repeat[1]) {
        const t = jobs[target];
        const n = t.arrivals?.count ?? t.count;
        const k = Number(repeat[2]);
        if (n === undefined || (t.every === undefined && t.arrivals === undefined)) {
          issues.push({ path, message: `\`${base}\` is a single job, named \`${base}\` (only the jobs of a schedule or arrival process are numbered)` });
          return;
        }
        if (k >= n) {
          issues.push({ path, message: `\`${base}\` has ${n} job${n === 1 ? '' : 's'}, \`${base}#0\` to \`${base}#${n - 1}\`, so \`${ref}\` does not exist` });
          return;
        }
      }
      if (base === e.name) {
        issues.push({ path, message: `job \`${e.name}\` cannot come after itself` });
        return;
      }
      inputs.push({ from: base });
    });
    return { id: e.name, inputs: inputs.map((x) => ({ from: x.from, pattern: 'all-to-all' as const })) };
  });
  // A duplicate name is reported already; its first job stands for it.
  const cycle = findCycle(nodes.filter((n, i) => byName.get(n.id) === i));
  if (cycle !== null) {
    // findCycle lists a cycle from producer to consumer: here, each job before the next.
    const order = cycle;
    issues.push({ path: `jobs[${byName.get(order[0])}].after`, message: `the jobs' \`after\` form a cycle: ${order.join(' -> ')} (each must finish before the next starts)` });
  }
}

function resolveEntry(
  e: EntryDocument,
  path: string,
  ctx: Context,
  queues: readonly QueueSpec[],
  jobWarnings: { path: string; warnings: string[] }[],
): WorkloadEntry | undefined {
  const issues = ctx.issues;
  const submitMs = e.submit ?? 0;
  const after = e.after ?? [];
  const job = (
    fields: JobFields,
    at: string,
    name: string,
    defaults: { queue?: string; priority?: number; config?: Record<string, unknown> },
  ): WorkloadJobSpec | undefined => {
    const spec = resolveJob(fields, at, name, ctx, defaults.config === undefined ? undefined : { config: defaults.config, path });
    const queue = fields.queue ?? defaults.queue ?? DEFAULT_QUEUE;
    const queuePath = fields.queue !== undefined ? `${at}.queue` : defaults.queue !== undefined ? `${path}.queue` : at;
    checkQueue(spec, name, queue, queuePath, queues, issues);
    if (spec === undefined) return undefined;
    jobWarnings.push({ path: at, warnings: spec.warnings });
    return { name, spec, submitMs, after, queue, priority: fields.priority ?? defaults.priority ?? 0 };
  };

  if (e.arrivals !== undefined) {
    if (e.every !== undefined) issues.push({ path: `${path}.every`, message: 'a job has either `every` (a schedule) or `arrivals` (a random arrival process), not both' });
    if (e.count !== undefined) issues.push({ path: `${path}.count`, message: 'the number of random arrivals goes in `arrivals.count`' });
    const meanMs = e.arrivals.poisson.mean;
    if (meanMs <= 0) issues.push({ path: `${path}.arrivals.poisson.mean`, message: `Expected a mean gap > 0, got \`0\`` });
    else if (meanMs * e.arrivals.count > MAX_DURATION_MS / 1000) {
      issues.push({ path: `${path}.arrivals`, message: 'the arrivals would span more than 285 years (mean gap x count); lower the mean or the count' });
    }
    const inline = e.job !== undefined || e.file !== undefined;
    if (inline === (e.templates !== undefined)) {
      issues.push({ path, message: 'an arrival process needs either `templates` (jobs to pick from) or one job (`job` or `file`), not both' });
      return undefined;
    }
    if (e.templates !== undefined && e.faults !== undefined) {
      issues.push({ path: `${path}.faults`, message: 'with `templates`, faults belong to the template they hit: `templates[].faults`' });
    }
    const defaults = { queue: e.queue, priority: e.priority, config: e.config };
    const templates = (e.templates ?? [e]).map((t, j) => {
      const at = e.templates !== undefined ? `${path}.templates[${j}]` : path;
      const label = e.templates !== undefined ? `${e.name} (template ${'name' in t && t.name !== undefined ? `\`${t.name}\`` : j})` : e.name;
      return job(t, at, label, e.templates !== undefined ? defaults : {});
    });
    if (templates.some((t) => t === undefined)) return undefined;
    return { kind: 'poisson', name: e.name, startMs: submitMs, meanMs, count: e.arrivals.count, templates: templates as WorkloadJobSpec[] };
  }

  if (e.templates !== undefined) {
    issues.push({ path: `${path}.templates`, message: '`templates` are the jobs an arrival process picks from; they need `arrivals: { poisson: { mean: DURATION }, count: N }`' });
  }
  if (e.count !== undefined && e.every === undefined) {
    issues.push({ path: `${path}.count`, message: '`count` needs `every`, the time between two submissions of the job' });
  }
  if (e.every !== undefined && e.count === undefined) {
    issues.push({ path: `${path}.every`, message: '`every` needs `count`, how many times the job is submitted' });
  }
  let scheduleOk = true;
  if (e.every !== undefined && e.every <= 0) {
    issues.push({ path: `${path}.every`, message: 'Expected a time between submissions > 0, got `0`' });
    scheduleOk = false;
  } else if (e.every !== undefined && e.count !== undefined && submitMs + (e.count - 1) * e.every > MAX_DURATION_MS) {
    issues.push({ path: `${path}.every`, message: 'the last submission would be more than 2^53 - 1 ms (about 285,000 years) away' });
    scheduleOk = false;
  }
  const single = job(e, path, e.name, {});
  if (single === undefined || !scheduleOk) return undefined;
  if (e.every === undefined || e.count === undefined) return { kind: 'once', job: single };
  return { kind: 'every', job: single, everyMs: e.every, count: e.count };
}

function checkQueue(
  spec: SimulationSpec | undefined,
  name: string,
  queue: string,
  path: string,
  queues: readonly QueueSpec[],
  issues: ScenarioIssue[],
): void {
  const q = queues.find((x) => x.name === queue);
  if (q === undefined) {
    const names = [...new Set(queues.map((x) => `\`${x.name}\``))].join(', ');
    const near = closest(queue, queues.map((x) => x.name));
    const why = path.endsWith('.queue') ? '' : ' (the job names no `queue`, so it runs in `default`)';
    issues.push({ path, message: `unknown queue \`${queue}\`${why}${near !== undefined ? `; did you mean \`${near}\`?` : ''}; the queues are ${names}` });
    return;
  }
  if (spec === undefined) return;
  const jm = jobManagerCu(spec.cluster);
  const tm = taskManagerCu(spec.cluster);
  if (jm + tm > q.capacityCu) {
    issues.push({
      path,
      message:
        `job \`${name}\` needs ${cu(jm + tm)} CU to start (its JobManager ${cu(jm)} CU and one TaskManager ${cu(tm)} CU), ` +
        `more than the ${cu(q.capacityCu)} CU of queue \`${q.name}\`: it could never run`,
    });
  }
}

const cu = (n: number): string => String(+n.toFixed(3));

/**
 * One job as a single-job scenario: the scenario's `cluster` and `seed`; its `config` the
 * scenario's, under the referenced file's, under the arrival process's (for a template),
 * under the job's own; the graph and faults inline or from the file.
 * Problems are reported at the job's paths; those inside a referenced file name that file.
 */
function resolveJob(
  fields: JobFields,
  path: string,
  name: string,
  ctx: Context,
  /** An arrival process's `config`, under each template's own. */
  inherited?: { config: Record<string, unknown>; path: string },
): SimulationSpec | undefined {
  const { top, issues } = ctx;
  if (fields.job !== undefined && fields.file !== undefined) {
    issues.push({ path, message: 'a job has either `job` (its graph inline) or `file` (a single-job scenario), not both' });
    return undefined;
  }
  if (fields.job === undefined && fields.file === undefined) {
    issues.push({ path, message: 'needs `job` (the job graph inline) or `file` (a path to a single-job scenario)' });
    return undefined;
  }
  let ref: ReferencedFile | undefined;
  if (fields.file !== undefined) {
    ref = referencedFile(fields.file, ctx);
    if (ref.doc === undefined) {
      issues.push({ path: `${path}.file`, message: ref.error ?? 'cannot be used' });
      return undefined;
    }
  }
  const refDoc = ref?.doc ?? {};
  const topConfig = mapOrEmpty(top.config);
  const refConfig = mapOrEmpty(refDoc.config);
  const ownConfig = fields.config ?? {};
  const doc: Record<string, unknown> = {
    name,
    ...(top.seed !== undefined && { seed: top.seed }),
    ...(top.cluster !== undefined && { cluster: top.cluster }),
    config: { ...topConfig, ...refConfig, ...inherited?.config, ...ownConfig },
    job: fields.job ?? refDoc.job,
  };
  const faults = fields.faults ?? refDoc.faults;
  if (faults !== undefined) doc.faults = faults;
  const resolved = resolveJobDocument(doc, ctx.file);
  if ('spec' in resolved) return resolved.spec;
  const viaFile = (issue: ScenarioIssue): ScenarioIssue => ({ path: `${path}.file`, message: formatIssue(ref?.label ?? '', issue) });
  for (const issue of resolved.issues) {
    const p = issue.path;
    if (p === '') issues.push({ path, message: issue.message });
    else if (p === 'seed' || p === 'cluster' || p.startsWith('cluster.') || p.startsWith('cluster[')) issues.push(issue);
    else if (p === 'job' || p.startsWith('job.')) issues.push(fields.job !== undefined ? { path: `${path}.${p}`, message: issue.message } : viaFile(issue));
    else if (p === 'faults' || p.startsWith('faults[')) issues.push(fields.faults !== undefined ? { path: `${path}.${p}`, message: issue.message } : viaFile(issue));
    else if (p.startsWith('config')) {
      const key = configKey(p);
      if (key !== undefined && Object.hasOwn(ownConfig, key)) issues.push({ path: `${path}.${p}`, message: issue.message });
      else if (key !== undefined && inherited !== undefined && Object.hasOwn(inherited.config, key)) issues.push({ path: `${inherited.path}.${p}`, message: issue.message });
      else if (key !== undefined && Object.hasOwn(refConfig, key)) issues.push(viaFile(issue));
      else issues.push(issue);
    } else issues.push({ path: `${path}.${p}`, message: issue.message });
  }
  return undefined;
}

/** The key of a `config["key"]` or `config.key` path. */
function configKey(path: string): string | undefined {
  const quoted = /^config\[("(?:[^"\\]|\\.)*")\]/.exec(path);
  if (quoted !== null) return JSON.parse(quoted[1]) as string;
  return /^config\.([A-Za-z_][A-Za-z0-9_-]*)/.exec(path)?.[1];
}

function mapOrEmpty(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

/**
 * Reads a `file:` reference, relative to the scenario's directory (to the working directory
 * for a scenario read from standard input). It must be a single-job scenario.
 */
function referencedFile(ref: string, ctx: Context): ReferencedFile {
  const fromStdin = ctx.file === STDIN_LABEL || ctx.file === '-';
  const label = isAbsolute(ref) || fromStdin ? ref : join(dirname(ctx.file), ref);
  const key = resolvePath(label);
  const cached = ctx.files.get(key);
  if (cached !== undefined) return cached;
  let out: ReferencedFile;
  try {
    const text = (ctx.options.readFile ?? readScenarioFile)(label);
    const doc = parseScenarioText(text, label);
    out = Object.hasOwn(doc, 'jobs')
      ? { label, error: `\`${label}\` holds several jobs (\`jobs\`); a job's \`file\` must be a single-job scenario (\`job\`)` }
      : { label, doc };
  } catch (err) {
    if (!(err instanceof ScenarioError)) throw err;
    out = { label, error: err.message.split('\n').join('; ') };
  }
  ctx.files.set(key, out);
  return out;
}

/** Reads a referenced scenario from the file system, within the input limit. @throws ScenarioError */
function readScenarioFile(path: string): string {
  const fail = (why: string): never => {
    throw new ScenarioError(path, [{ path: '', message: `cannot read the scenario: ${why}` }]);
  };
  try {
    const st = statSync(path);
    if (st.isDirectory()) fail('is a directory');
    if (!st.isFile()) fail('not a regular file');
    if (st.size > MAX_INPUT_BYTES) fail(`more than ${INPUT_LIMIT_TEXT}`);
    return readFileSync(path, 'utf8');
  } catch (err) {
    if (err instanceof ScenarioError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    return fail(code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : String(code ?? err));
  }
}

/** Issues once each: the scenario's own `cluster` and `config` are checked once per job. */
function dedupe(issues: readonly ScenarioIssue[]): ScenarioIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.path}\n${i.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/**
 * The workload's warnings: one that every job has (about the shared cluster or config) once,
 * as it is; any other prefixed with the path of the job it concerns.
 */
function mergeWarnings(jobs: readonly { path: string; warnings: string[] }[]): string[] {
  const times = new Map<string, number>();
  for (const j of jobs) for (const w of new Set(j.warnings)) times.set(w, (times.get(w) ?? 0) + 1);
  const out: string[] = [];
  const said = new Set<string>();
  for (const j of jobs) {
    for (const w of j.warnings) {
      const line = times.get(w) === jobs.length ? w : `${j.path}: ${w}`;
      if (!said.has(line)) {
        said.add(line);
        out.push(line);
      }
    }
  }
  return out;
}
