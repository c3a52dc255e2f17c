//! `batchsim merge`: puts the parts of a sharded sweep back together and prints what the unsharded command prints.

import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import type { RunSummary } from '../../compare/aggregate.js';
import { COMPARE_KIND, comparisonOf, planOfSweep, readCompareSweep, readRunSummary, shardOfRuns } from '../../compare/shards.js';
import type { ComparePlan } from '../../compare/plan.js';
import { ScenarioError } from '../../scenario/issues.js';
import { MERGE_LABEL, mergeParts, type PartFile } from '../../sweep/merge.js';
import { ADVISE_KIND, nextSweep, planText, readAdviseSummary, readAdviseSweep, shardOfPlanRuns, stepSearch, withRuns } from '../../advise/shards.js';
import { batchsimVersion } from '../../sweep/version.js';
import { planWritten, writeAdvice } from './advise.js';
import { parsePart } from '../../sweep/part.js';
import { checkOutputPaths, inputLabel, readInput, STDIO, writeOutput } from '../io.js';
import { printWarnings } from '../outputs.js';
import { colorAllowed, writeComparison, type CompareIo, type ComparisonOutputs } from './compare.js';
import { jsonTarget } from './run.js';

interface MergeFlags {
  json?: boolean | string;
  csv?: string;
  report?: string;
  out?: string;
}

/** What merge writes: the unsharded command's outputs, and for a search in rounds the next round's plan. */
type MergeOutputs = ComparisonOutputs & { '--out': string | undefined };

/** Renders the merged sweep of one kind of part; each sharded command adds its own. */
type Merger = (parts: PartFile[], outputs: MergeOutputs, io: Required<CompareIo>) => void | Promise<void>;

const MERGERS: Record<string, Merger> = {
  [COMPARE_KIND]: mergeCompare,
  [ADVISE_KIND]: mergeAdvise,
};

/** Refuses an output the kind of part does not make. @throws ScenarioError */
function refuseOutput(flag: string, why: string): never {
  throw new ScenarioError(MERGE_LABEL, [{ path: '', message: `${flag}: ${why}` }]);
}

/**
 * `advise`'s parts: this round's runs added to the plan's known ones, and the search
 * replayed over them. It either ends (the answer is printed, as the unsharded `advise`
 * prints it) or needs another round (whose plan goes to --out).
 */
async function mergeAdvise(parts: PartFile[], outputs: MergeOutputs, io: Required<CompareIo>): Promise<void> {
  if (outputs['--csv'] !== undefined) refuseOutput('--csv', '`advise` writes no CSV; merge its parts with --json, --report and --out');
  const version = batchsimVersion();
  for (const p of parts) {
    if (p.part.version !== version) throw new ScenarioError(p.file, [{ path: 'version', message: `was written by batchsim ${p.part.version}, this is batchsim ${version}: run every round of a search with one version` }]);
  }
  const sweep = readAdviseSweep(parts[0].file, parts[0].part.sweep);
  mergeParts(parts, (first) => shardOfPlanRuns(sweep, first.shard.count));
  const made = new Array<RunSummary>(sweep.runs.length);
  for (const { file, part } of parts) {
    part.results.forEach((r, i) => {
      made[r.position] = readAdviseSummary(file, `results[${i}].value`, r.value, sweep.runs[r.position].seed);
    });
  }
  const next = nextSweep(sweep, made);
  const step = await stepSearch(next);
  const out = outputs['--out'];
  if ('advice' in step) {
    writeAdvice(step.advice, { '--json': outputs['--json'], '--report': outputs['--report'] }, io.stdout, io.stderr);
    if (out !== undefined) io.stderr.write(`advise: the search ended in round ${sweep.round}; no plan written to ${out}\n`);
    return;
  }
  if (out === undefined) refuseOutput('--out', `the search needs another round (${step.needs.length} runs): give --out PLAN to write its plan`);
  writeOutput(out, planText(withRuns(next, step.needs), version), io.stdout);
  io.stderr.write(planWritten(next.round, step.needs.length, out));
}

