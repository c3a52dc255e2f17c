//! `batchsim merge`: puts the parts of a sharded sweep back together and prints what the unsharded command prints.

import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import type { RunSummary } from '../../compare/aggregate.js';
import { COMPARE_KIND, comparisonOf, planOfSweep, readCompareSweep, readRunSummary, shardOfRuns } from '../../compare/shards.js';
import type { ComparePlan } from '../../compare/plan.js';
import { ScenarioError } from '../../scenario/issues.js';
import { mergeParts, type PartFile } from '../../sweep/merge.js';
import { parsePart } from '../../sweep/part.js';
import { checkOutputPaths, inputLabel, readInput, STDIO } from '../io.js';
import { printWarnings } from '../outputs.js';
import { colorAllowed, writeComparison, type CompareIo, type ComparisonOutputs } from './compare.js';
import { jsonTarget } from './run.js';

interface MergeFlags {
  json?: boolean | string;
  csv?: string;
  report?: string;
}

/** Renders the merged sweep of one kind of part; each sharded command adds its own. */
type Merger = (parts: PartFile[], outputs: ComparisonOutputs, io: Required<CompareIo>) => void;

const MERGERS: Record<string, Merger> = {
  [COMPARE_KIND]: mergeCompare,
};

/** `compare`'s parts: the comparison planned again from the part's scenario, filled with the parts' runs. */
function mergeCompare(parts: PartFile[], outputs: ComparisonOutputs, io: Required<CompareIo>): void {
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
    .description('merge the parts of a sharded sweep (`compare --shard I/N --out FILE`) and print what the whole sweep prints')
    .argument('<parts...>', 'part files, or directories of them (every *.json inside); `-` for one part on standard input')
    .option('--json [file]', 'write the JSON the unsharded command writes (to standard output when no file is given)')
    .option('--csv <file>', 'write the CSV the unsharded command writes')
    .option('--report <file>', 'write the HTML page the unsharded command writes')
    .addHelpText(
      'after',
      '\nThe parts must come from one sweep (same scenario, choices, seeds and batchsim version) and hold every\n' +
        'shard once; a missing shard is named with the command that runs it again. Example:\n  batchsim merge parts/part-*.json --json cmp.json',
    )
    .action((inputs: string[], flags: MergeFlags) => {
      const streams: Required<CompareIo> = { stdout: io.stdout ?? process.stdout, stderr: io.stderr ?? process.stderr, env: io.env ?? process.env };
      const outputs: ComparisonOutputs = { '--json': jsonTarget(flags.json), '--csv': flags.csv, '--report': flags.report };
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
      merger(parts, outputs, streams);
    });
}
