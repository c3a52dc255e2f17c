//! `batchsim import`: Flink's plan JSON (execution plan, REST job plan, REST job details) to a
//! runnable, commented scenario; several measured runs of one job are fitted together. Pure: the
//! caller reads the files and writes the output.

import { autoDiskBytes } from '../model/cluster/resources.js';
import { ScenarioError } from '../scenario/issues.js';
import { calibrateRuns, type FitReport, type Measured } from './calibrate.js';
import { asString, detectFormat, FORMAT_LABELS, parsePlanJson, type JsonObject, type PlanFormat } from './detect.js';
import { loadScenario } from '../scenario/load.js';
import { readExecutionPlan } from './execution-plan.js';
import type { IoCluster } from './io-time.js';
import { readJobDetails } from './job-details.js';
import { readJobPlan } from './job-plan.js';
import { baseStrategy } from './ship-strategy.js';
import { checkStreaming } from './streaming.js';
import { assignIds, checkGraph, flattenName, toScenario, type ImportGraph, type ImportedScenario } from './to-scenario.js';
import { formatBytesPrecise, formatFlinkRate } from '../util/format.js';

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
  /** Leave every non-source vertex's parallelism to the adaptive batch scheduler. */
  adaptive?: boolean;
  /** Multiply every source's bytes by this. */
  scaleSources?: number;
  /**
   * The TaskManager whose I/O bounds the simulated times, to warn about vertices that moved their
   * bytes faster than it allows; null for no such check. Default: the imported scenario's TaskManager.
   */
  io?: IoCluster | null;
}

export type { Measured } from './calibrate.js';
export type { FitReport } from './calibrate.js';

/** One measured run's predictions, for `--check`. */
export interface RunCheck {
  file: string;
  measured?: Measured;
  /** The scenario (YAML) of this run's sizes, fitted from every run. */
  inSample: string;
  /** The same fitted from the other runs only (two or more runs). */
  leaveOneOut?: string;
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
  /** What the first run measured (job details of a job that ended). */
  measured?: Measured;
  /** Per vertex, how its time was fitted (job details). */
  fits?: FitReport[];
  /** Per run, the scenarios to compare with it (job details). */
  checks?: RunCheck[];
}

/** The TaskManager of an imported scenario: one slot, one core, the automatic disk. */
export const IMPORTED_TASKMANAGER: IoCluster = { slotsPerTaskManager: 1, cpuPerSlot: 1, diskBytes: autoDiskBytes(1) };

/**
 * Turns a Flink plan into a scenario.
 * @param text the file's contents
 * @param file its name, for messages and the scenario's default name
 * @throws ScenarioError for input that is not JSON, truncated, of no known format, or whose graph is
 *   broken (unknown ship strategy, a predecessor that does not exist, a cycle)
 */
export function importPlan(text: string, file: string, opts: ImportOptions = {}): ImportResult {
  return importRuns([{ text, file }], opts);
}

/**
 * Turns one plan, or several measured runs of the same job (REST job details), into a scenario
 * with the sizes of the first. Several runs are fitted together.
 * @throws ScenarioError as {@link importPlan}, for several files that are not all job details of
 *   one job, and for `--source-bytes` / `--rate` that job details leave nothing to apply to
 */
