//! `batchsim compare`: runs a grid of choices (slots, memory per slot, slot cap, shuffle, volume per task, mode) over seeds and puts them side by side.

import { InvalidArgumentError, type Command } from 'commander';
import { Presets, SingleBar } from 'cli-progress';
import type { Comparison } from '../../compare/aggregate.js';
import { gridSize, seedList, type GridAxes, type RuntimeMode, type Shuffle } from '../../compare/grid.js';
import { estimatedSubtasks, planComparison } from '../../compare/plan.js';
import { defaultWorkers, runGrid } from '../../compare/run-grid.js';
import { compareArgs, comparePart, compareSweep, comparisonOf, runsOfShard } from '../../compare/shards.js';
import { compareCsv, compareJson, formatCompareTable, renderCompareHtml } from '../../report/compare-report.js';
import { MAX_SEED } from '../../scenario/limits.js';
import { parseBandwidth, parseSize } from '../../scenario/units.js';
import { requireJob } from '../../scenario/load.js';
import { shellQuote } from '../../sweep/merge.js';
import { partText } from '../../sweep/part.js';
import { formatShard, MAX_SHARDS, parseShard, parseShardCount, resolveShard, type Shard } from '../../sweep/shard.js';
import { batchsimVersion } from '../../sweep/version.js';
import { checkOutputPaths, parseSeed, readScenarioInput, STDIO, writeOutput } from '../io.js';
import { printWarnings } from '../outputs.js';
import { compareWorkload, parseQueueCapacity } from './compare-workload.js';
import { jsonTarget } from './run.js';
import type { CapacityAxis } from '../../compare/workload-grid.js';

/** Seeds per choice when `--seeds` is not given: enough for a median and a p95 worth reading. */
export const DEFAULT_SEEDS = 10;

/**
 * Bounds on a sweep, so that a typo (`--seeds 99999999999`) is an error naming the flag and
 * not an allocation that fails halfway. `--slots` is bounded as a setting: a TaskManager of
 * more than 1,024 slots is far past any real one (Flink sizes them by cores).
 */
export const SWEEP_LIMITS = {
  /** `--seeds`: runs per choice. */
  seeds: 100_000,
  /** `--slots`: slots per TaskManager. */
  slots: 1024,
  /** `--workers`: threads. */
  workers: 256,
  /** Choices x seeds. */
  runs: 1_000_000,
} as const;

/** From this many runs on, the command says on stderr how many it will make before it starts. */
export const ANNOUNCED_RUNS = 1000;

/** Where the command writes, and the environment it reads; tests pass their own. */
export interface CompareIo {
  stdout?: NodeJS.WritableStream;
  stderr?: NodeJS.WritableStream;
  env?: Record<string, string | undefined>;
}

interface CompareFlags {
  slots?: number[];
  cpuPerSlot?: number[];
  diskBandwidth?: number[];
  networkBandwidth?: number[];
  memoryPerSlot?: number[];
  maxSlots?: number[];
  shuffle?: Shuffle[];
  avgVolume?: number[];
  mode?: RuntimeMode[];
  /** Multi-job scenarios only. */
  queueCapacity?: CapacityAxis[];
  seeds?: number;
  seed?: number;
  workers?: number;
  /** `true` for `--json` alone (standard output), else the file. */
  json?: boolean | string;
  csv?: string;
  report?: string;
  shard?: Shard;
  shards?: number;
  out?: string;
}

/**
 * A commander parser for a comma-separated list: every item parsed by `item` (which
 * returns the value or an error message), no empty item, no value twice (a repeated value
 * would only repeat a row).
 */
function listOf<T>(what: string, item: (s: string) => T | { error: string }, key: (v: T) => string = String) {
  return (value: string): T[] => {
    const out: T[] = [];
    const seen = new Set<string>();
    for (const raw of value.split(',')) {
      const s = raw.trim();
      if (s === '') throw new InvalidArgumentError(`expected a comma-separated list of ${what}, got \`${value}\``);
      const v = item(s);
      if (typeof v === 'object' && v !== null && 'error' in v) throw new InvalidArgumentError(v.error);
      const k = key(v as T);
      if (seen.has(k)) throw new InvalidArgumentError(`\`${s}\` is listed twice in \`${value}\``);
      seen.add(k);
      out.push(v as T);
    }
    return out;
  };
}

