//! A single job's scenario document: parsing the text, then resolving it into a validated SimulationSpec, every problem with its field path.

import { parse as parseYaml, YAMLParseError } from 'yaml';
import type { z } from 'zod';
import { autoDiskBandwidth, autoDiskBytes, autoNetworkBandwidth, resourceWarnings } from '../model/cluster/resources.js';
import type { FaultSpec, ParallelismSpec, SimulationSpec, TaskManagerMemorySpec, VertexSpec } from '../model/spec.js';
import { findCycle } from '../model/job/job-graph.js';
import { resolveConfig, type ResolvedConfig } from './config.js';
import { resolveMemoryLayout } from './memory-config.js';
import { childPath, ScenarioError, type ScenarioIssue } from './issues.js';
import { checkScenarioText } from './limits.js';
import { scenarioSchema, type ScenarioDocument } from './schema.js';
import { describe, MAX_BYTES } from './units.js';

const GIB = 2 ** 30;

/** Stands in for a layout Flink rejects; the scenario is reported as bad before it is used. */
const NO_MEMORY: TaskManagerMemorySpec = {
  process: 0, flink: 0, frameworkHeap: 0, taskHeap: 0, frameworkOffHeap: 0, taskOffHeap: 0,
  network: 0, managed: 0, jvmMetaspace: 0, jvmOverhead: 0, managedPerSlot: 0, taskHeapPerSlot: 0,
};

/** How a scenario reaches the files it names (`jobs[].file`). */
export interface LoadOptions {
  /**
   * Reads a referenced scenario file, path as resolved against the scenario's directory (or
   * the working directory for standard input). Default: the file system, within the input limits.
   * @throws ScenarioError when the file cannot be read
   */
  readFile?: (path: string) => string;
}

/**
 * A scenario's text as a map with no prototype anywhere, after the size and nesting limits.
 * @throws ScenarioError when it is too large, too deep, not YAML or JSON, or not a map
 */
export function parseScenarioText(text: string, file: string): Record<string, unknown> {
  checkScenarioText(text, file);
  // JSON is YAML too, but the native parser reads a generated 10,000-vertex job 20 times
  // faster; anything it rejects goes to the YAML parser, which says what is wrong.
  let raw: unknown = /\.json$/i.test(file) ? parseJsonOrUndefined(text) : undefined;
  if (raw === undefined) {
    try {
      raw = parseYaml(text, { prettyErrors: true, uniqueKeys: true, logLevel: 'error' });
    } catch (err) {
      // The pretty message holds the offending line with a caret under the column.
      const msg = err instanceof YAMLParseError ? err.message.trimEnd() : String(err);
      throw new ScenarioError(file, [{ path: '', message: `not valid YAML or JSON: ${msg}` }]);
    }
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ScenarioError(file, [{ path: '', message: `expected a map with a \`job\` (or \`jobs\`) key, got ${describe(raw)}` }]);
  }
  const reserved = reservedKeyIssues(raw, '');
  if (reserved.length > 0) throw new ScenarioError(file, reserved);
  return withoutPrototypes(raw) as Record<string, unknown>;
}

/**
 * Resolves a single-job document (as {@link parseScenarioText} returns it) into a spec, or
 * the issues that keep it from being one. The one way a job becomes a SimulationSpec: the
 * jobs of a multi-job scenario go through it too.
 */
export function resolveJobDocument(raw: Record<string, unknown>, file: string): { spec: SimulationSpec } | { issues: ScenarioIssue[] } {
  const twins: ScenarioIssue[] = [];
  const expanded = expandDottedKeys(raw, twins);
  if (twins.length > 0) return { issues: twins };
  const parsed = scenarioSchema.safeParse(expanded, { reportInput: true });
  if (!parsed.success) return { issues: parsed.error.issues.map(toScenarioIssue) };
  const issues: ScenarioIssue[] = [];
  const spec = resolve(parsed.data, file, issues);
  return issues.length > 0 ? { issues } : { spec };
}

function parseJsonOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Keys that name a JavaScript object's prototype machinery. No scenario field has these
 * names, so they are rejected like any unknown key, wherever they are.
 */
const RESERVED_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

function reservedKeyIssues(value: unknown, path: string): ScenarioIssue[] {
  const out: ScenarioIssue[] = [];
  const walk = (v: unknown, p: string): void => {
    if (typeof v !== 'object' || v === null) return;
    if (Array.isArray(v)) {
      v.forEach((x, i) => walk(x, childPath(p, i)));
      return;
    }
    for (const k of Object.keys(v)) {
      if (k.split('.').some((part) => RESERVED_KEYS.has(part))) out.push({ path: p, message: `unknown key \`${k}\`` });
      else walk((v as Record<string, unknown>)[k], childPath(p, k));
    }
  };
  walk(value, path);
  return out;
}

