//! `batchsim compare` on a multi-job scenario (`jobs:`): sweeps the queues' capacities (`--queue-capacity`) and every job's slot cap (`--max-slots`) over seeds.

import { InvalidArgumentError, type Command } from 'commander';
import { Presets, SingleBar } from 'cli-progress';
import { buildRuns, seedList } from '../../compare/grid.js';
import { defaultWorkers, runGridWith, workerModuleUrl } from '../../compare/run-grid.js';
import { buildWorkloadComparison, type WorkloadRunSummary } from '../../compare/workload-aggregate.js';
import {
  applyWorkloadChoice,
  buildWorkloadGrid,
  capBelowTaskManager,
  entryJobs,
  entryName,
  SweepFlagError,
  sweptAxes,
  workloadGridSize,
  type CapacityAxis,
} from '../../compare/workload-grid.js';
import { WORKLOAD_WORKER_KIND, WorkloadChoiceRunner, type WorkloadWorkerInit } from '../../compare/workload-worker.js';
import type { SimulationSpec } from '../../model/spec.js';
import type { WorkloadSpec } from '../../model/workload-spec.js';
import { formatWorkloadCompareTable, renderWorkloadCompareHtml, workloadCompareCsv, workloadCompareJson } from '../../report/workload-compare-report.js';
import { MAX_SEED } from '../../scenario/limits.js';
import type { Scenario } from '../../scenario/load.js';
import { STDIO, writeOutput } from '../io.js';
import { printWarnings } from '../outputs.js';
import { jsonTarget } from './run.js';

/** Most values one `--queue-capacity` flag may list. */
const MAX_CAPACITY_VALUES = 1000;

/** A capacity in CU: a number > 0 (decimals allowed: a TaskManager may take 1.5 CU), or `unlimited`. */
function capacityValue(s: string): number {
  if (s.toLowerCase() === 'unlimited') return Infinity;
  if (!/^\d+(\.\d+)?$/.test(s) || !(Number(s) > 0) || !Number.isFinite(Number(s))) {
    throw new InvalidArgumentError(`expected a capacity in CU (a number > 0) or \`unlimited\`, got \`${s}\``);
  }
  return Number(s);
}

/**
 * A commander parser for `--queue-capacity`, which may be given several times: `32,64,128`
 * (every queue not named by another flag) or `NAME=32,64` (one queue). No empty item, no
 * value twice.
 */
export function parseQueueCapacity(value: string, previous: CapacityAxis[] = []): CapacityAxis[] {
  const eq = value.indexOf('=');
  const queue = eq < 0 ? null : value.slice(0, eq).trim();
  if (queue === '') throw new InvalidArgumentError(`expected \`NAME=32,64\` or \`32,64\`, got \`${value}\` (no queue name before \`=\`)`);
  const list = eq < 0 ? value : value.slice(eq + 1);
  const values: number[] = [];
  for (const raw of list.split(',')) {
    const s = raw.trim();
    if (s === '') throw new InvalidArgumentError(`expected a comma-separated list of capacities in CU (numbers > 0 or \`unlimited\`), got \`${value}\``);
    const v = capacityValue(s);
    if (values.includes(v)) throw new InvalidArgumentError(`\`${s}\` is listed twice in \`${value}\``);
    values.push(v);
  }
  if (values.length > MAX_CAPACITY_VALUES) throw new InvalidArgumentError(`${values.length} capacities in \`${queue ?? 'one list'}\`: at most ${MAX_CAPACITY_VALUES}`);
  return [...previous, { queue, values }];
}

/** The flags a multi-job comparison reads; any other `compare` flag is refused for it. */
export interface WorkloadCompareFlags {
  queueCapacity?: CapacityAxis[];
  maxSlots?: number[];
  seeds?: number;
  seed?: number;
  workers?: number;
  json?: boolean | string;
  csv?: string;
  report?: string;
}

const WORKLOAD_FLAGS = new Set<string>(['queueCapacity', 'maxSlots', 'seeds', 'seed', 'workers', 'json', 'csv', 'report']);

/** `queueCapacity` -> `--queue-capacity`. */
const optionName = (key: string): string => `--${key.replace(/[A-Z]/g, (m) => `-${m.toLowerCase()}`)}`;

/** What {@link compareWorkload} needs from the `compare` action. */
export interface WorkloadCompareArgs {
  label: string;
  text: string;
  scenario: Scenario;
  flags: WorkloadCompareFlags & Record<string, unknown>;
  command: Command;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  /** Colour allowed (NO_COLOR unset; whether a stream is a terminal is checked here). */
  color: boolean;
  /** compare's own bounds (passed in, so this module does not import compare.ts, which imports it). */
  limits: { defaultSeeds: number; maxRuns: number; announcedRuns: number };
}

const isTty = (s: NodeJS.WritableStream): boolean => (s as { isTTY?: boolean }).isTTY === true;

/** Subtasks of one run of the workload, counting an inferred vertex at its largest possible parallelism (for the thread count). */
function workloadSubtasks(w: WorkloadSpec): number {
  const perJob = (spec: SimulationSpec) =>
    spec.vertices.reduce((n, v) => n + (v.parallelism ?? (v.sourceBytes !== undefined ? spec.parallelism.defaultSourceParallelism : spec.parallelism.maxParallelism)), 0);
  return w.entries.reduce((n, e) => n + (e.kind === 'once' ? 1 : e.count) * Math.max(...entryJobs(e).map((j) => perJob(j.spec))), 0);
}