/** An integer from 1 to `max`, checked on the digits so that no huge value is rounded first. */
const intUpTo = (max: number, what: string) => (s: string): number | { error: string } => {
  if (!/^\d+$/.test(s) || Number(s) < 1) return { error: `expected an integer >= 1, got \`${s}\`` };
  return BigInt(s) <= BigInt(max) ? Number(s) : { error: `\`${s}\` is too large: at most ${max} ${what}` };
};

/** `--slots 1,2,4`: slots per TaskManager. */
export const parseSlotsList = listOf(`integers from 1 to ${SWEEP_LIMITS.slots}`, intUpTo(SWEEP_LIMITS.slots, 'slots per TaskManager'));

/** `--cpu-per-slot 0.5,1,2`: cores per slot. */
export const parseCpuPerSlotList = listOf('numbers > 0', (s) =>
  /^\d+(\.\d+)?$/.test(s) && Number(s) > 0 && Number.isFinite(Number(s)) ? Number(s) : { error: `expected a number of cores > 0, got \`${s}\`` },
);

/** `--disk-bandwidth 100MiB/s,unlimited` and `--network-bandwidth 1Gbit/s,10Gbit/s`: bandwidths of a TaskManager. */
export const parseBandwidthList = listOf('rates such as `100MiB/s`, `10Gbit/s` or `unlimited`', (s) => {
  if (s.toLowerCase() === 'unlimited') return Infinity;
  const r = parseBandwidth(s);
  return typeof r === 'string' ? { error: r } : r;
});

/** `--max-slots 8,16,unlimited`: caps on the slots of all live TaskManagers. */
export const parseMaxSlotsList = listOf('integers >= 1 or `unlimited`', (s) =>
  s.toLowerCase() === 'unlimited' ? Infinity : /^\d+$/.test(s) && Number(s) >= 1 ? Number(s) : { error: `expected an integer >= 1 or \`unlimited\`, got \`${s}\`` },
);

/** `--shuffle local,remote`. */
export const parseShuffleList = listOf<Shuffle>('`local` or `remote`', (s) =>
  s === 'local' || s === 'remote' ? s : { error: `expected \`local\` or \`remote\`, got \`${s}\`` },
);

/** A size > 0 in Flink's MemorySize syntax, or an error message. */
const positiveSize = (s: string): number | { error: string } => {
  const r = parseSize(s);
  return typeof r === 'string' ? { error: r } : r > 0 ? r : { error: `expected a size > 0, got \`${s}\`` };
};

/** `--memory-per-slot 2GiB,4GiB,8GiB`: memory per slot (the TaskManager's process memory is that times its slots). */
export const parseMemoryPerSlotList = listOf('sizes such as `4GiB`', positiveSize);

/** `--avg-volume 8MiB,16MiB`: Flink's avg-data-volume-per-task, in its size syntax. */
export const parseAvgVolumeList = listOf('sizes such as `8MiB`', positiveSize);

/** `--mode batch,streaming`: Flink's execution.runtime-mode, in any case. */
export const parseModeList = listOf<RuntimeMode>('`batch` or `streaming`', (s) => {
  const m = s.toUpperCase();
  return m === 'BATCH' || m === 'STREAMING' ? m : { error: `expected \`batch\` or \`streaming\`, got \`${s}\`` };
});

/** A commander parser for `--seeds`: 1 to {@link SWEEP_LIMITS}.seeds. */
export function parseSeedCount(value: string): number {
  const v = intUpTo(SWEEP_LIMITS.seeds, 'seeds per choice')(value.trim());
  if (typeof v !== 'number') throw new InvalidArgumentError(v.error);
  return v;
}