/** `compare`'s parts: the comparison planned again from the part's scenario, filled with the parts' runs. */
function mergeCompare(parts: PartFile[], outputs: MergeOutputs, io: Required<CompareIo>): void {
  if (outputs['--out'] !== undefined) refuseOutput('--out', 'is the next plan of a search in rounds (`advise --plan`); a comparison is merged into --json, --csv and --report');
  const sweep = readCompareSweep(parts[0].file, parts[0].part.sweep);
  let plan: ComparePlan | undefined;
  const values = mergeParts(parts, (first) => {
    plan = planOfSweep(sweep, (where, warnings) => printWarnings(where, warnings, io.stderr));
    return shardOfRuns(plan, first.shard.count);
  });
  const p = plan as ComparePlan;
  const summaries: RunSummary[] = new Array<RunSummary>(values.length);
  for (const { file, part } of parts) {
    part.results.forEach((r, i) => {
      summaries[r.position] = readRunSummary(file, `results[${i}].value`, r.value, p.runs[r.position].seed);
    });
  }
  writeComparison(comparisonOf(p, sweep.file, summaries), outputs, { stdout: io.stdout, stderr: io.stderr, color: colorAllowed(io.env) });
}

/** The part files named: a directory stands for every `*.json` in it, in name order. @throws ScenarioError */
export function partFiles(inputs: readonly string[]): string[] {
  const files: string[] = [];
  for (const input of inputs) {
    let isDir = false;
    try {
      isDir = input !== STDIO && statSync(input).isDirectory();
    } catch {
      // A missing file is reported when it is read, with the reason.
    }
    if (!isDir) {
      files.push(input);
      continue;
    }
    const inside = readdirSync(input)
      .filter((n) => n.endsWith('.json'))
      .sort()
      .map((n) => join(input, n));
    if (inside.length === 0) throw new ScenarioError(input, [{ path: '', message: 'is a directory with no part files (*.json) in it' }]);
    files.push(...inside);
  }
  if (files.filter((f) => f === STDIO).length > 1) throw new ScenarioError(STDIO, [{ path: '', message: 'standard input can hold only one part' }]);
  return files;
}

/** Adds `merge` to the program. `io` replaces stdout, stderr and the environment (for tests). */
export function registerMergeCommand(program: Command, io: CompareIo = {}): void {
  program
    .command('merge')
    .description('merge the parts of a sharded sweep (`compare --shard I/N --out FILE`, or a round of `advise --plan`) and print what the whole sweep prints')
    .argument('<parts...>', 'part files, or directories of them (every *.json inside); `-` for one part on standard input')
    .option('--json [file]', 'write the JSON the unsharded command writes (to standard output when no file is given)')
    .option('--csv <file>', 'write the CSV the unsharded command writes')
    .option('--report <file>', 'write the HTML page the unsharded command writes')
    .option('--out <file>', "`advise` parts: where the next round's plan goes when the search needs more runs")
    .addHelpText(
      'after',
      '\nThe parts must come from one sweep (same scenario, choices, seeds and batchsim version) and hold every\n' +
        'shard once; a missing shard is named with the command that runs it again. Example:\n  batchsim merge parts/part-*.json --json cmp.json',
    )
    .action(async (inputs: string[], flags: MergeFlags) => {
      const streams: Required<CompareIo> = { stdout: io.stdout ?? process.stdout, stderr: io.stderr ?? process.stderr, env: io.env ?? process.env };
      const outputs: MergeOutputs = { '--json': jsonTarget(flags.json), '--csv': flags.csv, '--report': flags.report, '--out': flags.out };
      const files = partFiles(inputs);
      checkOutputPaths({ ...outputs });
      // No output may replace a part it is made from.
      for (const f of files) checkOutputPaths({ ...outputs }, f);
      const parts: PartFile[] = files.map((f) => {
        const label = inputLabel(f);
        return { file: label, part: parsePart(label, readInput(f, 'part')) };
      });
      const merger = MERGERS[parts[0].part.kind];
      if (merger === undefined) {
        throw new ScenarioError(parts[0].file, [{ path: 'kind', message: `\`${parts[0].part.kind}\` parts cannot be merged by this batchsim; it merges ${Object.keys(MERGERS).map((k) => `\`${k}\``).join(', ')}` }]);
      }
      await merger(parts, outputs, streams);
    });
}