/** A deep copy whose maps have no prototype, so no key of the file can reach Object.prototype. */
function withoutPrototypes(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map(withoutPrototypes);
  const out = Object.create(null) as Record<string, unknown>;
  for (const k of Object.keys(value)) out[k] = withoutPrototypes((value as Record<string, unknown>)[k]);
  return out;
}

/**
 * Accepts `taskmanager.slots: 2` as well as the nested form, in `cluster` and in each vertex.
 * A dotted key that sets what its nested twin already sets (`source: 7` beside `source.bytes`,
 * `taskmanager: { slots: 7 }` beside `taskmanager.slots: 2`) is an issue naming both
 * spellings: whichever came later in the file would otherwise win silently.
 */
function expandDottedKeys(doc: Record<string, unknown>, issues: ScenarioIssue[]): Record<string, unknown> {
  const nest = (o: unknown, path: string): unknown => {
    if (!isMap(o)) return o;
    const out = Object.create(null) as Record<string, unknown>;
    const dotted: [key: string, head: string, rest: string, value: unknown][] = [];
    for (const [k, v] of Object.entries(o)) {
      const dot = k.indexOf('.');
      if (dot <= 0) out[k] = v;
      else dotted.push([k, k.slice(0, dot), k.slice(dot + 1), v]);
    }
    const nestedHeads = new Set(Object.keys(out));
    for (const [key, head, rest, v] of dotted) {
      const prev = out[head];
      if (nestedHeads.has(head)) {
        if (!isMap(prev)) {
          issues.push({ path: childPath(path, head), message: `set twice, as \`${head}\` and as \`${key}\`; keep one of the two spellings` });
          continue;
        }
        if (Object.hasOwn(prev, rest)) {
          issues.push({
            path: childPath(childPath(path, head), rest),
            message: `set twice, as \`${head}: { ${rest} }\` and as \`${key}\`; keep one of the two spellings`,
          });
          continue;
        }
      }
      // Maps without a prototype, so no key of the file can reach Object.prototype.
      const inner = Object.create(null) as Record<string, unknown>;
      if (isMap(prev)) Object.assign(inner, prev);
      inner[rest] = v;
      out[head] = inner;
    }
    return out;
  };
  const out = { ...doc };
  if (out.cluster !== undefined) out.cluster = nest(out.cluster, 'cluster');
  const job = out.job as Record<string, unknown> | undefined;
  if (typeof job === 'object' && job !== null && Array.isArray(job.vertices)) {
    out.job = { ...job, vertices: job.vertices.map((v, i) => nest(v, `job.vertices[${i}]`)) };
  }
  return out;
}

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Turns a zod issue into a path and a message a person can act on. */
export function toScenarioIssue(issue: z.core.$ZodIssue): ScenarioIssue {
  let path = '';
  for (const seg of issue.path) path = childPath(path, typeof seg === 'number' ? seg : String(seg));
  const input = (issue as { input?: unknown }).input;
  switch (issue.code) {
    case 'invalid_type':
      if (input === undefined) return { path, message: `is required (${issue.expected})` };
      return { path, message: `Expected ${issue.expected === 'object' ? 'a map' : issue.expected === 'array' ? 'a list' : `a ${issue.expected}`}, got ${describe(input)}` };
    case 'unrecognized_keys':
      return { path, message: `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `\`${k}\``).join(', ')}` };
    case 'too_small':
      return { path, message: `Expected at least ${issue.minimum} item${issue.minimum === 1 ? '' : 's'}` };
    case 'invalid_union': {
      const isFault = path.startsWith('faults[');
      if (isFault) {
        // The union's issue may already point at the discriminator.
        // zod points at the fault or at its discriminator, and reports the fault as the input.
        const atType = path.endsWith('.type');
        const type = typeof input === 'object' && input !== null ? (input as Record<string, unknown>).type : undefined;
        const allowed = 'one of `subtask`, `taskmanager`, `random-subtask`';
        return {
          path: atType ? path : childPath(path, 'type'),
          message: type === undefined ? `is required (${allowed})` : `Expected ${allowed}, got ${describe(type)}`,
        };
      }
      return { path, message: issue.message };
    }
    default:
      return { path, message: issue.message };
  }
}

/** How standard input is named in messages; a scenario read from it without a name is called `stdin`. */
export const STDIN_LABEL = '<stdin>';

/** The name a scenario without `name:` takes: its file's, without the directory and extension. */
export function scenarioName(file: string): string {
  return file === '-' || file === STDIN_LABEL ? 'stdin' : file.replace(/^.*[\\/]/, '').replace(/\.(ya?ml|json)$/i, '');
}

function resolve(doc: ScenarioDocument, file: string, issues: ScenarioIssue[]): SimulationSpec {
  const warnings: string[] = [];
  const c = doc.cluster ?? {};
  const tm = c.taskmanager ?? {};
  const cfg = resolveConfig(doc.config ?? {}, issues, warnings);

  warnings.push(...contradictions(cfg, c));
  const slotsPerTaskManager = cfg.slotsPerTaskManager ?? tm.slots ?? 1;
  // `taskmanager.cpu.cores` under config gives the TaskManager's cores, as in Flink.
  const cpuPerSlot = cfg.cpuCores !== undefined ? cfg.cpuCores / slotsPerTaskManager : (tm.cpuPerSlot ?? 1);
  const cores = slotsPerTaskManager * cpuPerSlot;
  const diskBytes = tm.disk === undefined || tm.disk === 'auto' ? autoDiskBytes(cores) : tm.disk;
  const cost = c.shuffleService?.cost;
  // `taskmanager.memory.process.size` under config wins over memoryPerSlot x slots.
  const processSize = cfg.memory.processSize ?? (tm.memoryPerSlot ?? 4 * GIB) * slotsPerTaskManager;
  const memory = resolveMemoryLayout(processSize, slotsPerTaskManager, cfg.memory, issues) ?? NO_MEMORY;
  const cluster = {
    slotsPerTaskManager,
    cpuPerSlot,
    memoryPerSlot: cfg.memory.processSize !== undefined ? processSize / slotsPerTaskManager : (tm.memoryPerSlot ?? 4 * GIB),
    memory,
    diskBytes,
    startupMs: tm.startup ?? 10_000,
    idleTimeoutMs: cfg.idleTimeoutMs ?? tm.idleTimeout ?? 30_000,
    shutdownMs: tm.shutdown ?? 0,
    jobManagerCpu: c.jobmanager?.cpu ?? 1,
    jobManagerMemory: c.jobmanager?.memory ?? 4 * GIB,
    maxSlots: cfg.maxSlots ?? c.maxSlots ?? Infinity,
    shuffle: c.shuffle ?? 'local',
    diskBandwidth: tm.diskBandwidth === undefined || tm.diskBandwidth === 'auto' ? autoDiskBandwidth(diskBytes) : tm.diskBandwidth,
    networkBandwidth: tm.networkBandwidth === undefined || tm.networkBandwidth === 'auto' ? autoNetworkBandwidth(cores) : tm.networkBandwidth,
    shuffleServiceCost: { perGiBStored: cost?.perGiBStored ?? 0, perGiBTransferred: cost?.perGiBTransferred ?? 0 },
  } as const;
  warnings.push(...resourceWarnings(cluster));
  if (cluster.maxSlots < cluster.slotsPerTaskManager) {
    warnings.push(
      `cluster.maxSlots: ${cluster.maxSlots} is smaller than the ${cluster.slotsPerTaskManager} slots of one TaskManager: no TaskManager can start`,
    );
  }

  const vertices = resolveVertices(doc, issues);
  if (issues.length === 0) checkByteBounds(vertices, cfg.parallelism, issues);
  const faults = resolveFaults(doc, vertices, cfg.parallelism, issues, warnings);
  return {
    name: doc.name ?? scenarioName(file),
    seed: doc.seed ?? 0,
    mode: cfg.mode,
    cluster,
    parallelism: cfg.parallelism,
    vertices,
    faults,
    failoverStrategy: cfg.failoverStrategy,
    restartConfig: cfg.restartConfig,
    slotRequestTimeoutMs: cfg.slotRequestTimeoutMs,
    guards: cfg.guards,
    warnings,
  };
}

/**
 * A Flink key under `config:` that sets what a `cluster` key also sets, to another value:
 * the config key wins (as Flink's own configuration would), and the warning names both.
 */
function contradictions(cfg: ResolvedConfig, c: NonNullable<ScenarioDocument['cluster']>): string[] {
  const out: string[] = [];
  const check = (configKey: string, fromConfig: number | undefined, clusterKey: string, fromCluster: number | undefined, show: (n: number) => string) => {
    if (fromConfig !== undefined && fromCluster !== undefined && fromConfig !== fromCluster) {
      out.push(`config["${configKey}"] (${show(fromConfig)}) contradicts ${clusterKey} (${show(fromCluster)}); the config key wins`);
    }
  };
  const plain = (n: number) => String(n);
  const ms = (n: number) => (n % 1000 === 0 ? `${n / 1000} s` : `${n} ms`);
  const slots = (n: number) => (Number.isFinite(n) ? String(n) : 'unlimited');
  check('taskmanager.numberOfTaskSlots', cfg.slotsPerTaskManager, 'cluster.taskmanager.slots', c.taskmanager?.slots, plain);
  check('slotmanager.number-of-slots.max', cfg.maxSlots, 'cluster.maxSlots', c.maxSlots, slots);
  const cores = c.taskmanager?.cpuPerSlot === undefined ? undefined : c.taskmanager.cpuPerSlot * (cfg.slotsPerTaskManager ?? c.taskmanager.slots ?? 1);
  check('taskmanager.cpu.cores', cfg.cpuCores, 'cluster.taskmanager.cpuPerSlot x slots', cores, plain);
  check('resourcemanager.taskmanager-timeout', cfg.idleTimeoutMs, 'cluster.taskmanager.idleTimeout', c.taskmanager?.idleTimeout, ms);
  return out;
}

function resolveVertices(doc: ScenarioDocument, issues: ScenarioIssue[]): VertexSpec[] {
  const seen = new Map<string, number>();
  const vertices: VertexSpec[] = doc.job.vertices.map((v, i) => {
    const path = `job.vertices[${i}]`;
    if (seen.has(v.id)) issues.push({ path: `${path}.id`, message: `duplicate vertex id \`${v.id}\` (also job.vertices[${seen.get(v.id)}])` });
    else seen.set(v.id, i);
    const inputs = (v.inputs ?? []).map((inp) => ({ from: inp.from, pattern: inp.pattern ?? 'all-to-all' }));
    if (v.source !== undefined && inputs.length > 0) {
      issues.push({ path: `${path}.inputs`, message: 'a source (`source.bytes`) cannot have inputs' });
    }
    if (v.source === undefined && inputs.length === 0) {
      issues.push({ path, message: `vertex \`${v.id}\` is neither a source (\`source.bytes\`) nor has \`inputs\`` });
    }
    return {
      id: v.id,
      ...(v.name !== undefined && { name: v.name }),
      ...(v.parallelism !== undefined && { parallelism: v.parallelism }),
      ...(v.source !== undefined && { sourceBytes: v.source.bytes }),
      inputs,
      rate: v.rate ?? Infinity,
      fixedMs: v.fixed ?? 0,
      selectivity: v.selectivity ?? 1,
      jitterSigma: v.jitter?.sigma ?? 0,
      ...(v.skew !== undefined && { skew: v.skew }),
      managedMemory: v.managedMemory ?? false,
      heapBytes: v.heap ?? 0,
    };
  });
  vertices.forEach((v, i) => {
    const dupInputs = new Set<string>();
    v.inputs.forEach((inp, k) => {
      const p = `job.vertices[${i}].inputs[${k}].from`;
      if (!seen.has(inp.from)) {
        issues.push({ path: p, message: `unknown vertex \`${inp.from}\`; known: ${[...seen.keys()].map((x) => `\`${x}\``).join(', ')}` });
      } else if (inp.from === v.id) {
        issues.push({ path: p, message: `vertex \`${v.id}\` reads its own output` });
      } else if (dupInputs.has(inp.from)) {
        issues.push({ path: p, message: `\`${inp.from}\` is already an input of \`${v.id}\`` });
      }
      dupInputs.add(inp.from);
    });
  });
  if (issues.length === 0) {
    const cycle = findCycle(vertices);
    if (cycle !== null) issues.push({ path: 'job.vertices', message: `the job graph has a cycle: ${cycle.join(' -> ')}` });
  }
  return vertices;
}

