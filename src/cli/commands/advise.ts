//! `batchsim advise`: the cheapest (or fastest) cluster settings that meet a deadline (or a budget), searched, with the reasons.

import { InvalidArgumentError, type Command } from 'commander';
import { advise, type Advice } from '../../advise/advise.js';
import { ADVISE_KIND, askFingerprint, firstSweep, planText, readPlan, runPlanRuns, shardOfPlanRuns, stepSearch, withRuns, type AdviseAsk } from '../../advise/shards.js';
import { shellQuote } from '../../sweep/merge.js';
import { makePart, partText } from '../../sweep/part.js';
import { itemsOfShard } from '../../sweep/partition.js';
import { formatShard, MAX_SHARDS, parseShard, parseShardCount, resolveShard, type Shard } from '../../sweep/shard.js';
import { batchsimVersion } from '../../sweep/version.js';
import { ScenarioError } from '../../scenario/issues.js';
import { renderAdviceHtml } from '../../advise/render-html.js';
import { adviceJson } from '../../advise/render-json.js';
import { formatAdvice } from '../../advise/render-text.js';
import { SETTING_KEYS, SETTINGS, type Setting, type SettingValue, type SpaceRequest } from '../../advise/space.js';
import { seedList } from '../../compare/grid.js';
import { defaultWorkers } from '../../compare/run-grid.js';
import { MAX_PARALLELISM, MAX_SEED } from '../../scenario/limits.js';
import { loadJobScenario, requireJob } from '../../scenario/load.js';
import { estimatedSubtasks } from '../../compare/plan.js';
import { parseDuration } from '../../scenario/units.js';
import { checkOutputPaths, inputLabel, parseSeed, readInput, readScenarioInput, STDIO, writeOutput } from '../io.js';
import { printWarnings } from '../outputs.js';
import {
  parseAvgVolumeList,
  parseCpuPerSlotList,
  parseMaxSlotsList,
  parseMemoryPerSlotList,
  parseSeedCount,
  parseShuffleList,
  parseSlotsList,
  parseWorkers,
} from './compare.js';
import { jsonTarget } from './run.js';

/** Seeds per setting when `--seeds` is not given: enough for a 95th percentile that is not simply the slowest run. */
export const DEFAULT_ADVISE_SEEDS = 20;

/** Where the command writes, and the environment it reads; tests pass their own. */
export interface AdviseIo {
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
  env?: Record<string, string | undefined>;
}

interface AdviseFlags {
  deadline?: number;
  percentile: number;
  seeds?: number;
  seed?: number;
  budget?: number;
  objective?: 'cost' | 'makespan';
  safety?: number;
  fix: [Setting, SettingValue[]][];
  vary: [Setting, SettingValue[]][];
  workers?: number;
  json?: boolean | string;
  report?: string;
  plan?: boolean | string;
  shard?: Shard;
  shards?: number;
  out?: string;
}

/** Where the answer goes: the outputs asked for (`-`: standard output). */
export interface AdviceOutputs {
  '--json': string | undefined;
  '--report': string | undefined;
}

/** Prints the answer and writes its outputs, the same for `advise` and for `merge` of its last round. */
export function writeAdvice(advice: Advice, outputs: AdviceOutputs, stdout: NodeJS.WritableStream, stderr: NodeJS.WritableStream): void {
  const textStream = Object.values(outputs).includes(STDIO) ? stderr : stdout;
  textStream.write(formatAdvice(advice));
  if (outputs['--json'] !== undefined) writeOutput(outputs['--json'], `${JSON.stringify(adviceJson(advice), null, 2)}\n`, stdout);
  if (outputs['--report'] !== undefined) writeOutput(outputs['--report'], renderAdviceHtml(advice), stdout);
}

/** What `advise` says on stderr when it writes a plan: the round, its runs, and the commands of the round. */
export function planWritten(round: number, runs: number, out: string): string {
  const plan = shellQuote(out);
  return (
    `advise: round ${round} needs ${runs} run${runs === 1 ? '' : 's'}; plan written to ${out}\n` +
    `advise: run its shards with \`batchsim advise --plan ${plan} --shard I/N --out part-I.json\` (I from 0 to N-1), ` +
    `then \`batchsim merge part-*.json --out NEXT-PLAN\`\n`
  );
}

/** `--deadline 40min`: Flink's duration syntax; a bare number is seconds. Returns seconds. */
export function parseDeadline(value: string): number {
  const trimmed = value.trim();
  const ms = /^\d+(\.\d+)?$/.test(trimmed) ? parseDuration(Number(trimmed)) : parseDuration(trimmed);
  if (typeof ms === 'string') throw new InvalidArgumentError(ms);
  if (ms <= 0) throw new InvalidArgumentError(`expected a duration > 0, got \`${value}\``);
  return ms / 1000;
}

