//! JSON Schemas (draft 2020-12) of the JSON outputs, printed by `batchsim schema run|compare`.
//!
//! Written by hand next to the renderers rather than generated, so each field says what it
//! means; the tests validate real outputs against them, and every object is closed
//! (`additionalProperties: false`), so a field added to an output without its description
//! here fails those tests.

import { DIMENSIONS } from '../compare/grid.js';

export type Schema = Record<string, unknown>;

export const DIALECT = 'https://json-schema.org/draft/2020-12/schema';

/** An object whose listed properties are all required unless named in `optional`. */
export function object(description: string, properties: Record<string, Schema>, optional: readonly string[] = []): Schema {
  return {
    type: 'object',
    description,
    properties,
    required: Object.keys(properties).filter((k) => !optional.includes(k)),
    additionalProperties: false,
  };
}

const number = (description: string): Schema => ({ type: 'number', description });
export const nonNegative = (description: string): Schema => ({ type: 'number', minimum: 0, description });
export const count = (description: string): Schema => ({ type: 'integer', minimum: 0, description });
export const text = (description: string): Schema => ({ type: 'string', description });
export const orNull = (s: Schema): Schema => ({ ...s, type: [s.type as string, 'null'] });
export const list = (description: string, items: Schema): Schema => ({ type: 'array', description, items });

const STATUS: Schema = { enum: ['FINISHED', 'FAILED'], description: 'how the job ended' };
const MODE: Schema = { enum: ['BATCH', 'STREAMING'], description: "Flink's execution.runtime-mode" };

const vertex = object('one vertex of the job', {
  id: text('the vertex id from the scenario'),
  parallelism: orNull({ type: 'integer', minimum: 1, description: 'the parallelism it ran with; null when it was never decided' }),
  decision: object(
    'why the vertex got its parallelism',
    {
      origin: { enum: ['fixed', 'source-default', 'global-default', 'inferred'], description: 'where the parallelism came from' },
      bytesConsumed: nonNegative('non-broadcast input bytes the decision looked at (inferred only)'),
      boundBy: text('what bound the result: data, min, max, global, subpartition-limit, all-broadcast, balanced'),
      reason: text('the decision in one sentence'),
    },
    ['bytesConsumed', 'boundBy'],
  ),
  attempts: count('attempts started, all subtasks together'),
  start: orNull(nonNegative('seconds: first attempt start, or null when nothing started')),
  end: orNull(nonNegative('seconds: last subtask finish, or null when the vertex did not finish')),
  busySlotSeconds: nonNegative("seconds slots were busy with this vertex's attempts"),
  inputBytes: nonNegative('input bytes, all subtasks together'),
  outputBytes: nonNegative('output bytes, all subtasks together'),
  subtaskInputBytes: object('input bytes per subtask', {
    min: nonNegative('smallest'),
    median: nonNegative('median'),
    max: nonNegative('largest'),
  }),
  heldBackSeconds: object("attempt-seconds this vertex's attempts moved data held back by each resource (their scarcest share)", {
    cpu: nonNegative('by their own core or the TaskManager\'s cores'),
    disk: nonNegative("by the TaskManager's disk bandwidth"),
    network: nonNegative("by the TaskManager's network bandwidth"),
  }),
  boundBy: { enum: ['cpu', 'disk', 'network', null], description: 'the resource that held it back longest, or null when it moved no data' },
  spilledBytes: nonNegative('bytes its attempts spilled to local disk (input beyond the managed memory of a slot), written and read back once'),
  gcSeconds: nonNegative('CPU-seconds its attempts spent in garbage collection'),
  cpuSeconds: nonNegative('CPU-seconds its attempts spent on their own work'),
  heapOccupancy: nonNegative('the highest heap occupancy of its attempts: working set / task heap per slot'),
});

const bytes = (description: string): Schema => ({ type: 'integer', minimum: 0, description });

const memoryLayout = object("each TaskManager's memory as Flink splits it, and one slot's share; bytes", {
  process: bytes('total process memory'),
  flink: bytes('total Flink memory'),
  frameworkHeap: bytes('framework heap'),
  taskHeap: bytes('task heap'),
  frameworkOffHeap: bytes('framework off-heap'),
  taskOffHeap: bytes('task off-heap'),
  network: bytes('network memory'),
  managed: bytes('managed memory'),
  jvmMetaspace: bytes('JVM metaspace'),
  jvmOverhead: bytes('JVM overhead'),
  managedPerSlot: bytes('managed memory of one slot'),
  taskHeapPerSlot: bytes('task heap of one slot'),
});

