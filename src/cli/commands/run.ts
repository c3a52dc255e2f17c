//! `batchsim run`, `batchsim report` and `batchsim validate`.

import type { Command } from 'commander';
import { performance } from 'node:perf_hooks';
import { simulate, simulateWorkload } from '../../sim/simulate.js';
import { formatSummary } from '../../report/summary.js';
import { formatWorkloadSummary } from '../../report/workload-summary.js';
import { needsTimeline, outputOptions, printWarnings, writeOutputs, writeWorkloadOutputs, type OutputFiles } from '../outputs.js';
import { workloadJobCount } from '../../scenario/expand-jobs.js';
import { checkOutputPaths, parseSeed, readScenarioInput, STDIO, writeOutput } from '../io.js';

interface RunFlags extends OutputFiles {
  /** `true` for `--json` alone (standard output), else the file. */
  json?: boolean | string;
  seed?: number;
  stats?: boolean;
}

/** Where `--json [FILE]` goes: undefined when not asked for, `-` for standard output. */
export function jsonTarget(json: boolean | string | undefined): string | undefined {
  return json === undefined || json === false ? undefined : json === true ? STDIO : json;
}

/** Adds `run`, `report` and `validate` to the program. */
export function registerRunCommands(program: Command): void {
  program
    .command('run')
    .description('simulate a scenario and print a summary (or the result as JSON)')
    .argument('<file>', 'scenario file (.yaml, .yml or .json; `-` for standard input)')
    .option('--json [file]', 'write the full result as one JSON document (to standard output when no file is given)')
    .option('--seed <n>', "override the scenario's seed", parseSeed)
    .option('--trace <file>', 'write a Chrome/Perfetto trace (trace-event JSON)')
    .option('--metrics <file>', 'write the cluster and job metrics time series (CSV)')
    .option('--vertices <file>', 'write per-vertex results (CSV)')
    .option('--report <file>', 'write a self-contained HTML report')
    .option('--stats', 'print events processed, events per second and peak memory on stderr')
    .addHelpText(
      'after',
      '\nEvery output option takes `-` for standard output (only one of them at a time); the summary then goes to\n' +
        'stderr. Warnings always go to stderr.',
    )
    .action((file: string, flags: RunFlags) => {
      const json = jsonTarget(flags.json);
      const outputs = { '--json': json, ...outputOptions(flags) };
      checkOutputPaths(outputs, file);
      const { label, scenario } = readScenarioInput(file);
      const record = needsTimeline(flags);
      const seed = flags.seed !== undefined ? { seed: flags.seed } : {};
      const t0 = performance.now();
      const run =
        scenario.kind === 'job'
          ? { kind: 'job' as const, ...simulate(scenario.spec, { ...seed, recordTimeline: record }) }
          : { kind: 'workload' as const, ...simulateWorkload(scenario.workload, { ...seed, recordTimeline: record }) };
      const wall = (performance.now() - t0) / 1000;
      const { result } = run;
      printWarnings(label, result.warnings);
      // The summary is for a person: on stdout unless stdout carries an output.
      const summaryStream = Object.values(outputs).includes(STDIO) ? process.stderr : process.stdout;
      if (json !== STDIO) summaryStream.write(`${run.kind === 'job' ? formatSummary(run.result) : formatWorkloadSummary(run.result)}\n`);
      if (json !== undefined) writeOutput(json, `${JSON.stringify(result, null, 2)}\n`);
      if (run.kind === 'job') writeOutputs(flags, run.result, run.timeline);
      else writeWorkloadOutputs(flags, run.result, run.timeline);
      if (flags.stats === true) {
        const events = result.stats.events;
        const rss = process.memoryUsage().rss;
        process.stderr.write(
          `stats: ${events} events in ${wall.toFixed(3)} s (${Math.round(events / Math.max(wall, 1e-9)).toLocaleString('en-US')} events/s), ` +
            `rss ${(rss / 2 ** 20).toFixed(0)} MiB\n`,
        );
      }
    });

  program
    .command('report')
    .description('simulate a scenario and write a self-contained HTML report')
    .argument('<file>', 'scenario file (`-` for standard input)')
    .requiredOption('-o, --output <file>', 'the HTML file to write (`-` for standard output)')
    .option('--seed <n>', "override the scenario's seed", parseSeed)
    .action((file: string, flags: { output: string; seed?: number }) => {
      checkOutputPaths({ '--output': flags.output }, file);
      const { label, scenario } = readScenarioInput(file);
      const seed = flags.seed !== undefined ? { seed: flags.seed } : {};
      let summary: { status: string; makespan: number; what: string };
      if (scenario.kind === 'job') {
        const { result, timeline } = simulate(scenario.spec, { ...seed, recordTimeline: true });
        printWarnings(label, result.warnings);
        writeOutputs({ report: flags.output }, result, timeline);
        const n = result.taskManagers.created;
        summary = { status: result.status, makespan: result.makespan, what: `${n} TaskManager${n === 1 ? '' : 's'}` };
      } else {
        const { result, timeline } = simulateWorkload(scenario.workload, { ...seed, recordTimeline: true });
        printWarnings(label, result.warnings);
        writeWorkloadOutputs({ report: flags.output }, result, timeline);
        const n = result.jobs.length;
        summary = { status: result.status, makespan: result.makespan, what: `${n} job${n === 1 ? '' : 's'}` };
      }
      const where = flags.output === STDIO ? process.stderr : process.stdout;
      where.write(`${flags.output === STDIO ? 'report' : flags.output}: ${summary.status} in ${summary.makespan.toFixed(1)} s, ${summary.what}\n`);
    });

  program
    .command('validate')
    .description('check a scenario without running it')
    .argument('<file>', 'scenario file (`-` for standard input)')
    .action((file: string) => {
      const { label, scenario } = readScenarioInput(file);
      if (scenario.kind === 'workload') {
        const { workload } = scenario;
        printWarnings(label, workload.warnings);
        const jobs = workloadJobCount(workload);
        const queues = workload.queues.length;
        process.stdout.write(`${label}: OK (${jobs} job${jobs === 1 ? '' : 's'}, ${queues} queue${queues === 1 ? '' : 's'})\n`);
        return;
      }
      printWarnings(label, scenario.spec.warnings);
      process.stdout.write(`${label}: OK (${scenario.spec.vertices.length} vertices)\n`);
    });
}