/**
 * Runs `compare` for a multi-job scenario, or refuses `--queue-capacity` on a single job.
 * Exit 2 (through `command.error`) for a flag that does not fit; a ScenarioError when an
 * output cannot be written.
 */
export async function compareWorkload(args: WorkloadCompareArgs): Promise<void> {
  const { label, text, scenario, flags, command, stdout, stderr } = args;
  const fail = (message: string): never => command.error(`error: ${message}`, { exitCode: 2, code: 'batchsim.workloadCompare' });
  if (scenario.kind === 'job') {
    return fail(`--queue-capacity sweeps the queues of a multi-job scenario (\`jobs:\`); ${label} holds a single job, which runs alone (sweep its slots with --max-slots)`);
  }
  const workload = scenario.workload;
  const foreign = Object.keys(flags).filter((k) => flags[k] !== undefined && !WORKLOAD_FLAGS.has(k));
  if (foreign.length > 0) {
    return fail(
      `${foreign.map(optionName).join(', ')} ${foreign.length === 1 ? 'does' : 'do'} not apply to a multi-job scenario (\`jobs:\`); ` +
        'it sweeps --queue-capacity and --max-slots (set the rest in the scenario, per job under `config`)',
    );
  }
  const firstSeed = flags.seed ?? workload.seed;
  const seedCount = flags.seeds ?? args.limits.defaultSeeds;
  if (firstSeed > MAX_SEED - (seedCount - 1)) {
    return fail(`--seeds ${seedCount} from seed ${firstSeed} goes past ${MAX_SEED} (2^53-1), the largest seed; start lower with --seed`);
  }
  const axes = { capacity: flags.queueCapacity ?? [], maxSlots: flags.maxSlots ?? [] };
  const choiceCount = workloadGridSize(axes);
  const runCount = choiceCount * seedCount;
  if (runCount > args.limits.maxRuns) return fail(`${choiceCount} choices x ${seedCount} seeds (--seeds) make ${runCount} runs; a comparison makes at most ${args.limits.maxRuns}`);

  let choices;
  let swept;
  try {
    swept = sweptAxes(workload, axes);
    choices = buildWorkloadGrid(workload, swept);
    // Apply every choice once here, so one that cannot run is an error before any thread starts.
    for (const ch of choices) applyWorkloadChoice(workload, ch.overrides);
  } catch (err) {
    if (err instanceof SweepFlagError) return fail(err.message);
    throw err;
  }
  printWarnings(label, workload.warnings, stderr);
  for (const ch of choices) {
    if (ch.maxSlots === null) continue;
    const stuck = capBelowTaskManager(workload, ch.maxSlots);
    if (stuck.length > 0) {
      printWarnings(`${label} (${ch.label})`, [`the TaskManagers of ${stuck.map((n) => `\`${n}\``).join(', ')} have more slots than ${ch.maxSlots}: none can start, so ${stuck.length === 1 ? 'that job fails' : 'those jobs fail'}`], stderr);
    }
  }
  if (runCount >= args.limits.announcedRuns) stderr.write(`compare: ${choiceCount} choice${choiceCount === 1 ? '' : 's'} x ${seedCount} seeds = ${runCount} runs\n`);

  const seeds = seedList(firstSeed, seedCount);
  const runs = buildRuns(choices, seeds);
  const overrides = choices.map((c) => c.overrides);
  const init: WorkloadWorkerInit = { kind: WORKLOAD_WORKER_KIND, text, file: label, overrides };
  const bar = isTty(stderr)
    ? new SingleBar(
        {
          stream: stderr,
          format: `compare ${args.color ? '\x1b[36m{bar}\x1b[0m' : '{bar}'} {value}/{total} runs | {duration_formatted} elapsed, ETA {eta_formatted}`,
          hideCursor: true,
          clearOnComplete: true,
          barsize: 30,
        },
        Presets.shades_classic,
      )
    : null;
  bar?.start(runs.length, 0);
  let summaries: WorkloadRunSummary[];
  try {
    ({ summaries } = await runGridWith<WorkloadRunSummary>(
      runs,
      { inline: () => new WorkloadChoiceRunner(text, label, overrides), workerUrl: workerModuleUrl('./workload-worker.js'), init },
      { workers: flags.workers ?? defaultWorkers(runs.length * workloadSubtasks(workload)), onProgress: (done) => bar?.update(done) },
    ));
  } finally {
    bar?.stop();
  }

  const comparison = buildWorkloadComparison({
    scenario: workload.name,
    file: label,
    seeds,
    swept,
    queues: workload.queues.map((q) => ({ name: q.name, capacityCu: q.capacityCu })),
    entries: workload.entries.map((e) => ({ name: entryName(e), maxSlots: entryJobs(e).map((j) => j.spec.cluster.maxSlots) })),
    choices,
    summaries,
  });
  const json = jsonTarget(flags.json);
  const outputs = [json, flags.csv, flags.report];
  // The table is for a person: on stdout unless stdout carries an output.
  const tableStream = outputs.includes(STDIO) ? stderr : stdout;
  tableStream.write(formatWorkloadCompareTable(comparison, { color: args.color && isTty(tableStream) }));
  if (json !== undefined) writeOutput(json, `${JSON.stringify(workloadCompareJson(comparison), null, 2)}\n`, stdout);
  if (flags.csv !== undefined) writeOutput(flags.csv, workloadCompareCsv(comparison), stdout);
  if (flags.report !== undefined) writeOutput(flags.report, renderWorkloadCompareHtml(comparison), stdout);
}
