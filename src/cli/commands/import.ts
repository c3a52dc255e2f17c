//! `batchsim import FILE... [-o scenario.yaml] [--source-bytes SIZE] [--rate RATE] [--adaptive]
//! [--scale-sources N] [--check]`

import { InvalidArgumentError, type Command } from 'commander';

import { importRuns, type FitReport, type ImportResult, type Measured } from '../../import/index.js';
import type { RunResult } from '../../model/run-result.js';
import { ScenarioError } from '../../scenario/issues.js';
import { parseRate, parseSize } from '../../scenario/units.js';
import { formatFlinkDuration, formatFlinkRate } from '../../util/format.js';
import { checkOutputPaths, inputLabel, readInput, STDIO, writeOutput } from '../io.js';
import { importBatchTasks } from '../../import/alibaba-batch-task.js';
import { detectInputKind } from '../../import/detect.js';

/** Options of the command, as commander hands them over. */
export interface ImportCommandOptions {
  output?: string;
  sourceBytes?: number;
  rate?: number;
  adaptive?: boolean;
  scaleSources?: number;
  check?: boolean;
}

/** Where the command writes; the process's streams unless a test says otherwise. */
export interface ImportIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

const processIo: ImportIo = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
};

/** Adds the `import` command to the program. */
export function registerImportCommand(program: Command, io: ImportIo = processIo): void {
  program
    .command('import')
    .description(
      'turn Flink plan JSON into a runnable scenario: an execution plan (env.getExecutionPlan(), ' +
        'EXPLAIN JSON_EXECUTION_PLAN), a REST job plan (/jobs/:jobid/plan) or REST job details ' +
        '(/jobs/:jobid, calibrated from the measured run); or the Alibaba cluster-trace-v2018 batch_task table (CSV) ' +
        'into a multi-job scenario',
    )
    .argument('<files...>', 'the JSON or CSV file (`-` for standard input); several REST job details of one job are runs fitted together')
    .option('-o, --output <file>', 'write the scenario to this file instead of standard output (`-`: standard output)')
    .option('--source-bytes <size>', 'bytes every source reads where the plan has no numbers (default 1GiB)', sizeOption)
    .option('--rate <rate>', 'bytes per second of every subtask where the plan has no numbers (default 100MiB/s)', rateOption)
    .option('--adaptive', 'leave every non-source parallelism to the adaptive batch scheduler')
    .option('--scale-sources <factor>', 'multiply every source\'s bytes by this factor', factorOption)
    .option('--check', 'also simulate and compare with the measured durations: in-sample and, with several runs, leave-one-run-out')
    .action(async (files: string[], options: ImportCommandOptions) => {
      await runImport(files, options, io);
    });
}

function sizeOption(value: string): number {
  const bytes = parseSize(value);
  if (typeof bytes === 'string') throw new InvalidArgumentError(bytes);
  if (bytes <= 0) throw new InvalidArgumentError(`expected a size > 0, got \`${value}\``);
  return bytes;
}

function factorOption(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`expected a number > 0, got \`${value}\``);
  return n;
}

function rateOption(value: string): number {
  const rate = parseRate(value);
  if (typeof rate === 'string') throw new InvalidArgumentError(rate);
  return rate;
}

/**
 * Runs the command: reads the files, imports them, writes the YAML (whole or not at all), prints the
 * warnings on stderr and, with `--check`, the simulated durations beside the measured ones.
 * @throws ScenarioError for a file that cannot be read or imported
 */
export async function runImport(
  fileOrFiles: string | readonly string[],
  options: ImportCommandOptions,
  io: ImportIo = processIo,
): Promise<ImportResult | undefined> {
  const files = typeof fileOrFiles === 'string' ? [fileOrFiles] : fileOrFiles;
  if (files.filter((f) => f === STDIO).length > 1) {
    throw new ScenarioError(STDIO, [{ path: '', message: 'standard input can be read only once' }]);
  }
  const toFile = options.output !== undefined && options.output !== STDIO ? options.output : undefined;
  if (toFile !== undefined) for (const f of files) checkOutputPaths({ '--output': toFile }, f);
  // The importer names standard input itself (`-`, and `standard input` in the YAML).
  const inputs = files.map((file) => ({ file, text: readInput(file, 'plan') }));
  const csv = inputs.find((i) => detectInputKind(i.text) === 'batch-task-csv');
  if (csv !== undefined) {
    await importTrace(csv.file, csv.text, files, options, toFile, io);
    return undefined;
  }
  const result = importRuns(inputs, {
    sourceBytes: options.sourceBytes,
    rate: options.rate,
    adaptive: options.adaptive,
    scaleSources: options.scaleSources,
  });
  const label = files[0];
  for (const w of result.warnings) io.stderr(`${label}: warning: ${w}\n`);
  if (toFile !== undefined) writeOutput(toFile, result.yaml);
  else io.stdout(result.yaml);
  if (options.check === true) {
    // The comparison goes to stdout only when stdout does not carry the YAML.
    const print = toFile !== undefined ? io.stdout : io.stderr;
    if (result.checks === undefined) {
      print(formatCheckReport(undefined, await simulateYaml(result.yaml, toFile ?? `${label} (imported)`)));
    } else {
      print(await checkRuns(result));
    }
  }
  return result;
}

