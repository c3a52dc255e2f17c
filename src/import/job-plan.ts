//! Format B: the job plan the REST API serves at `/jobs/:jobid/plan` (as `{"plan": ...}`), and as
//! the `plan` member of `/jobs/:jobid`.
//!
//! `{"jid", "name", "type"?, "nodes": [{"id": hex, "parallelism", "operator", "operator_strategy",
//! "description", "inputs": [{"num", "id", "ship_strategy", "local_strategy"?, "exchange"}],
//! "optimizer_properties"}]}`. Each node is a job vertex: operators are already chained. The
//! description is HTML-escaped with `<br/>` line breaks (newer versions draw the chain as a tree).

import { ScenarioError, childPath, type ScenarioIssue } from '../scenario/issues.js';
import { asId, asNumber, asString, forEachEdgeEntry, isObject, type JsonObject } from './detect.js';
import { patternOrIssue } from './ship-strategy.js';
import { flattenName, type ImportEdge, type ImportGraph, type ImportVertex } from './to-scenario.js';

/**
 * Reads a job plan into the common graph (not yet checked for missing inputs or cycles).
 * @param plan the object holding `nodes`
 * @param planPath its field path in the file (`plan` when wrapped, empty when bare)
 * @throws ScenarioError for malformed nodes and unknown ship strategies
 */
export function readJobPlan(plan: JsonObject, planPath: string, file: string): ImportGraph {
  const issues: ScenarioIssue[] = [];
  const warnings: string[] = [];
  const nodesPath = childPath(planPath, 'nodes');
  if (!Array.isArray(plan.nodes)) {
    throw new ScenarioError(file, [{ path: nodesPath, message: 'expected a list of plan nodes' }]);
  }
  if (plan.nodes.length === 0) {
    throw new ScenarioError(file, [{ path: nodesPath, message: 'the plan has no nodes: nothing to simulate' }]);
  }
  const vertices: ImportVertex[] = [];
  plan.nodes.forEach((node, i) => {
    const path = childPath(nodesPath, i);
    if (!isObject(node)) {
      issues.push({ path, message: 'expected a node object' });
      return;
    }
    const key = asId(node.id);
    if (key === undefined) {
      issues.push({ path: `${path}.id`, message: 'every node needs an `id`' });
      return;
    }
    const description = flattenName(asString(node.description) ?? '');
    const operator = flattenName(asString(node.operator) ?? '');
    const name = description || operator || key;
    const notes: string[] = [];
    let parallelism: number | undefined;
    if (node.parallelism !== undefined && node.parallelism !== null) {
      const p = asNumber(node.parallelism);
      if (p === undefined || !Number.isInteger(p)) {
        issues.push({ path: `${path}.parallelism`, message: `expected a whole number, got \`${JSON.stringify(node.parallelism)}\`` });
      } else if (p < 1) {
        notes.push(`parallelism ${p} in the plan (not decided yet): left for the simulator to choose`);
      } else {
        parallelism = p;
      }
    }
    const inputs: ImportEdge[] = [];
    if (node.inputs !== undefined && node.inputs !== null) {
      forEachEdgeEntry(node.inputs, `${path}.inputs`, 'input', issues, (input, from, ipath) => {
        const strategy = asString(input.ship_strategy);
        const local = asString(input.local_strategy);
        const exchange = asString(input.exchange);
        if (strategy === undefined || strategy.trim() === '') {
          warnings.push(`${ipath}: no ship_strategy; assumed an all-to-all exchange`);
          inputs.push({ from, pattern: 'all-to-all', strategy: '', note: 'assumed: no ship_strategy in the plan', path: ipath });
          return;
        }
        const pattern = patternOrIssue(strategy, `${ipath}.ship_strategy`, issues);
        if (pattern === undefined) return;
        inputs.push({
          from,
          pattern,
          strategy,
          path: ipath,
          ...(local !== undefined && local !== '' ? { localStrategy: local } : {}),
          ...(exchange !== undefined && exchange !== '' ? { note: `exchange ${exchange}` } : {}),
        });
      });
    }
    vertices.push({ key, path, name, idHint: name, parallelism, inputs, flinkIds: [key], notes, assumed: {} });
  });
  if (issues.length > 0) throw new ScenarioError(file, issues);

  const type = asString(plan.type)?.toUpperCase();
  return {
    format: 'job-plan',
    jobName: plan.name === undefined ? undefined : flattenName(asString(plan.name) ?? ''),
    jobId: asString(plan.jid),
    mode: type === 'BATCH' || type === 'STREAMING' ? type : undefined,
    vertices,
    header: [],
    warnings,
  };
}