const failure = object('one failure and what the scheduler did about it', {
  time: nonNegative('seconds from submission'),
  subtask: orNull(text('`vertex[subtask]` of the failed attempt, or null for a TaskManager loss with nothing running')),
  attempt: orNull(count('attempt number of the failed attempt')),
  taskManager: orNull(count('index of the TaskManager involved (creation order)')),
  cause: text('the exception, as Flink would report it'),
  action: { enum: ['restart', 'job-failed', 'ignored'], description: 'a failover, the end of the job, or a fault that hit nothing' },
  restarted: list('subtasks restarted, as `vertex[subtask]` (may be shortened for big restarts)', { type: 'string' }),
  restartedCount: count('how many subtasks were restarted'),
  delay: nonNegative('restart delay applied, seconds'),
});

/** The quantities `run --json` and `compare --json` share, each as run names it. */
const runQuantities = {
  makespan: nonNegative('seconds from submission to the end of the job'),
  restarts: count('failovers performed'),
};

/** `batchsim run --json`. The required fields include every field of the output contract. */
export const RUN_SCHEMA: Schema = {
  $schema: DIALECT,
  title: 'batchsim run --json',
  ...object(
    'the result of one simulated run',
    {
      scenario: text('the scenario name'),
      seed: { type: 'integer', description: 'the seed the run used' },
      mode: MODE,
      status: STATUS,
      failureCause: text('why the job failed (present only when FAILED)'),
      makespan: runQuantities.makespan,
      vertices: list('per vertex, in the order of the scenario', vertex),
      taskManagers: object('TaskManagers', {
        created: count('TaskManagers asked for over the run'),
        peak: count('most live at once'),
        slotsPerTaskManager: { type: 'integer', minimum: 1, description: 'slots of each TaskManager' },
        cpu: nonNegative('cores of each TaskManager'),
        memoryBytes: nonNegative('memory of each TaskManager'),
        diskBytes: nonNegative('local disk of each TaskManager'),
        diskBandwidth: orNull(nonNegative("bytes per second of each TaskManager's disk, shared by its slots; null when unlimited")),
        networkBandwidth: orNull(nonNegative("bytes per second of each TaskManager's network, shared by its slots; null when unlimited")),
        memory: memoryLayout,
      }),
      restarts: runQuantities.restarts,
      slotSeconds: nonNegative('seconds that slots were busy running attempts, summed'),
      cost: object('resources held over time by live TaskManagers and the JobManager', {
        coreSeconds: nonNegative('CPU cores held, times seconds'),
        gibSeconds: nonNegative('GiB of memory held, times seconds'),
        shuffleServiceCuSeconds: nonNegative('what the remote shuffle service costs, CU-seconds (cluster.shuffleService.cost)'),
      }),
      disk: object('local disk use', {
        peakBytesOneTaskManager: nonNegative('the most bytes on one TaskManager at once'),
        peakBytesTotal: nonNegative('the most bytes on all TaskManagers together at once'),
      }),
      shuffleService: object('with `shuffle: remote`: what the shuffle service held and moved', {
        bytesTransferred: nonNegative('bytes written to it and read from it'),
        peakBytesStored: nonNegative('the most bytes it held at once'),
        gibSecondsStored: nonNegative('GiB held, times seconds'),
      }),
      failures: list('every failure, in time order', failure),
      longestStall: orNull(
        object('the longest time no subtask finished while the job ran', {
          from: nonNegative('seconds: the start, or the finish before it'),
          to: nonNegative('seconds: the finish that ended it, or the end of the job'),
          vertex: orNull(text('the vertex whose finish ended it, or null when the job ended first')),
        }),
      ),
      diagnosis: list(
        'the symptoms of the brief\'s FAQ "What do I do if a batch job is stuck?" found in the run',
        object('one symptom', {
          kind: { enum: ['memory', 'hot-cpu', 'no-progress', 'disk-full', 'too-many-taskmanagers'], description: 'which symptom' },
          symptom: text("the symptom, in the brief's words"),
          evidence: text('what in the run shows it, with numbers'),
          action: text("what to do: the brief's action, made concrete for this job"),
        }),
      ),
      warnings: list('warnings about the scenario (also printed on stderr)', { type: 'string' }),
      stats: object('how the simulation itself went', { events: count('events processed') }),
    },
    ['failureCause', 'shuffleService'],
  ),
};