/**
 * Imports the Alibaba trace's batch_task table into a multi-job scenario. The options that
 * shape a Flink plan's sizes do not apply to it. With `--check`, the scenario is also run and
 * each job's simulated makespan compared with its recorded span.
 * @throws ScenarioError for another file beside it, an option that does not apply, or a bad row
 */
async function importTrace(file: string, text: string, files: readonly string[], options: ImportCommandOptions, toFile: string | undefined, io: ImportIo): Promise<void> {
  if (files.length > 1) {
    throw new ScenarioError(inputLabel(file), [{ path: '', message: 'is a trace table (batch_task CSV): import it alone, not with other files' }]);
  }
  const unusable = ([
    ['--source-bytes', options.sourceBytes],
    ['--rate', options.rate],
    ['--adaptive', options.adaptive],
    ['--scale-sources', options.scaleSources],
  ] as const).filter(([, v]) => v !== undefined && v !== false);
  if (unusable.length > 0) {
    throw new ScenarioError(inputLabel(file), [
      { path: '', message: `${unusable.map(([o]) => o).join(', ')} shape the sizes of a Flink plan; a trace table gives each task's time, so they do not apply` },
    ]);
  }
  const result = importBatchTasks(text, inputLabel(file));
  for (const w of result.warnings) io.stderr(`${inputLabel(file)}: warning: ${w}\n`);
  if (toFile !== undefined) writeOutput(toFile, result.yaml);
  else io.stdout(result.yaml);
  if (options.check === true) {
    const [{ loadScenario }, { simulateWorkload }, { checkTrace, formatTraceCheck }] = await Promise.all([
      import('../../scenario/load.js'),
      import('../../sim/simulate.js'),
      import('../../import/trace-check.js'),
    ]);
    const scenario = loadScenario(result.yaml, toFile ?? inputLabel(file));
    if (scenario.kind !== 'workload') throw new Error('the trace importer wrote a single-job scenario');
    const rows = checkTrace(result, scenario.workload, (w) => simulateWorkload(w).result);
    // The scenario may be on standard output: the check goes beside the warnings then.
    (toFile !== undefined ? io.stdout : io.stderr)(formatTraceCheck(rows));
  }
}

/** Loads scenario YAML through the scenario loader and simulates it once (seed 0). */
async function simulateYaml(yaml: string, scenarioFile: string): Promise<RunResult> {
  const [{ loadJobScenario }, { simulate }] = await Promise.all([import('../../scenario/load.js'), import('../../sim/simulate.js')]);
  return simulate(loadJobScenario(yaml, scenarioFile), { seed: 0 }).result;
}

/** One run's comparison: measured beside simulated, per row. */
export interface RunComparison {
  file: string;
  rows: { name: string; measured?: number; simulated?: number }[];
}

/** Simulates each run's in-sample and leave-one-run-out scenario and formats the comparison. */
async function checkRuns(result: ImportResult): Promise<string> {
  const checks = result.checks!;
  const inSample: RunComparison[] = [];
  const held: RunComparison[] = [];
  const failures: string[] = [];
  const simulateCheck = async (yaml: string, label: string) => {
    const run = await simulateYaml(yaml, label);
    if (run.status !== 'FINISHED') failures.push(`${label}: simulated run ${run.status}${run.failureCause !== undefined ? ` (${run.failureCause})` : ''}`);
    return run;
  };
  for (const c of checks) {
    inSample.push({ file: c.file, rows: compareRows(c.measured, await simulateCheck(c.inSample, `${c.file} (fitted)`)) });
    if (c.leaveOneOut !== undefined) {
      held.push({ file: c.file, rows: compareRows(c.measured, await simulateCheck(c.leaveOneOut, `${c.file} (predicted)`)) });
    }
  }
  const lines = [
    `check, in-sample: each run simulated at its sizes with the fit of all ${checks.length} run${checks.length === 1 ? '' : 's'}`,
    ...comparisonTable(inSample),
    `in-sample error: ${summaryLine(errorSummary(inSample))}`,
  ];
  if (held.length > 0) {
    lines.push(
      '',
      'check, leave-one-run-out: each run predicted from the other runs only',
      ...comparisonTable(held),
      `leave-one-run-out error: ${summaryLine(errorSummary(held))}`,
    );
  } else {
    lines.push('leave-one-run-out error: needs two or more runs of the job (`batchsim import run1.json run2.json ...`)');
  }
  lines.push('', ...formatFitReport(result.fits ?? []));
  if (failures.length > 0) lines.push('', ...failures);
  return `${lines.join('\n')}\n`;
}

/** Rows for the job and each vertex: measured and simulated seconds. */
function compareRows(measured: Measured | undefined, run: RunResult): RunComparison['rows'] {
  const rows: RunComparison['rows'] = [{ name: 'job (makespan)', measured: measured?.durationSeconds, simulated: run.makespan }];
  for (const v of run.vertices) {
    const sim = v.start !== null && v.end !== null ? v.end - v.start : undefined;
    rows.push({ name: v.id, measured: measured?.vertices.find((m) => m.id === v.id)?.durationSeconds, simulated: sim });
  }
  return rows;
}

