//! `batchsim import`: Flink's plan JSON (execution plan, REST job plan, REST job details) to a
//! runnable, commented scenario. Pure: the caller reads the file and writes the output.

import { ScenarioError } from '../scenario/issues.js';
import { loadScenario } from '../scenario/load.js';
import { asString, detectFormat, parsePlanJson, type JsonObject, type PlanFormat } from './detect.js';
import { readExecutionPlan } from './execution-plan.js';
import { calibrate, readJobDetails } from './job-details.js';
import { readJobPlan } from './job-plan.js';
import { baseStrategy } from './ship-strategy.js';
import { assignIds, checkGraph, flattenName, formatRate, humanBytes, toScenario, type ImportGraph, type ImportedScenario } from './to-scenario.js';

export type { PlanFormat } from './detect.js';
export type { ImportedScenario, ImportedVertex } from './to-scenario.js';

/** Default bytes each source reads when the plan has no numbers: 1 GiB. */
export const DEFAULT_SOURCE_BYTES = 2 ** 30;
/** Default bytes per second per subtask when the plan has no numbers: 100 MiB/s. */
export const DEFAULT_RATE = 100 * 2 ** 20;

export interface ImportOptions {
  /** Bytes every source reads, for formats without numbers (and metrics that are missing). */
  sourceBytes?: number;
  /** Bytes per second per subtask of every vertex, likewise. */
  rate?: number;
}

/** What Flink measured (format C, for a job that ended), keyed by scenario vertex id. */
export interface Measured {
  durationSeconds: number;
  vertices: { id: string; durationSeconds: number }[];
}

export interface ImportResult {
  /** The scenario as a plain object; `yaml.parse(yaml)` gives the same. */
  scenario: ImportedScenario;
  /** The scenario as commented YAML. */
  yaml: string;
  /** Things the user should know (defaults used, strategies assumed, ...). */
  warnings: string[];
  /** Which format the file was. */
  format: PlanFormat;
  measured?: Measured;
}

/**
 * Turns a Flink plan into a scenario.
 * @param text the file's contents
 * @param file its name, for messages and the scenario's default name
 * @throws ScenarioError for input that is not JSON, truncated, of no known format, or whose graph is
 *   broken (unknown ship strategy, a predecessor that does not exist, a cycle)
 */
export function importPlan(text: string, file: string, opts: ImportOptions = {}): ImportResult {
  const defaults = { sourceBytes: opts.sourceBytes ?? DEFAULT_SOURCE_BYTES, rate: opts.rate ?? DEFAULT_RATE };
  const detected = detectFormat(parsePlanJson(text, file), file);
  let graph: ImportGraph;
  switch (detected.format) {
    case 'execution-plan':
      graph = readExecutionPlan(detected.doc, file);
      break;
    case 'job-plan':
      graph = readJobPlan(detected.planPath === '' ? detected.doc : (detected.doc.plan as JsonObject), detected.planPath, file);
      if (detected.planPath !== '') {
        if (graph.jobName === undefined && typeof detected.doc.name === 'string') graph.jobName = flattenName(detected.doc.name);
        graph.jobId ??= asString(detected.doc.jid);
      }
      break;
    case 'job-details':
      graph = readJobDetails(detected.doc, file);
      break;
  }
  graph.vertices = checkGraph(graph.vertices, file);
  const ids = assignIds(graph.vertices);
  for (const v of graph.vertices) {
    for (const e of v.inputs) {
      if (baseStrategy(e.strategy) === 'global' && v.parallelism !== 1) {
        graph.warnings.push(
          `${e.path}: GLOBAL sends every record to the first subtask; the scenario spreads it over all subtasks of \`${ids.get(v.key)}\``,
        );
      }
    }
  }

  if (graph.format === 'job-details') {
    calibrate(graph, defaults);
  } else {
    for (const v of graph.vertices) {
      if (v.inputs.length === 0) {
        v.sourceBytes = defaults.sourceBytes;
        v.assumed.sourceBytes = true;
      }
      v.rate = defaults.rate;
      v.assumed.rate = true;
    }
    graph.header.push(
      `This format has no sizes or times. Assumed: every source reads ${humanBytes(defaults.sourceBytes)} (--source-bytes),`,
      `every subtask processes ${formatRate(defaults.rate)} (--rate), every vertex writes what it reads (selectivity 1).`,
    );
  }

  const { scenario, yaml } = toScenario(graph, file);
  checkRunnable(yaml, file);
  const result: ImportResult = { scenario, yaml, warnings: graph.warnings, format: graph.format };
  if (graph.measured !== undefined) {
    result.measured = {
      durationSeconds: graph.measured.durationSeconds,
      vertices: graph.vertices.flatMap((v) => {
        const m = graph.measured!.vertices.find((x) => x.key === v.key);
        return m === undefined ? [] : [{ id: ids.get(v.key)!, durationSeconds: m.durationSeconds }];
      }),
    };
  }
  return result;
}

/**
 * A plan can hold numbers no scenario may (a parallelism past Flink's 32768, measured bytes
 * past 2^53): say so against the plan, rather than write a scenario the simulator rejects.
 */
function checkRunnable(yaml: string, file: string): void {
  try {
    loadScenario(yaml, 'scenario.yaml');
  } catch (err) {
    if (!(err instanceof ScenarioError)) throw err;
    throw new ScenarioError(
      file,
      err.issues.map((i) => ({ path: '', message: `the plan gives a scenario the simulator cannot run: ${i.path === '' ? '' : `${i.path}: `}${i.message}` })),
    );
  }
}