/** `--budget 5000cu-s` (or a bare number of CU-seconds). */
export function parseBudget(value: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(cu-s|cu-seconds)?$/i.exec(value.trim());
  const n = m === null ? NaN : Number(m[1]);
  if (!(n > 0) || !Number.isFinite(n)) throw new InvalidArgumentError(`expected CU-seconds > 0 such as \`5000cu-s\`, got \`${value}\``);
  return n;
}

/** `--percentile 95`: a number above 0 and at most 100. */
export function parsePercentile(value: string): number {
  const n = /^\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : NaN;
  if (!(n > 0 && n <= 100)) throw new InvalidArgumentError(`expected a percentile above 0 and at most 100, got \`${value}\``);
  return n;
}

/** `--safety 0.8`: the largest share of disk and heap the recommendation may use, above 0 and at most 1. */
export function parseSafety(value: string): number {
  const n = /^\d*\.?\d+$/.test(value.trim()) ? Number(value) : NaN;
  if (!(n > 0 && n <= 1)) throw new InvalidArgumentError(`expected a share above 0 and at most 1 (such as 0.8), got \`${value}\``);
  return n;
}

/** `--objective cost|makespan`. */
export function parseObjective(value: string): 'cost' | 'makespan' {
  if (value === 'cost' || value === 'makespan') return value;
  throw new InvalidArgumentError(`expected \`cost\` or \`makespan\`, got \`${value}\``);
}

/** `--vary parallelism=32,64`: integers from 1 to Flink's largest parallelism. */
function parseParallelismList(value: string): number[] {
  const out: number[] = [];
  for (const raw of value.split(',')) {
    const s = raw.trim();
    if (!/^\d+$/.test(s) || Number(s) < 1 || Number(s) > MAX_PARALLELISM) throw new InvalidArgumentError(`expected integers from 1 to ${MAX_PARALLELISM}, got \`${s}\``);
    if (out.includes(Number(s))) throw new InvalidArgumentError(`\`${s}\` is listed twice in \`${value}\``);
    out.push(Number(s));
  }
  return out;
}

const LIST_PARSERS: Record<Setting, (v: string) => SettingValue[]> = {
  slots: parseSlotsList,
  cpuPerSlot: parseCpuPerSlotList,
  memoryPerSlot: parseMemoryPerSlotList,
  maxSlots: parseMaxSlotsList,
  shuffle: parseShuffleList,
  avgVolume: parseAvgVolumeList,
  parallelismDefault: parseParallelismList,
};

const KEY_LIST = SETTINGS.map((s) => SETTING_KEYS[s]).join(', ');

/** `key=value` or `key=list` for `--fix` / `--vary`; repeated flags collect. */
function settingAssignment(flag: '--fix' | '--vary') {
  return (value: string, previous: [Setting, SettingValue[]][] = []): [Setting, SettingValue[]][] => {
    const eq = value.indexOf('=');
    const key = eq < 0 ? value : value.slice(0, eq).trim();
    const setting = SETTINGS.find((s) => SETTING_KEYS[s] === key || (s === 'parallelismDefault' && key === 'parallelism.default'));
    if (eq < 0 || setting === undefined) {
      throw new InvalidArgumentError(`expected KEY=${flag === '--fix' ? 'VALUE' : 'LIST'} with KEY one of ${KEY_LIST}, got \`${value}\``);
    }
    const list = LIST_PARSERS[setting](value.slice(eq + 1));
    if (flag === '--fix' && list.length !== 1) throw new InvalidArgumentError(`${key}: --fix takes one value (use --vary for a list), got \`${value.slice(eq + 1)}\``);
    if (previous.some(([s]) => s === setting)) throw new InvalidArgumentError(`${key} is given twice`);
    return [...previous, [setting, list]];
  };
}

const isTty = (s: NodeJS.WritableStream): boolean => (s as { isTTY?: boolean }).isTTY === true;

