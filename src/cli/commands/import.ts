//! `batchsim import FILE [-o scenario.yaml] [--source-bytes SIZE] [--rate RATE] [--check]`

import { InvalidArgumentError, type Command } from 'commander';

import { importPlan, type ImportResult, type Measured } from '../../import/index.js';
import type { RunResult } from '../../model/run-result.js';
import { parseRate, parseSize } from '../../scenario/units.js';
import { checkOutputPaths, readInput, STDIO, writeOutput } from '../io.js';

/** Options of the command, as commander hands them over. */
export interface ImportCommandOptions {
  output?: string;
  sourceBytes?: number;
  rate?: number;
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
        '(/jobs/:jobid, calibrated from the measured run)',
    )
    .argument('<file>', 'the JSON file (`-` for standard input)')
    .option('-o, --output <file>', 'write the scenario to this file instead of standard output (`-`: standard output)')
    .option('--source-bytes <size>', 'bytes every source reads where the plan has no numbers (default 1GiB)', sizeOption)
    .option('--rate <rate>', 'bytes per second of every subtask where the plan has no numbers (default 100MiB/s)', rateOption)
    .option('--check', 'also simulate the scenario and compare with the measured durations (REST job details)')
    .action(async (file: string, options: ImportCommandOptions) => {
      await runImport(file, options, io);
    });
}

function sizeOption(value: string): number {
  const bytes = parseSize(value);
  if (typeof bytes === 'string') throw new InvalidArgumentError(bytes);
  if (bytes <= 0) throw new InvalidArgumentError(`expected a size > 0, got \`${value}\``);
  return bytes;
}

function rateOption(value: string): number {
  const rate = parseRate(value);
  if (typeof rate === 'string') throw new InvalidArgumentError(rate);
  return rate;
}

/**
 * Runs the command: reads the file, imports it, writes the YAML (whole or not at all), prints the
 * warnings on stderr and, with `--check`, the simulated durations beside the measured ones.
 * @throws ScenarioError for a file that cannot be read or imported
 */
export async function runImport(file: string, options: ImportCommandOptions, io: ImportIo = processIo): Promise<ImportResult> {
  const toFile = options.output !== undefined && options.output !== STDIO ? options.output : undefined;
  if (toFile !== undefined) checkOutputPaths({ '--output': toFile }, file);
  const text = readInput(file, 'cannot read the plan');
  // The importer names standard input itself (`-`, and `standard input` in the YAML).
  const label = file;
  const result = importPlan(text, label, { sourceBytes: options.sourceBytes, rate: options.rate });
  for (const w of result.warnings) io.stderr(`${label}: warning: ${w}\n`);
  if (toFile !== undefined) writeOutput(toFile, result.yaml);
  else io.stdout(result.yaml);
  if (options.check === true) {
    // The comparison goes to stdout only when stdout does not carry the YAML.
    const print = toFile !== undefined ? io.stdout : io.stderr;
    const run = await simulateImported(result, toFile ?? `${label} (imported)`);
    print(formatCheckReport(result.measured, run));
  }
  return result;
}

/** Loads the imported YAML through the scenario loader and simulates it once (seed 0). */
async function simulateImported(result: ImportResult, scenarioFile: string): Promise<RunResult> {
  const [{ loadScenario }, { simulate }] = await Promise.all([
    import('../../scenario/load.js'),
    import('../../sim/simulate.js'),
  ]);
  const scenario = loadScenario(result.yaml, scenarioFile);
  return simulate(scenario, { seed: 0 }).result;
}

/**
 * The `--check` table: the simulated makespan and vertex durations beside the measured job and
 * vertex durations, with the relative error (simulated - measured) / measured.
 */
export function formatCheckReport(measured: Measured | undefined, run: RunResult): string {
  const rows: [string, number | undefined, number | undefined][] = [];
  rows.push(['job (makespan)', measured?.durationSeconds, run.makespan]);
  for (const v of run.vertices) {
    const sim = v.start !== null && v.end !== null ? v.end - v.start : undefined;
    rows.push([v.id, measured?.vertices.find((m) => m.id === v.id)?.durationSeconds, sim]);
  }
  const lines: string[] = [];
  lines.push(`check: simulated run ${run.status}${run.failureCause !== undefined ? ` (${run.failureCause})` : ''}`);
  if (measured === undefined) {
    lines.push('no measured durations to compare with (only REST job details of a job that ended have them)');
  }
  const width = Math.max(...rows.map((r) => r[0].length), 6);
  lines.push(`${'vertex'.padEnd(width)}  ${'measured'.padStart(12)}  ${'simulated'.padStart(12)}  ${'error'.padStart(8)}`);
  for (const [name, m, s] of rows) {
    let signed = '';
    if (m !== undefined && s !== undefined && m > 0) {
      const pct = Math.round(((s - m) / m) * 1000) / 10;
      signed = `${pct < 0 ? '-' : '+'}${Math.abs(pct).toFixed(1)}%`;
    }
    lines.push(`${name.padEnd(width)}  ${seconds(m).padStart(12)}  ${seconds(s).padStart(12)}  ${signed.padStart(8)}`);
  }
  return `${lines.join('\n')}\n`;
}

function seconds(value: number | undefined): string {
  if (value === undefined) return '-';
  return `${value.toFixed(3)} s`;
}
