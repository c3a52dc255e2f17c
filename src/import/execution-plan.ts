//! Format A: the execution plan of `env.getExecutionPlan()` and `EXPLAIN JSON_EXECUTION_PLAN`.
//!
//! `{"nodes": [{"id", "type", "pact", "contents", "parallelism", "predecessors": [{"id",
//! "ship_strategy", "side"}]}]}`. DataStream / SQL plans give one node per operator with integer
//! ids and names in `type`; DataSet plans (Flink's old batch API) write `type` as `source`, `pact`
//! or `sink`, the operator in `pact`, parallelism as a string (or `"default"`), prose ship
//! strategies, sometimes a `local_strategy`, and `Union` nodes.
//!
//! Operators are not yet chained in this format, so the importer chains them as Flink would, with
//! one simple rule: a node whose only input is a FORWARD edge from a producer of the same
//! parallelism, whose only consumer it is, and which does not sort that input (`local_strategy`),
//! joins the producer's vertex. Anything else (another strategy, a different parallelism, a
//! producer feeding several consumers, a node with several inputs) starts a new vertex.

import { ScenarioError, type ScenarioIssue } from '../scenario/issues.js';
import { asId, asNumber, asString, forEachEdgeEntry, isObject, type JsonObject } from './detect.js';
import { isForward, patternOrIssue, type EdgePattern } from './ship-strategy.js';
import { checkGraph, consumerCounts, flattenName, type ImportEdge, type ImportGraph, type ImportVertex } from './to-scenario.js';

/** `type` values of DataSet plans (the DataStream plans write the operator name there). */
const DATASET_TYPES: ReadonlySet<string> = new Set(['source', 'sink', 'pact', 'bulk_iteration', 'workset_iteration']);

/**
 * Reads an execution plan into the common graph, checked, with unions dissolved and FORWARD
 * chains merged.
 * @throws ScenarioError for malformed nodes, unknown strategies, missing predecessors, cycles, iterations
 */
export function readExecutionPlan(doc: JsonObject, file: string): ImportGraph {
  const nodes = doc.nodes as unknown[];
  const issues: ScenarioIssue[] = [];
  const warnings: string[] = [];
  const vertices: ImportVertex[] = [];
  const unions = new Set<string>();

  nodes.forEach((node, i) => {
    const path = `nodes[${i}]`;
    if (!isObject(node)) {
      issues.push({ path, message: 'expected a node object' });
      return;
    }
    const type = asString(node.type) ?? '';
    const pact = asString(node.pact) ?? '';
    if ('step_function' in node || pact === 'IterativeDataStream' || type === 'bulk_iteration' || type === 'workset_iteration') {
      issues.push({ path, message: 'iterations are not supported: batchsim simulates acyclic jobs only' });
      return;
    }
    const key = asId(node.id);
    if (key === undefined) {
      issues.push({ path: `${path}.id`, message: 'every node needs an `id`' });
      return;
    }
    const contents = flattenName(asString(node.contents) ?? '');
    const dataSet = DATASET_TYPES.has(type);
    let name: string;
    let idHint: string;
    if (dataSet) {
      const op = flattenName(pact);
      name = contents === '' ? op : contents.startsWith(op) || op === '' ? contents : `${op}: ${contents}`;
      idHint = op !== '' ? op : contents;
      if (op.toLowerCase() === 'union') unions.add(key);
    } else {
      name = flattenName(type) || contents || flattenName(pact);
      idHint = name;
    }
    const notes: string[] = [];
    const parallelism = readParallelism(node.parallelism, `${path}.parallelism`, issues, notes);

    const inputs: ImportEdge[] = [];
    if (node.predecessors !== undefined) {
      forEachEdgeEntry(node.predecessors, `${path}.predecessors`, 'predecessor', issues, (pred, from, ppath) => {
        const strategy = asString(pred.ship_strategy);
        const localStrategy = asString(pred.local_strategy);
        let pattern: EdgePattern = 'all-to-all';
        if (strategy !== undefined) {
          const p = patternOrIssue(strategy, `${ppath}.ship_strategy`, issues);
          if (p === undefined) return;
          pattern = p;
        }
        inputs.push({
          from,
          pattern,
          strategy: strategy ?? '',
          path: ppath,
          ...(localStrategy !== undefined && localStrategy !== '' ? { localStrategy } : {}),
        });
      });
    }
    vertices.push({ key, path, name, idHint, parallelism, inputs, flinkIds: [key], notes, assumed: {} });
  });
  if (nodes.length === 0) issues.push({ path: 'nodes', message: 'the plan has no nodes: nothing to simulate' });
  if (issues.length > 0) throw new ScenarioError(file, issues);

  let ordered = checkGraph(vertices, file);
  fillMissingStrategies(ordered, warnings);
  ordered = dissolveUnions(ordered, unions);
  ordered = chainForward(ordered);
  return { format: 'execution-plan', vertices: ordered, header: [], warnings };
}