export function importRuns(files: readonly { text: string; file: string }[], opts: ImportOptions = {}): ImportResult {
  const defaults = { sourceBytes: opts.sourceBytes ?? DEFAULT_SOURCE_BYTES, rate: opts.rate ?? DEFAULT_RATE };
  const graphs = files.map(({ text, file }) => readGraph(text, file));
  const graph = graphs[0];
  if (files.length > 1) {
    graphs.forEach((g, i) => {
      if (g.format !== 'job-details') {
        throw new ScenarioError(files[i].file, [
          { path: '', message: `is a ${FORMAT_LABELS[g.format]}: several files are runs of one job, which only REST job details (/jobs/:jobid) describe` },
        ]);
      }
    });
  }
  const ids = assignIds(graph.vertices);
  checkStreaming(graph, ids);

  let fits: FitReport[] | undefined;
  let checks: RunCheck[] | undefined;
  let measured: Measured | undefined;
  let out: ImportGraph = graph;
  if (graph.format === 'job-details') {
    const runs = graphs.map((g, i) => ({ file: files[i].file, graph: g }));
    const calibration = calibrateRuns(runs, {
      defaults,
      io: opts.io === undefined ? IMPORTED_TASKMANAGER : opts.io,
    });
    const all = runs.map((_, i) => i);
    const warnings = runs.length > 1 ? graphs.flatMap((g, i) => g.warnings.map((w) => `${files[i].file}: ${w}`)) : [...graph.warnings];
    const built = calibration.graphFor(0, all, warnings);
    out = { ...built.graph, warnings };
    fits = built.fits;
    measured = calibration.measured(0);
    refuseUnused(out, opts, files[0].file);
    checks = runs.map((run, r) => {
      const check: RunCheck = { file: run.file, inSample: toScenario(calibration.graphFor(r, all).graph, run.file).yaml };
      const m = calibration.measured(r);
      if (m !== undefined) check.measured = m;
      if (runs.length > 1) {
        const others = all.filter((x) => x !== r);
        check.leaveOneOut = toScenario(calibration.graphFor(r, others).graph, run.file).yaml;
      }
      return check;
    });
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
      `This format has no sizes or times. Assumed: every source reads ${formatBytesPrecise(defaults.sourceBytes)} (--source-bytes),`,
      `every subtask processes ${formatFlinkRate(defaults.rate)} (--rate), every vertex writes what it reads (selectivity 1).`,
    );
  }
  resize(out, opts, files[0].file);

  const { scenario, yaml } = toScenario(out, files[0].file);
  checkRunnable(yaml, files[0].file);
  const result: ImportResult = { scenario, yaml, warnings: out.warnings, format: graph.format };
  if (measured !== undefined) result.measured = measured;
  if (fits !== undefined) result.fits = fits;
  if (checks !== undefined) result.checks = checks;
  return result;
}

/** Reads one file into a checked graph in topological order. */
function readGraph(text: string, file: string): ImportGraph {
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
  return graph;
}

/**
 * Job details measure every number they can: `--source-bytes` and `--rate` fill only what is
 * missing, and are refused when nothing is.
 */
function refuseUnused(graph: ImportGraph, opts: ImportOptions, file: string): void {
  const sources = graph.vertices.filter((v) => v.inputs.length === 0);
  if (opts.sourceBytes !== undefined && !sources.some((v) => v.assumed.sourceBytes === true)) {
    throw new ScenarioError(file, [
      {
        path: '',
        message:
          '--source-bytes applies only to sources whose size was not measured, and every source of these job details has its write-bytes; ' +
          'use --scale-sources N to re-size the measured sources',
      },
    ]);
  }
  if (opts.rate !== undefined && !graph.vertices.some((v) => v.assumed.rate === true)) {
    throw new ScenarioError(file, [
      {
        path: '',
        message:
          '--rate applies only to vertices whose time was not measured, and every vertex of these job details has its duration, ' +
          'from which its rate is fitted; edit the scenario to try another rate',
      },
    ]);
  }
}

/**
 * Applies `--scale-sources` and `--adaptive` to the scenario's graph.
 * @throws ScenarioError when a scaled source would read more than 2^53 bytes (8 PiB)
 */
function resize(graph: ImportGraph, opts: ImportOptions, file: string): void {
  const scale = opts.scaleSources;
  if (scale !== undefined && scale !== 1) {
    const ids = assignIds(graph.vertices);
    for (const v of graph.vertices) {
      if (v.inputs.length > 0 || v.sourceBytes === undefined) continue;
      const before = v.sourceBytes;
      if (!(before * scale <= Number.MAX_SAFE_INTEGER)) {
        throw new ScenarioError(file, [
          { path: '', message: `--scale-sources ${scale} makes source \`${ids.get(v.key)}\` read more than 2^53 bytes (8 PiB), the most allowed` },
        ]);
      }
      v.sourceBytes = before * scale;
      v.notes.push(`source.bytes: ${formatBytesPrecise(before)} x ${scale} (--scale-sources)`);
    }
    graph.header.push(`Every source's bytes multiplied by ${scale} (--scale-sources).`);
  }
  if (opts.adaptive === true) {
    for (const v of graph.vertices) {
      if (v.skewWeights !== undefined) {
        // Weights are per subtask of the measured parallelism; the decider splits into other ranges.
        delete v.skewWeights;
        v.notes.push('skew: measured per subtask, dropped with --adaptive (the decider chooses other subtasks)');
      }
      if (v.inputs.length === 0 || v.parallelism === undefined) continue;
      v.notes.push(`parallelism: left to the adaptive batch scheduler (was ${v.parallelism}; --adaptive)`);
      delete v.parallelism;
    }
    graph.header.push('Non-source parallelism is left to the adaptive batch scheduler (--adaptive): it decides from the bytes.');
    if (graph.mode === 'STREAMING') {
      graph.warnings.push('--adaptive: a STREAMING job does not infer parallelism; vertices without one take `parallelism.default`');
    }
  }
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
