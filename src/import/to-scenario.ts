//! The common intermediate graph every plan format is read into, and its conversion to a
//! scenario: the plain object and the same scenario as commented YAML text.

import { Document, isMap, isSeq, type Node as YamlNode } from 'yaml';

import { ScenarioError } from '../scenario/issues.js';
import { formatFlinkDuration, formatFlinkRate, formatFlinkSize } from '../util/format.js';
import { MinIndexHeap } from '../util/min-index-heap.js';
import { FORMAT_LABELS, type PlanFormat } from './detect.js';
import type { EdgePattern } from './ship-strategy.js';
import type { SubtaskDetails } from './subtasks.js';

/** One input of a vertex, as read from the plan. */
export interface ImportEdge {
  /** Key (id in the file) of the producing vertex. */
  from: string;
  pattern: EdgePattern;
  /** The ship strategy exactly as the plan wrote it (shown as a comment). */
  strategy: string;
  /** DataSet plans: the local strategy on this input (`Sort on [0:ASC]`), which keeps Flink from chaining. */
  localStrategy?: string;
  /** Field path of this input in the file, for messages. */
  path: string;
  /** Extra words for the input's comment. */
  note?: string;
}

/** What Flink measured for one vertex (format C). Absent values could not be read. */
export interface VertexMeasurement {
  /** The Flink vertex status (`FINISHED`, `RUNNING`, ...). */
  status?: string;
  /** Vertex duration in milliseconds: last subtask end minus first subtask start. */
  durationMs?: number;
  readBytes?: number;
  writeBytes?: number;
  readRecords?: number;
  writeRecords?: number;
  /** Why a value is missing, per metric (`write-bytes is "NaN"`). */
  problems: Partial<Record<'duration' | 'read-bytes' | 'write-bytes', string>>;
}

/** One vertex of the imported job. */
export interface ImportVertex {
  /** The id in the file (execution-plan node ids as strings, REST vertex ids as hex). */
  key: string;
  /** Field path of the node in the file, for messages. */
  path: string;
  /** Display name, HTML entities decoded and `<br/>` trees flattened. */
  name: string;
  /** Text the readable scenario id is made from. */
  idHint: string;
  /** Undefined when the plan leaves it to Flink (`default`, -1). */
  parallelism?: number;
  inputs: ImportEdge[];
  /** Flink ids this vertex stands for: several when execution-plan operators were chained. */
  flinkIds: string[];
  /** Comment lines shown above the vertex. */
  notes: string[];
  measurement?: VertexMeasurement;
  /** Per-subtask details, when the job details carry them. */
  subtasks?: SubtaskDetails;
  // Values, filled by calibration or by the assumptions of formats without numbers.
  sourceBytes?: number;
  /** Bytes per second per subtask; undefined means infinite. */
  rate?: number;
  fixedSeconds?: number;
  selectivity?: number;
  /** Spread of subtask times (log-normal sigma); absent means none. */
  jitterSigma?: number;
  /** Key skew of the vertex's output (scenario `skew.weights`). */
  skewWeights?: number[];
  /** Which values are guesses the user should edit. */
  assumed: { sourceBytes?: boolean; rate?: boolean; selectivity?: boolean };
}

/** The job as read from any of the formats. */
export interface ImportGraph {
  format: PlanFormat;
  jobName?: string;
  jobId?: string;
  mode?: 'BATCH' | 'STREAMING';
  vertices: ImportVertex[];
  /** Comment lines for the top of the YAML (after the standard ones). */
  header: string[];
  warnings: string[];
  /** Calibrated TaskManager startup (format C), seconds. */
  startupSeconds?: number;
  /** Measured job (format C, job ended). Vertex keys are file ids. */
  measured?: { durationSeconds: number; vertices: { key: string; durationSeconds: number }[] };
}

// ------------------------------------------------------------------------------------------------
// Names and ids

const NAMED_ENTITIES: Readonly<Record<string, string>> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ',
};