/** Reads a node's parallelism: a positive integer (or a string of one); `default` and values < 1 leave it to Flink. */
function readParallelism(value: unknown, path: string, issues: ScenarioIssue[], notes: string[]): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (value === 'default') {
    notes.push('parallelism `default` in the plan: left for the simulator to choose');
    return undefined;
  }
  const n = asNumber(value);
  if (n === undefined || !Number.isInteger(n)) {
    issues.push({ path, message: `expected a whole number or \`default\`, got \`${JSON.stringify(value)}\`` });
    return undefined;
  }
  if (n < 1) {
    notes.push(`parallelism ${n} in the plan (not decided yet): left for the simulator to choose`);
    return undefined;
  }
  return n;
}

/**
 * Edges without a ship strategy (DataSet plans before optimization) get Flink's DataStream default:
 * FORWARD between equal parallelism, REBALANCE otherwise.
 */
function fillMissingStrategies(vertices: ImportVertex[], warnings: string[]): void {
  const byKey = new Map(vertices.map((v) => [v.key, v]));
  for (const v of vertices) {
    for (const e of v.inputs) {
      if (e.strategy !== '') continue;
      const producer = byKey.get(e.from)!;
      const same = producer.parallelism === v.parallelism;
      e.strategy = same ? 'FORWARD' : 'REBALANCE';
      e.pattern = same ? 'pointwise' : 'all-to-all';
      e.note = 'assumed: no ship_strategy in the plan';
      warnings.push(`${e.path}: no ship_strategy; assumed ${same ? 'FORWARD (equal parallelism)' : 'REBALANCE (different parallelism)'}`);
    }
  }
}

/**
 * DataSet `Union` nodes are not tasks in Flink: each consumer of a union reads the union's inputs
 * directly. The pattern of such an input is the consumer's, unless the consumer's edge is a plain
 * forward, in which case the union input's own strategy decides.
 */
function dissolveUnions(vertices: ImportVertex[], unions: ReadonlySet<string>): ImportVertex[] {
  if (unions.size === 0) return vertices;
  const byKey = new Map(vertices.map((v) => [v.key, v]));
  const counts = consumerCounts(vertices);
  const removed = new Set<string>();
  const expand = (e: ImportEdge): ImportEdge[] => {
    const u = byKey.get(e.from)!;
    if (!unions.has(u.key) || (counts.get(u.key) ?? 0) === 0) return [e];
    removed.add(u.key);
    return u.inputs.flatMap(expand).map((inner) => {
      const useInner = e.pattern === 'pointwise';
      return {
        from: inner.from,
        pattern: useInner ? inner.pattern : e.pattern,
        strategy: useInner ? inner.strategy : e.strategy,
        path: e.path,
        note: `through Union node ${u.key}`,
        ...(e.localStrategy !== undefined ? { localStrategy: e.localStrategy } : {}),
      };
    });
  };
  for (const v of vertices) v.inputs = v.inputs.flatMap(expand);
  return vertices.filter((v) => !removed.has(v.key));
}

/** Merges FORWARD chains (see the module comment). `vertices` is in topological order. */
function chainForward(vertices: ImportVertex[]): ImportVertex[] {
  const byKey = new Map(vertices.map((v) => [v.key, v]));
  const counts = consumerCounts(vertices);
  const head = new Map<string, ImportVertex>();
  const kept: ImportVertex[] = [];
  for (const v of vertices) {
    const e = v.inputs.length === 1 ? v.inputs[0] : undefined;
    const producer = e === undefined ? undefined : byKey.get(e.from)!;
    if (
      e !== undefined &&
      producer !== undefined &&
      isForward(e.strategy) &&
      e.localStrategy === undefined &&
      producer.parallelism === v.parallelism &&
      counts.get(producer.key) === 1
    ) {
      const target = head.get(producer.key)!;
      target.name = `${target.name} -> ${v.name}`;
      target.flinkIds.push(...v.flinkIds);
      target.notes.push(...v.notes.filter((n) => !target.notes.includes(n)));
      head.set(v.key, target);
      continue;
    }
    head.set(v.key, v);
    kept.push(v);
  }
  for (const v of kept) {
    if (v.flinkIds.length > 1) v.notes.unshift('operators chained as Flink does: FORWARD edges between equal parallelism');
    for (const e of v.inputs) e.from = head.get(e.from)!.key;
  }
  return kept;
}