/**
 * Rejects a job whose byte counts could pass {@link MAX_BYTES}, where they would stop being
 * exact integers (or become Infinity). A vertex writes at most its selectivity times what it
 * reads, plus half a byte per subtask of rounding; a broadcast input is read once per subtask,
 * so it counts as many times as the consumer's largest possible parallelism.
 */
function checkByteBounds(vertices: VertexSpec[], ps: ParallelismSpec, issues: ScenarioIssue[]): void {
  const index = new Map(vertices.map((v, i) => [v.id, i]));
  const largest = Math.max(ps.maxParallelism, ps.defaultSourceParallelism, ps.globalDefault ?? 1);
  const bound = new Float64Array(vertices.length).fill(NaN);
  // Kahn's order, so a long chain needs no recursion.
  const waiting = vertices.map((v) => v.inputs.length);
  const consumers: number[][] = vertices.map(() => []);
  vertices.forEach((v, i) => v.inputs.forEach((inp) => consumers[index.get(inp.from) as number].push(i)));
  const ready = vertices.flatMap((v, i) => (v.inputs.length === 0 ? [i] : []));
  while (ready.length > 0) {
    const i = ready.pop() as number;
    const v = vertices[i];
    const p = v.parallelism ?? largest;
    let read = v.sourceBytes ?? 0;
    for (const inp of v.inputs) read += bound[index.get(inp.from) as number] * (inp.pattern === 'broadcast' ? p : 1);
    bound[i] = read * v.selectivity + p;
    if (!(bound[i] <= MAX_BYTES)) {
      issues.push({
        path: `job.vertices[${i}].${v.selectivity > 1 ? 'selectivity' : v.sourceBytes !== undefined ? 'source.bytes' : 'inputs'}`,
        message:
          `vertex \`${v.id}\` could write up to ${bound[i].toPrecision(3)} bytes (its input bytes times its selectivity, broadcast inputs once per subtask), ` +
          'more than the 8 PiB (2^53 - 1 bytes) that byte counts are kept exact to; lower the selectivities or source sizes on its way',
      });
      return;
    }
    for (const c of consumers[i]) if (--waiting[c] === 0) ready.push(c);
  }
}