/** A commander parser for `--workers`: 1 to {@link SWEEP_LIMITS}.workers. */
export function parseWorkers(value: string): number {
  const v = intUpTo(SWEEP_LIMITS.workers, 'worker threads')(value.trim());
  if (typeof v !== 'number') throw new InvalidArgumentError(v.error);
  return v;
}

/** NO_COLOR, when set to anything but the empty string, turns colour off (https://no-color.org). */
export function colorAllowed(env: Record<string, string | undefined>): boolean {
  return env.NO_COLOR === undefined || env.NO_COLOR === '';
}

const isTty = (s: NodeJS.WritableStream): boolean => (s as { isTTY?: boolean }).isTTY === true;

/**
 * Adds `compare` to the program. `io` replaces stdout, stderr and the environment (for
 * tests); by default the process's own are used.
 */
export function registerCompareCommand(program: Command, io: CompareIo = {}): void {
  program
    .command('compare')
    .description('simulate a grid of choices over several seeds and print them side by side')
    .argument('<file>', 'scenario file (.yaml, .yml or .json; `-` for standard input)')
    .option('--slots <list>', `slots per TaskManager to try, e.g. 1,2,4 (at most ${SWEEP_LIMITS.slots})`, parseSlotsList)
    .option('--cpu-per-slot <list>', 'cores per slot to try, e.g. 0.5,1,2', parseCpuPerSlotList)
    .option('--disk-bandwidth <list>', 'disk bandwidths per TaskManager to try, e.g. 100MiB/s,400MiB/s,unlimited', parseBandwidthList)
    .option('--network-bandwidth <list>', 'network bandwidths per TaskManager to try, e.g. 1Gbit/s,10Gbit/s', parseBandwidthList)
    .option('--memory-per-slot <list>', 'memory per slot to try, e.g. 2GiB,4GiB,8GiB (Flink splits it into task heap, managed memory, ...)', parseMemoryPerSlotList)
    .option('--max-slots <list>', 'caps on all live slots to try, e.g. 8,16,unlimited', parseMaxSlotsList)
    .option('--shuffle <list>', 'shuffle modes to try: local, remote or both', parseShuffleList)
    .option('--avg-volume <list>', 'adaptive avg-data-volume-per-task values to try, e.g. 8MiB,16MiB', parseAvgVolumeList)
    .option('--mode <list>', 'runtime modes to try: batch, streaming or both (streaming: all slots up front, full restarts)', parseModeList)
    .option('--queue-capacity <list>', 'multi-job scenarios: queue capacities in CU to try, for every queue (32,64,unlimited) or one (NAME=32,64; repeat the flag per queue)', parseQueueCapacity)
    .option('--seeds <n>', `seeds per choice: the scenario's seed and the next ones (default ${DEFAULT_SEEDS}, at most ${SWEEP_LIMITS.seeds})`, parseSeedCount)
    .option('--seed <n>', "first seed, instead of the scenario's", parseSeed)
    .option('--workers <n>', `worker threads (default: one per core for big grids, else 1; 1 runs without threads; at most ${SWEEP_LIMITS.workers})`, parseWorkers)
    .option('--json [file]', 'write every choice, statistic and run as JSON (to standard output when no file is given)')
    .option('--csv <file>', 'write one row per choice as CSV')
    .option('--report <file>', 'write a self-contained HTML page with the table and charts')
    .option('--shard <I/N>', 'run only shard I of N (I from 0) of the runs and write them with --out, for `batchsim merge`', parseShard)
    .option('--shards <n>', `like --shard, the index I taken from JOB_COMPLETION_INDEX (Kubernetes) or SLURM_ARRAY_TASK_ID (Slurm); at most ${MAX_SHARDS}`, parseShardCount)
    .option('--out <file>', "with --shard or --shards: the part file to write (`-` for standard output)")
    .addHelpText(
      'after',
      '\nA setting not listed keeps the scenario\'s value. Fastest and cheapest are the lowest median makespan and\n' +
        'core-seconds among choices where no run failed. Every output option takes `-` for standard output (one at a\n' +
        'time); the table then goes to stderr. Example:\n  batchsim compare sim-scenarios/compare-slots-per-tm.yaml --slots 1,2,4 --shuffle remote,local\n' +
        'Sharded: run `... --shard I/N --out part-I.json` for every I from 0 to N-1 (anywhere), then\n  batchsim merge part-*.json\n' +
        'prints what the whole comparison prints.',
    )
    .action(async (file: string, flags: CompareFlags, command: Command) => {
      const stdout = io.stdout ?? process.stdout;
      const stderr = io.stderr ?? process.stderr;
      const env = io.env ?? process.env;
      const json = jsonTarget(flags.json);
      const shard = resolveShard(flags, env);
      if (shard !== undefined && 'error' in shard) command.error(`error: ${shard.error}`, { exitCode: 2, code: 'batchsim.shard' });
      const outputs = { '--json': json, '--csv': flags.csv, '--report': flags.report };
      if (shard !== undefined) {
        if (flags.out === undefined) command.error('error: a shard writes its runs to --out FILE (`-` for standard output); `batchsim merge` then reads the parts', { exitCode: 2, code: 'batchsim.shard' });
        const asked = Object.entries(outputs).filter(([, v]) => v !== undefined).map(([k]) => k);
        if (asked.length > 0) {
          command.error(`error: ${asked.join(', ')} ${asked.length === 1 ? 'is' : 'are'} written by \`batchsim merge\` from the parts; a shard writes only --out`, { exitCode: 2, code: 'batchsim.shard' });
        }
      } else if (flags.out !== undefined) {
        command.error('error: --out writes the part of one shard: give --shard I/N or --shards N with it', { exitCode: 2, code: 'batchsim.shard' });
      }
      checkOutputPaths(shard !== undefined ? { '--out': flags.out } : outputs, file);
      const { label, text, scenario: loaded } = readScenarioInput(file);
      // Several jobs sweep their queues and slot caps instead (compare-workload.ts).
      if (loaded.kind === 'workload' || flags.queueCapacity !== undefined) {
        const limits = { defaultSeeds: DEFAULT_SEEDS, maxRuns: SWEEP_LIMITS.runs, announcedRuns: ANNOUNCED_RUNS };
        return compareWorkload({ label, text, scenario: loaded, flags: { ...flags }, command, stdout, stderr, color: colorAllowed(env), limits });
      }
      const scenario = requireJob(loaded, 'compare');
      const axes: GridAxes = {
        ...(flags.slots !== undefined && { slots: flags.slots }),
        ...(flags.cpuPerSlot !== undefined && { cpuPerSlot: flags.cpuPerSlot }),
        ...(flags.diskBandwidth !== undefined && { diskBandwidth: flags.diskBandwidth }),
        ...(flags.networkBandwidth !== undefined && { networkBandwidth: flags.networkBandwidth }),
        ...(flags.memoryPerSlot !== undefined && { memoryPerSlot: flags.memoryPerSlot }),
        ...(flags.maxSlots !== undefined && { maxSlots: flags.maxSlots }),
        ...(flags.shuffle !== undefined && { shuffle: flags.shuffle }),
        ...(flags.avgVolume !== undefined && { avgVolume: flags.avgVolume }),
        ...(flags.mode !== undefined && { mode: flags.mode }),
      };
      const firstSeed = flags.seed ?? scenario.spec.seed;
      const seedCount = flags.seeds ?? DEFAULT_SEEDS;
      if (firstSeed > MAX_SEED - (seedCount - 1)) {
        command.error(
          `error: --seeds ${seedCount} from seed ${firstSeed} goes past ${MAX_SEED} (2^53-1), the largest seed; start lower with --seed`,
          { exitCode: 2, code: 'batchsim.seedRange' },
        );
      }
      const choiceCount = gridSize(axes);
      const runCount = choiceCount * seedCount;
      if (runCount > SWEEP_LIMITS.runs) {
        command.error(
          `error: ${choiceCount} choices x ${seedCount} seeds (--seeds) make ${runCount} runs; a comparison makes at most ${SWEEP_LIMITS.runs}`,
          { exitCode: 2, code: 'batchsim.sweepSize' },
        );
      }
      if (runCount >= ANNOUNCED_RUNS && shard === undefined) stderr.write(`compare: ${choiceCount} choice${choiceCount === 1 ? '' : 's'} x ${seedCount} seeds = ${runCount} runs\n`);
      const plan = planComparison({
        text,
        label,
        scenario,
        axes,
        seeds: seedList(firstSeed, seedCount),
        onWarnings: (where, warnings) => printWarnings(where, warnings, stderr),
      });
      // A shard makes only its own runs; positions keep each run's place in the whole grid.
      const positions = shard === undefined ? plan.runs.map((r) => r.index) : runsOfShard(plan, shard);
      const runs = positions.map((p) => plan.runs[p]);
      const sweep = compareSweep({ file: label, text, axes, firstSeed, seedCount });
      if (shard !== undefined) {
        stderr.write(`compare: shard ${formatShard(shard)}: ${runs.length} of the ${runCount} runs of \`${['batchsim', ...compareArgs(sweep)].map(shellQuote).join(' ')}\`\n`);
      }

      const color = colorAllowed(env);
      // A bar only on a terminal: redirected stderr gets nothing extra.
      const bar = isTty(stderr) && runs.length > 0
        ? new SingleBar(
            {
              stream: stderr,
              format: `compare ${color ? '\x1b[36m{bar}\x1b[0m' : '{bar}'} {value}/{total} runs | {duration_formatted} elapsed, ETA {eta_formatted}`,
              hideCursor: true,
              clearOnComplete: true,
              barsize: 30,
            },
            Presets.shades_classic,
          )
        : null;
      bar?.start(runs.length, 0);
      let summaries;
      try {
        ({ summaries } = await runGrid(
          { text, file: label, overrides: plan.choices.map((c) => c.overrides), runs },
          { workers: flags.workers ?? defaultWorkers(runs.length * estimatedSubtasks(scenario.spec)), onProgress: (done) => bar?.update(done) },
        ));
      } finally {
        bar?.stop();
      }

      if (shard !== undefined) {
        const part = comparePart({ sweep, version: batchsimVersion(), shard, total: plan.runs.length, positions, summaries });
        writeOutput(flags.out as string, partText(part), stdout);
        return;
      }
      writeComparison(comparisonOf(plan, label, summaries), outputs, { stdout, stderr, color });
    });
}