const settings = object('the values of the compare options (`--slots`, `--max-slots`, ...) a choice runs with', {
  slots: { type: 'integer', minimum: 1, description: 'slots per TaskManager (`--slots`)' },
  cpuPerSlot: { type: 'number', exclusiveMinimum: 0, description: 'cores per slot (`--cpu-per-slot`)' },
  memoryPerSlotBytes: { type: 'number', exclusiveMinimum: 0, description: 'memory per slot in bytes (`--memory-per-slot`)' },
  diskBandwidth: {
    anyOf: [{ type: 'number', exclusiveMinimum: 0 }, { const: 'unlimited' }],
    description: "bytes per second of each TaskManager's disk (`--disk-bandwidth`)",
  },
  networkBandwidth: {
    anyOf: [{ type: 'number', exclusiveMinimum: 0 }, { const: 'unlimited' }],
    description: "bytes per second of each TaskManager's network (`--network-bandwidth`)",
  },
  maxSlots: {
    anyOf: [{ type: 'integer', minimum: 1 }, { const: 'unlimited' }],
    description: 'cap on the slots of all live TaskManagers (`--max-slots`)',
  },
  shuffle: { enum: ['local', 'remote'], description: 'where shuffle files live (`--shuffle`)' },
  avgVolumeBytes: { type: 'number', exclusiveMinimum: 0, description: 'avg-data-volume-per-task in bytes (`--avg-volume`)' },
  mode: MODE,
});

const comparedRun = object('one run of a choice, its quantities named as in `run --json`', {
  seed: { type: 'integer', description: 'the seed of this run' },
  status: STATUS,
  failureCause: orNull(text('why the job failed, or null when it finished')),
  makespan: runQuantities.makespan,
  taskManagers: object('TaskManagers', { created: count('TaskManagers asked for'), peak: count('most live at once') }),
  cost: object('as `run --json` cost', { coreSeconds: nonNegative('core-seconds'), gibSeconds: nonNegative('GiB-seconds') }),
  disk: object('local disk use', { peakBytesOneTaskManager: nonNegative('the most bytes on one TaskManager at once') }),
  restarts: runQuantities.restarts,
});

const median = (what: string) => object(`${what} over the seeds`, { median: number('median') });
const largest = (what: string) => object(`${what} over the seeds`, { max: number('largest') });

const choice = object(
  'one point of the grid: its settings, statistics over the seeds under the names `run --json` uses (the statistic is the last step of the path), marks and runs',
  {
    choice: count('position in the grid, from 0'),
    label: text('the swept settings in words'),
    settings,
    failed: count('runs that ended FAILED'),
    makespan: object('makespan over the seeds, seconds', { median: number('median'), p95: number('95th percentile, nearest rank') }),
    taskManagers: object('TaskManagers', { created: median('TaskManagers asked for'), peak: largest('most live at once') }),
    cost: object('cost', { coreSeconds: median('core-seconds'), gibSeconds: median('GiB-seconds') }),
    disk: object('local disk use', { peakBytesOneTaskManager: largest('the most bytes on one TaskManager') }),
    restarts: object('restarts over the seeds', { total: count('summed') }),
    fastest: { type: 'boolean', description: 'lowest median makespan among choices with no failed run' },
    cheapest: { type: 'boolean', description: 'lowest median core-seconds among choices with no failed run' },
    runs: list('every run, in seed order', comparedRun),
  },
);

/** `batchsim compare --json`. */
export const COMPARE_SCHEMA: Schema = {
  $schema: DIALECT,
  title: 'batchsim compare --json',
  ...object('a grid of choices, each run over the same seeds', {
    scenario: text('the scenario name'),
    file: text('the scenario file (`<stdin>` for standard input)'),
    seeds: list('the seeds every choice ran with', { type: 'integer' }),
    swept: list('the settings swept, in grid order', { enum: [...DIMENSIONS] }),
    scenarioSettings: settings,
    statistics: text('how each statistic is computed'),
    choices: list('every choice, in grid order', choice),
  }),
};

/** The schemas `batchsim schema` prints, by name. */
export const OUTPUT_SCHEMAS = { run: RUN_SCHEMA, compare: COMPARE_SCHEMA } as const;

/** A name `batchsim schema` accepts. */
export type OutputSchemaName = keyof typeof OUTPUT_SCHEMAS;
