//! `batchsim run` and `batchsim validate`.

import type { Command } from 'commander';
import { performance } from 'node:perf_hooks';
import { simulate } from '../../sim/simulate.js';
import { formatSummary } from '../../report/summary.js';
import { needsTimeline, writeOutputs, type OutputFiles } from '../outputs.js';
import { parseSeed, readScenario } from '../io.js';

interface RunFlags extends OutputFiles {
  json?: boolean;
  seed?: number;
  stats?: boolean;
}

/** Adds `run` and `validate` to the program. */
export function registerRunCommands(program: Command): void {
  program
    .command('run')
    .description('simulate a scenario and print a summary (or --json)')
    .argument('<file>', 'scenario file (.yaml, .yml or .json)')
    .option('--json', 'print the full result as one JSON document')
    .option('--seed <n>', "override the scenario's seed", parseSeed)
    .option('--trace <file>', 'write a Chrome/Perfetto trace (trace-event JSON)')
    .option('--metrics <file>', 'write the cluster and job metrics time series (CSV)')
    .option('--vertices <file>', 'write per-vertex results (CSV)')
    .option('--report <file>', 'write a self-contained HTML report')
    .option('--stats', 'print events processed, events per second and peak memory on stderr')
    .action((file: string, flags: RunFlags) => {
      const scenario = readScenario(file);
      const record = needsTimeline(flags);
      const t0 = performance.now();
      const { result, timeline } = simulate(scenario.spec, { ...(flags.seed !== undefined && { seed: flags.seed }), recordTimeline: record });
      const wall = (performance.now() - t0) / 1000;
      // Warnings only the run could tell (faults that never fired) go to stderr as well.
      for (const w of result.warnings.slice(scenario.spec.warnings.length)) process.stderr.write(`warning: ${w}\n`);
      process.stdout.write(flags.json === true ? `${JSON.stringify(result, null, 2)}\n` : `${formatSummary(result)}\n`);
      writeOutputs(flags, result, timeline);
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
    .argument('<file>', 'scenario file')
    .requiredOption('-o, --output <file>', 'the HTML file to write')
    .option('--seed <n>', "override the scenario's seed", parseSeed)
    .action((file: string, flags: { output: string; seed?: number }) => {
      const scenario = readScenario(file);
      const { result, timeline } = simulate(scenario.spec, { ...(flags.seed !== undefined && { seed: flags.seed }), recordTimeline: true });
      writeOutputs({ report: flags.output }, result, timeline);
      process.stdout.write(`${flags.output}: ${result.status} in ${result.makespan.toFixed(1)} s, ${result.taskManagers.created} TaskManagers\n`);
    });

  program
    .command('validate')
    .description('check a scenario without running it')
    .argument('<file>', 'scenario file')
    .action((file: string) => {
      const scenario = readScenario(file);
      for (const w of scenario.spec.warnings) process.stderr.write(`warning: ${w}\n`);
      process.stdout.write(`${file}: OK (${scenario.spec.vertices.length} vertices)\n`);
    });
}