/** Adds `advise` to the program. `io` replaces stdout, stderr and the environment (for tests). */
export function registerAdviseCommand(program: Command, io: AdviseIo = {}): void {
  program
    .command('advise')
    .description('search the cheapest cluster settings that meet a deadline (or the fastest within a budget), with the reasons')
    .argument('[file]', 'scenario file (.yaml, .yml or .json; `-` for standard input); not needed with --plan PLAN')
    .option('--deadline <duration>', 'the makespan percentile must be at most this, e.g. 40min, 90s', parseDeadline)
    .option('--percentile <p>', 'makespan percentile the deadline applies to (nearest rank over the seeds)', parsePercentile, 95)
    .option('--budget <cu-s>', 'median cost must be at most this many CU-seconds, e.g. 5000cu-s', parseBudget)
    .option('--objective <what>', 'cost (cheapest that meets the rest) or makespan (fastest); default: makespan when only --budget is given, else cost', parseObjective)
    .option('--safety <share>', 'require peak disk and heap occupancy at most this share, e.g. 0.8', parseSafety)
    .option('--fix <key=value>', `pin a setting (repeatable); keys: ${KEY_LIST}`, settingAssignment('--fix'), [])
    .option('--vary <key=list>', 'replace the values searched for a setting, e.g. slots=1,2,4 (repeatable)', settingAssignment('--vary'), [])
    .option('--seeds <n>', `seeds per setting: the scenario's seed and the next ones (default ${DEFAULT_ADVISE_SEEDS})`, parseSeedCount)
    .option('--seed <n>', "first seed, instead of the scenario's", parseSeed)
    .option('--workers <n>', 'worker threads (default: one per core for big searches; 1 runs without threads)', parseWorkers)
    .option('--json [file]', 'write the answer as JSON (to standard output when no file is given)')
    .option('--report <file>', 'write a self-contained HTML page with the Pareto front and the comparison')
    .option('--plan [plan]', 'alone: write the runs of the search\'s first round to --out, for shards; with a plan file and --shard: make that shard of its runs')
    .option('--shard <I/N>', 'with --plan PLAN: make only shard I of N (I from 0) of the plan\'s runs and write them with --out, for `batchsim merge`', parseShard)
    .option('--shards <n>', `like --shard, the index I taken from JOB_COMPLETION_INDEX (Kubernetes) or SLURM_ARRAY_TASK_ID (Slurm); at most ${MAX_SHARDS}`, parseShardCount)
    .option('--out <file>', 'the plan (with --plan) or the part (with --shard) to write (`-` for standard output)')
    .addHelpText(
      'after',
      '\nCost is CU-seconds: each TaskManager and the JobManager take max(cores, memory GiB / 4) CU while they live.\n' +
        'Settings whose runs failed in any seed are never recommended. Example:\n' +
        '  batchsim advise sim-scenarios/tpch-q3.yaml --deadline 1min --fix shuffle=local --safety 0.8\n' +
        'Sharded, in rounds: `advise FILE ... --plan --out plan-1.json`; then for each round R, every\n' +
        '`advise --plan plan-R.json --shard I/N --out part-I.json` and `batchsim merge part-*.json --out plan-(R+1).json`,\n' +
        'until merge prints the answer instead of writing a plan.',
    )
    .action(async (file: string | undefined, flags: AdviseFlags, command: Command) => {
      const stdout = io.stdout ?? process.stdout;
      const stderr = io.stderr ?? process.stderr;
      const env = io.env ?? process.env;
      const usage = (message: string): never => command.error(`error: ${message}`, { exitCode: 2, code: 'batchsim.adviseArguments' });
      const both = flags.fix.find(([s]) => flags.vary.some(([t]) => t === s));
      if (both !== undefined) usage(`${SETTING_KEYS[both[0]]} is given to both --fix and --vary`);
      const json = jsonTarget(flags.json);
      const outputs = { '--json': json, '--report': flags.report };
      const shard = resolveShard(flags, env);
      if (shard !== undefined && 'error' in shard) return usage(shard.error);
      const sharded = flags.plan !== undefined;
      if (sharded) {
        if (flags.out === undefined) usage(typeof flags.plan === 'string' ? 'a shard writes its runs to --out FILE; `batchsim merge` then reads the parts' : '--plan writes the plan to --out FILE');
        const asked = Object.entries(outputs).filter(([, v]) => v !== undefined).map(([k]) => k);
        if (asked.length > 0) usage(`${asked.join(', ')} ${asked.length === 1 ? 'is' : 'are'} written by \`batchsim merge\` when the search ends; --plan writes only --out`);
        if (flags.plan === true && shard !== undefined) usage('--shard makes a shard of a plan: give the plan file, --plan PLAN');
        if (typeof flags.plan === 'string' && shard === undefined) usage(`--plan ${flags.plan} makes one shard of the plan's runs: give --shard I/N or --shards N`);
      } else if (shard !== undefined) {
        usage('--shard makes a shard of a plan: give --plan PLAN (written by `advise FILE ... --plan --out PLAN`)');
      } else if (flags.out !== undefined) {
        usage('--out writes a plan or a part: give --plan with it');
      }
      if (typeof flags.plan === 'string') {
        checkOutputPaths({ '--out': flags.out }, flags.plan);
        return runShard(flags.plan, file, flags, shard as Shard, stdout, stderr, usage);
      }
      if (file === undefined) return usage('give the scenario file');
      checkOutputPaths(sharded ? { '--out': flags.out } : outputs, file);
      const { label, text, scenario, ask } = readAsk(file, flags, usage);
      printWarnings(label, scenario.spec.warnings, stderr);
      if (sharded) {
        const first = firstSweep(ask);
        const step = await stepSearch(first);
        if ('advice' in step) return writeAdvice(step.advice, outputs, stdout, stderr);
        writeOutput(flags.out as string, planText(withRuns(first, step.needs), batchsimVersion()), stdout);
        stderr.write(planWritten(1, step.needs.length, flags.out as string));
        return;
      }
      const { firstSeed, seedCount, space, goal } = ask;
      const seeds = seedList(firstSeed, seedCount);
      const subtasks = scenario.spec.vertices.reduce((n, v) => n + (v.parallelism ?? scenario.spec.parallelism.maxParallelism), 0);
      // A search runs a few hundred settings x seeds; threads pay off when those are big.
      const threads = flags.workers ?? defaultWorkers(subtasks * seedCount * 25);
      const progress = isTty(stderr);
      let last = 0;
      const advice = await advise({
        text,
        file: label,
        scenario,
        seeds,
        goal,
        space,
        threads,
        onRun: (runs, settings) => {
          // On a terminal only, at most every 50 runs: redirected stderr gets nothing extra.
          if (progress && runs - last >= 50) {
            last = runs;
            stderr.write(`\radvise: ${runs} runs, ${settings} settings`);
          }
        },
      });
      if (progress && last > 0) stderr.write('\r\x1b[K');
      writeAdvice(advice, outputs, stdout, stderr);
    });
}