/** Decodes HTML entities once (`&gt;` -> `>`, `&#92;` -> `\`, `&amp;gt;` -> `&gt;`). */
export function decodeEntities(text: string): string {
  return text.replace(/&(#[xX][0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);/g, (whole, body: string) => {
    if (body[0] === '#') {
      const code = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      return Number.isFinite(code) && code >= 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return NAMED_ENTITIES[body.toLowerCase()] ?? whole;
  });
}

/**
 * Makes a display name of a Flink description: splits at `<br/>` and newlines, decodes HTML
 * entities, removes the tree drawing (`+- `, `:- `, indentation) and joins the operators with ` -> `.
 */
export function flattenName(text: string): string {
  return text
    .split(/<br\s*\/?>|\r?\n/i)
    .map((line) => decodeEntities(line).replace(/^(?:\s+|[|:](?=\s)|[+:]-)+/, '').replace(/\s+/g, ' ').trim())
    .filter((line) => line !== '')
    .join(' -> ');
}

/** Makes the readable part of an id from a vertex name: first operator, no `[n]` indexes, lower-case words. */
export function slugify(text: string): string {
  let s = text.split(' -> ')[0] ?? '';
  s = s.replace(/^\s*CHAIN\s+/i, '').replace(/^\s*\[\d+\]\s*:\s*/, '');
  let table = '';
  const t = /table=\[\[([^\]]*)/.exec(s);
  if (t !== null) {
    const parts = t[1].split(',').map((p) => p.trim()).filter((p) => p !== '' && !p.includes('='));
    table = parts[parts.length - 1] ?? '';
  }
  const paren = s.indexOf('(');
  if (paren > 0) s = s.slice(0, paren);
  s = `${s} ${table}`.replace(/\[\d+\]/g, ' ');
  s = s
    .toLowerCase()
    .replace(/[^a-z0-9_.]+/g, '-')
    .replace(/(?<![a-z0-9_])\.|\.(?![a-z0-9_])/g, '-') // keep dots only inside words: `std.-out` -> `std-out`
    .replace(/-+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (s.length > 40) {
    const cut = s.lastIndexOf('-', 40);
    s = s.slice(0, cut > 10 ? cut : 40).replace(/[-.]+$/, '');
  }
  return s === '' ? 'vertex' : s;
}

/**
 * Assigns unique readable ids in vertex order: `source-t2`, `source-t2-2`, ... Each name's
 * next suffix is kept: the ids taken only grow, so the lowest free suffix of a name never
 * goes below the last one given, and N operators of one name cost O(N), not O(N^2) probes.
 */
export function assignIds(vertices: readonly ImportVertex[]): Map<string, string> {
  const taken = new Set<string>();
  const nextSuffix = new Map<string, number>();
  const ids = new Map<string, string>();
  for (const v of vertices) {
    const base = slugify(v.idHint);
    let id = base;
    if (taken.has(id)) {
      let n = nextSuffix.get(base) ?? 2;
      while (taken.has(`${base}-${n}`)) n++;
      id = `${base}-${n}`;
      nextSuffix.set(base, n + 1);
    }
    taken.add(id);
    ids.set(v.key, id);
  }
  return ids;
}

// ------------------------------------------------------------------------------------------------
// Graph checks

/**
 * Checks the graph (unique ids, every input names an existing vertex, no cycle) and returns its
 * vertices in topological order, keeping the file's order where the graph allows.
 * @throws ScenarioError naming the bad node or the cycle
 */
export function checkGraph(vertices: readonly ImportVertex[], file: string): ImportVertex[] {
  const byKey = new Map<string, ImportVertex>();
  for (const v of vertices) {
    const other = byKey.get(v.key);
    if (other !== undefined) {
      throw new ScenarioError(file, [{ path: v.path, message: `duplicate node id \`${v.key}\` (also at ${other.path})` }]);
    }
    byKey.set(v.key, v);
  }
  const issues = [];
  for (const v of vertices) {
    for (const e of v.inputs) {
      if (!byKey.has(e.from)) {
        issues.push({ path: e.path, message: `predecessor id \`${e.from}\` of \`${v.key}\` does not exist: no node has that id` });
      }
    }
  }
  if (issues.length > 0) throw new ScenarioError(file, issues);

  const index = new Map(vertices.map((v, i) => [v.key, i]));
  const missing = new Map(vertices.map((v) => [v.key, new Set(v.inputs.map((e) => e.from)).size]));
  const consumers = new Map<string, string[]>(vertices.map((v) => [v.key, []]));
  for (const v of vertices) for (const from of new Set(v.inputs.map((e) => e.from))) consumers.get(from)!.push(v.key);
  // The lowest ready file position first, from a heap: sorting the ready list for every vertex
  // taken was quadratic when one node fans out to thousands.
  const ready = new MinIndexHeap(vertices.length);
  vertices.forEach((v, i) => {
    if (missing.get(v.key) === 0) ready.push(i);
  });
  const order: ImportVertex[] = [];
  while (ready.size > 0) {
    const v = vertices[ready.pop()];
    order.push(v);
    for (const c of consumers.get(v.key)!) {
      const left = missing.get(c)! - 1;
      missing.set(c, left);
      if (left === 0) ready.push(index.get(c)!);
    }
  }
  if (order.length < vertices.length) {
    const cycle = findCycle(vertices.filter((v) => missing.get(v.key)! > 0), byKey);
    const first = byKey.get(cycle[0])!;
    throw new ScenarioError(file, [
      { path: first.path, message: `the plan has a cycle: ${cycle.map((k) => `\`${k}\``).join(' -> ')}; batchsim simulates acyclic jobs only` },
    ]);
  }
  return order;
}

/** Keys along one cycle among the given vertices (each has an input that is also unfinished), closed. */
function findCycle(stuck: readonly ImportVertex[], byKey: ReadonlyMap<string, ImportVertex>): string[] {
  const stuckKeys = new Set(stuck.map((v) => v.key));
  // Walk backwards along inputs that are themselves stuck until a vertex repeats.
  const seen = new Map<string, number>();
  const path: string[] = [];
  let key = stuck[0].key;
  while (!seen.has(key)) {
    seen.set(key, path.length);
    path.push(key);
    key = byKey.get(key)!.inputs.map((e) => e.from).find((k) => stuckKeys.has(k))!;
  }
  const loop = path.slice(seen.get(key)!).reverse();
  return [...loop, loop[0]];
}

/** Number of consuming edges of each vertex. */
export function consumerCounts(vertices: readonly ImportVertex[]): Map<string, number> {
  const counts = new Map<string, number>(vertices.map((v) => [v.key, 0]));
  for (const v of vertices) for (const e of v.inputs) counts.set(e.from, (counts.get(e.from) ?? 0) + 1);
  return counts;
}

// ------------------------------------------------------------------------------------------------
// Scenario

/** The scenario as a plain object (what `yaml.parse` of the emitted text gives back). */
export interface ImportedScenario {
  name: string;
  seed: number;
  cluster: { taskmanager: { slots: number; startup?: string }; shuffle: 'local' | 'remote' };
  config?: Record<string, string | number>;
  job: { vertices: ImportedVertex[] };
}

export interface ImportedVertex {
  id: string;
  name?: string;
  parallelism?: number;
  source?: { bytes: string | number };
  inputs?: { from: string; pattern: EdgePattern }[];
  rate?: string;
  fixed?: string;
  selectivity?: number;
  jitter?: { sigma: number };
  skew?: { weights: number[] };
}

const ASSUMPTION = ' assumption: edit me';

/**
 * Builds the scenario and its commented YAML from a checked, ordered graph with values filled in.
 * @returns the object, the YAML text (which parses back to the object) and the scenario id of each file id
 */
export function toScenario(
  graph: ImportGraph,
  file: string,
): { scenario: ImportedScenario; yaml: string; ids: Map<string, string> } {
  const ids = assignIds(graph.vertices);
  const consumers = consumerCounts(graph.vertices);
  const base = file.replace(/\\/g, '/').split('/').pop() ?? file;
  const fromFile = base === '-' ? '' : base.replace(/\.[^.]*$/, '');
  const name = graph.jobName !== undefined && graph.jobName.trim() !== '' ? graph.jobName.trim() : fromFile || 'imported';

  const vertices: ImportedVertex[] = graph.vertices.map((v) => {
    const out: ImportedVertex = { id: ids.get(v.key)! };
    if (v.name !== '' && v.name !== out.id) out.name = v.name;
    if (v.parallelism !== undefined) out.parallelism = v.parallelism;
    if (v.inputs.length === 0 && v.sourceBytes !== undefined) out.source = { bytes: formatFlinkSize(v.sourceBytes) };
    if (v.inputs.length > 0) out.inputs = v.inputs.map((e) => ({ from: ids.get(e.from)!, pattern: e.pattern }));
    if (v.rate !== undefined && Number.isFinite(v.rate)) out.rate = formatFlinkRate(v.rate);
    if (v.fixedSeconds !== undefined && v.fixedSeconds > 0) out.fixed = formatFlinkDuration(v.fixedSeconds);
    if (v.selectivity !== undefined && (consumers.get(v.key) ?? 0) > 0 && (v.selectivity !== 1 || v.assumed.selectivity === true)) {
      out.selectivity = +v.selectivity.toPrecision(6);
    }
    if (v.jitterSigma !== undefined && +v.jitterSigma.toPrecision(3) > 0) out.jitter = { sigma: +v.jitterSigma.toPrecision(3) };
    if (v.skewWeights !== undefined) out.skew = { weights: v.skewWeights.map((w) => +w.toFixed(4)) };
    return out;
  });

  const taskmanager: ImportedScenario['cluster']['taskmanager'] = { slots: 1 };
  if (graph.startupSeconds !== undefined) taskmanager.startup = formatFlinkDuration(graph.startupSeconds);
  const cluster: ImportedScenario['cluster'] = { taskmanager, shuffle: 'local' };
  const scenario: ImportedScenario =
    graph.mode !== undefined
      ? { name, seed: 0, cluster, config: { 'execution.runtime-mode': graph.mode }, job: { vertices } }
      : { name, seed: 0, cluster, job: { vertices } };

  // Comments.
  const doc = new Document(scenario);
  const header = [
    ` Imported by \`batchsim import\` from ${base === '-' ? 'standard input' : base}`,
    ` Format: ${FORMAT_LABELS[graph.format]}`,
  ];
  if (graph.jobName !== undefined || graph.jobId !== undefined) {
    header.push(` Flink job: ${graph.jobName ?? '(no name)'}${graph.jobId !== undefined ? ` (jid ${graph.jobId})` : ''}`);
  }
  header.push(...graph.header.map((line) => ` ${line}`));
  header.push(' Values marked "assumption: edit me" are guesses: replace them with what you know.');
  header.push(' Run it with: batchsim run <this file>');
  doc.commentBefore = header.join('\n');

  const tm = doc.getIn(['cluster', 'taskmanager'], true) as YamlNode;
  if (isMap(tm)) {
    tm.flow = true;
    tm.comment =
      graph.startupSeconds !== undefined
        ? ' slots per TM:' + ASSUMPTION + '; startup: measured gap from job start to first vertex deployed'
        : ' slots per TM and TM startup (default 10s):' + ASSUMPTION;
  }
  if (scenario.config !== undefined) {
    const mode = doc.getIn(['config', 'execution.runtime-mode'], true) as YamlNode | undefined;
    if (mode !== undefined) mode.comment = ' from the plan\'s job type';
  }

  const seq = doc.getIn(['job', 'vertices'], true);
  if (isSeq(seq)) {
    seq.items.forEach((item, i) => {
      const v = graph.vertices[i];
      if (!isMap(item)) return;
      if (i > 0) item.spaceBefore = true;
      const notes = [`Flink ${v.flinkIds.length > 1 ? 'nodes' : 'vertex'} ${v.flinkIds.join(', ')}`, ...v.notes];
      item.commentBefore = notes.map((n) => ` ${n}`).join('\n');
      const source = item.get('source', true) as YamlNode | undefined;
      if (source !== undefined && isMap(source)) {
        source.flow = true;
        if (v.assumed.sourceBytes === true) source.comment = ASSUMPTION;
      }
      const rate = item.get('rate', true) as YamlNode | undefined;
      if (rate !== undefined && v.assumed.rate === true) rate.comment = ASSUMPTION;
      const jitter = item.get('jitter', true) as YamlNode | undefined;
      if (jitter !== undefined && isMap(jitter)) jitter.flow = true;
      const skew = item.get('skew', true) as YamlNode | undefined;
      if (skew !== undefined && isMap(skew)) skew.flow = true;
      const weights = skew !== undefined && isMap(skew) ? (skew.get('weights', true) as YamlNode | undefined) : undefined;
      if (weights !== undefined && isSeq(weights)) weights.flow = true;
      const sel = item.get('selectivity', true) as YamlNode | undefined;
      if (sel !== undefined && v.assumed.selectivity === true) sel.comment = ASSUMPTION;
      const inputs = item.get('inputs', true) as YamlNode | undefined;
      if (inputs !== undefined && isSeq(inputs)) {
        inputs.items.forEach((input, j) => {
          if (!isMap(input)) return;
          input.flow = true;
          const e = v.inputs[j];
          const words = [e.strategy, e.localStrategy, e.note].filter((w): w is string => w !== undefined && w !== '');
          input.comment = ` ${oneLine(words.join(', '))}`;
        });
      }
    });
  }
  return { scenario, yaml: doc.toString({ lineWidth: 0 }), ids };
}

/** Keeps comment text on one line. */
function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}