function comparisonTable(runs: readonly RunComparison[]): string[] {
  const name = (file: string) => file.replace(/\\/g, '/').split('/').pop() ?? file;
  const fileWidth = Math.max(3, ...runs.map((r) => name(r.file).length));
  const nameWidth = Math.max(6, ...runs.flatMap((r) => r.rows.map((x) => x.name.length)));
  const lines = [`${'run'.padEnd(fileWidth)}  ${'vertex'.padEnd(nameWidth)}  ${'measured'.padStart(12)}  ${'simulated'.padStart(12)}  ${'error'.padStart(8)}`];
  for (const r of runs) {
    for (const x of r.rows) {
      lines.push(
        `${name(r.file).padEnd(fileWidth)}  ${x.name.padEnd(nameWidth)}  ${seconds(x.measured).padStart(12)}  ${seconds(x.simulated).padStart(12)}  ${signedError(x.measured, x.simulated).padStart(8)}`,
      );
    }
  }
  return lines;
}

/** Mean and largest absolute relative error of the makespans and of the vertex durations. */
export interface ErrorSummary {
  makespan: { mean: number; max: number; count: number };
  vertices: { mean: number; max: number; count: number };
}

export function errorSummary(runs: readonly RunComparison[]): ErrorSummary {
  const stat = (errors: number[]) => ({
    mean: errors.length === 0 ? NaN : errors.reduce((s, e) => s + e, 0) / errors.length,
    max: errors.length === 0 ? NaN : Math.max(...errors),
    count: errors.length,
  });
  const rel = (x: RunComparison['rows'][number]) =>
    x.measured !== undefined && x.simulated !== undefined && x.measured > 0 ? [Math.abs(x.simulated - x.measured) / x.measured] : [];
  return {
    makespan: stat(runs.flatMap((r) => rel(r.rows[0]))),
    vertices: stat(runs.flatMap((r) => r.rows.slice(1).flatMap(rel))),
  };
}

function summaryLine(s: ErrorSummary): string {
  const part = (what: string, x: ErrorSummary['makespan']) =>
    x.count === 0 ? `${what}: nothing measured` : `${what} |error| mean ${percent(x.mean)}, max ${percent(x.max)} (${x.count})`;
  return `${part('makespan', s.makespan)}; ${part('vertex durations', s.vertices)}`;
}

function percent(x: number): string {
  return `${(x * 100).toFixed(1)}%`;
}

/** The fit per vertex: how it was fitted, the values, and the residual. */
export function formatFitReport(fits: readonly FitReport[]): string[] {
  const rows = fits.map((f) => [
    f.id,
    f.method,
    String(f.points),
    f.fixedSeconds > 0 ? formatFlinkDuration(f.fixedSeconds) : '0',
    f.rate === undefined ? '-' : f.rate === Infinity ? 'unlimited' : formatFlinkRate(f.rate),
    f.sigma === undefined ? '-' : f.sigma.toFixed(3),
    f.rmsSeconds === undefined || f.points < 2 ? '-' : `${formatFlinkDuration(f.rmsSeconds)} (${percent(f.rmsSeconds / f.meanSeconds!)})`,
  ]);
  const head = ['vertex', 'fit', 'points', 'fixed', 'rate', 'jitter', 'residual rms'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ').trimEnd();
  return ['fit per vertex (rate is per subtask; residual of the fitted durations):', line(head), ...rows.map(line)];
}

function signedError(m: number | undefined, s: number | undefined): string {
  if (m === undefined || s === undefined || m <= 0) return '';
  const pct = Math.round(((s - m) / m) * 1000) / 10;
  return `${pct < 0 ? '-' : '+'}${Math.abs(pct).toFixed(1)}%`;
}

/**
 * The `--check` table: the simulated makespan and vertex durations beside the measured job and
 * vertex durations, with the relative error (simulated - measured) / measured.
 */
export function formatCheckReport(measured: Measured | undefined, run: RunResult): string {
  const rows = compareRows(measured, run).map((x): [string, number | undefined, number | undefined] => [x.name, x.measured, x.simulated]);
  const lines: string[] = [];
  lines.push(`check: simulated run ${run.status}${run.failureCause !== undefined ? ` (${run.failureCause})` : ''}`);
  if (measured === undefined) {
    lines.push('no measured durations to compare with (only REST job details of a job that ended have them)');
  }
  const width = Math.max(...rows.map((r) => r[0].length), 6);
  lines.push(`${'vertex'.padEnd(width)}  ${'measured'.padStart(12)}  ${'simulated'.padStart(12)}  ${'error'.padStart(8)}`);
  for (const [name, m, s] of rows) {
    lines.push(`${name.padEnd(width)}  ${seconds(m).padStart(12)}  ${seconds(s).padStart(12)}  ${signedError(m, s).padStart(8)}`);
  }
  return `${lines.join('\n')}\n`;
}

function seconds(value: number | undefined): string {
  if (value === undefined) return '-';
  return `${value.toFixed(3)} s`;
}