/** Where a comparison goes: the outputs asked for (`-`: standard output) and the streams. */
export interface ComparisonOutputs {
  '--json': string | undefined;
  '--csv': string | undefined;
  '--report': string | undefined;
}

/**
 * Prints the table and writes the outputs of a comparison, the same for `compare` and for
 * `merge`, which must print exactly what the unsharded comparison prints.
 * @throws ScenarioError when an output cannot be written
 */
export function writeComparison(
  comparison: Comparison,
  outputs: ComparisonOutputs,
  io: { stdout: NodeJS.WritableStream; stderr: NodeJS.WritableStream; color: boolean },
): void {
  // The table is for a person: on stdout unless stdout carries an output.
  const tableStream = Object.values(outputs).includes(STDIO) ? io.stderr : io.stdout;
  tableStream.write(formatCompareTable(comparison, { color: io.color && isTty(tableStream) }));
  if (outputs['--json'] !== undefined) writeOutput(outputs['--json'], `${JSON.stringify(compareJson(comparison), null, 2)}\n`, io.stdout);
  if (outputs['--csv'] !== undefined) writeOutput(outputs['--csv'], compareCsv(comparison), io.stdout);
  if (outputs['--report'] !== undefined) writeOutput(outputs['--report'], renderCompareHtml(comparison), io.stdout);
}