type Usage = (message: string) => never;

/** The scenario and the search the flags ask for. */
function readAsk(file: string, flags: AdviseFlags, usage: Usage) {
  const { label, text, scenario: loaded } = readScenarioInput(file);
  const scenario = requireJob(loaded, 'advise');
  const firstSeed = flags.seed ?? scenario.spec.seed;
  const seedCount = flags.seeds ?? DEFAULT_ADVISE_SEEDS;
  if (firstSeed > MAX_SEED - (seedCount - 1)) usage(`--seeds ${seedCount} from seed ${firstSeed} goes past ${MAX_SEED} (2^53-1), the largest seed; start lower with --seed`);
  const objective = flags.objective ?? (flags.budget !== undefined && flags.deadline === undefined ? 'makespan' : 'cost');
  const space: SpaceRequest = { fix: Object.fromEntries(flags.fix.map(([s, l]) => [s, l[0]])), vary: Object.fromEntries(flags.vary) };
  const goal = {
    objective,
    percentile: flags.percentile,
    ...(flags.deadline !== undefined && { deadline: flags.deadline }),
    ...(flags.budget !== undefined && { budget: flags.budget }),
    ...(flags.safety !== undefined && { safety: flags.safety }),
  };
  const ask: AdviseAsk = { file: label, text, firstSeed, seedCount, goal, space };
  return { label, text, scenario, ask };
}

/**
 * Makes one shard of a plan's runs and writes its part. The plan holds the scenario and the
 * flags; when they are given as well, they must be the plan's.
 */
async function runShard(planFile: string, file: string | undefined, flags: AdviseFlags, shard: Shard, stdout: NodeJS.WritableStream, stderr: NodeJS.WritableStream, usage: Usage): Promise<void> {
  const planLabel = inputLabel(planFile);
  const version = batchsimVersion();
  const sweep = readPlan(planLabel, readInput(planFile, 'plan'), version);
  if (file !== undefined) {
    const { ask } = readAsk(file, flags, usage);
    if (askFingerprint(firstSweep(ask), version) !== askFingerprint(sweep, version)) {
      throw new ScenarioError(planLabel, [{ path: '', message: `is the plan of another search than \`advise ${file}\` with these flags (the scenario, seeds, goal, --fix or --vary differ); give the plan alone: --plan ${planFile}` }]);
    }
  }
  const positions = itemsOfShard(shardOfPlanRuns(sweep, shard.count), shard.index);
  stderr.write(`advise: shard ${formatShard(shard)}: ${positions.length} of the ${sweep.runs.length} runs of round ${sweep.round} of ${planLabel}\n`);
  const subtasks = estimatedSubtasks(loadJobScenario(sweep.scenario, sweep.file, 'advise').spec);
  const threads = flags.workers ?? defaultWorkers(positions.length * subtasks);
  const summaries = await runPlanRuns(sweep, positions, threads);
  const part = makePart({
    kind: ADVISE_KIND,
    version,
    shard,
    total: sweep.runs.length,
    sweep,
    rerun: ['advise', '--plan', planFile],
    results: positions.map((position, i) => ({ position, value: summaries[i] })),
  });
  writeOutput(flags.out as string, partText(part), stdout);
}