/**
 * A vertex's parallelism when it is known before the run: set in the scenario, a source's
 * default, or `parallelism.default` with inference off; undefined when inferred from data.
 */
function knownParallelism(v: VertexSpec, ps: ParallelismSpec): number | undefined {
  if (v.parallelism !== undefined) return v.parallelism;
  if (!ps.autoEnabled) return ps.globalDefault ?? 1;
  return v.sourceBytes !== undefined ? Math.min(ps.defaultSourceParallelism, ps.maxParallelism) : undefined;
}

function resolveFaults(
  doc: ScenarioDocument,
  vertices: VertexSpec[],
  ps: ParallelismSpec,
  issues: ScenarioIssue[],
  warnings: string[],
): FaultSpec[] {
  const byId = new Map(vertices.map((v) => [v.id, v]));
  const checkSubtask = (path: string, vertex: string, subtask: number, indexPath = path): void => {
    const v = byId.get(vertex);
    const p = v === undefined ? undefined : knownParallelism(v, ps);
    if (v === undefined) issues.push({ path, message: `unknown vertex \`${vertex}\`` });
    else if (p !== undefined && subtask >= p) {
      const why = v.parallelism !== undefined ? 'has parallelism' : 'runs with the default parallelism';
      issues.push({ path: indexPath, message: `vertex \`${vertex}\` ${why} ${p}, so subtask ${subtask} does not exist (subtasks are 0 to ${p - 1})` });
    }
  };
  const out: FaultSpec[] = [];
  /** The subtask fault that decides each attempt's fate: the one at the smallest fraction. */
  const firstAt = new Map<string, { index: number; at: number }>();
  (doc.faults ?? []).forEach((f, i) => {
    const path = `faults[${i}]`;
    if (f.type === 'subtask') {
      checkSubtask(`${path}.vertex`, f.vertex, f.subtask, `${path}.subtask`);
      const fault = { type: 'subtask', vertex: f.vertex, subtask: f.subtask, attempt: f.attempt ?? 0, at: f.at ?? 0.5 } as const;
      const key = JSON.stringify([fault.vertex, fault.subtask, fault.attempt]);
      const other = firstAt.get(key);
      if (other !== undefined) {
        const [win, lose] = other.at <= fault.at ? [other, { index: i, at: fault.at }] : [{ index: i, at: fault.at }, other];
        warnings.push(
          `faults[${lose.index}]: applies to nothing: attempt ${fault.attempt} of ${fault.vertex}[${fault.subtask}] already fails at ${win.at} of its time (faults[${win.index}])`,
        );
        if (win.index === i) firstAt.set(key, win);
      } else {
        firstAt.set(key, { index: i, at: fault.at });
      }
      out.push(fault);
    } else if (f.type === 'taskmanager') {
      if ((f.hosting === undefined) === (f.tm === undefined)) {
        issues.push({ path, message: 'a taskmanager fault needs exactly one of `hosting: "VERTEX[N]"` and `tm: INDEX`' });
      } else if (f.hosting !== undefined) {
        checkSubtask(`${path}.hosting`, f.hosting.vertex, f.hosting.subtask);
        out.push({ type: 'taskmanager', atMs: f.at, hosting: f.hosting });
      } else {
        out.push({ type: 'taskmanager', atMs: f.at, tm: f.tm as number });
      }
    } else {
      out.push({ type: 'random-subtask', probability: f.probability });
    }
  });
  return out;
}
