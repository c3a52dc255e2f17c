//! The JSON Schema (draft 2020-12) of `run --json` for a multi-job (`jobs:`) scenario, closed like the others.

import { count, DIALECT, list, nonNegative, object, orNull, RUN_SCHEMA, text, type Schema } from './output-schema.js';

/** The single-job result's properties, as RUN_SCHEMA describes them: a job of a workload has them too. */
const runProperties = RUN_SCHEMA.properties as Record<string, Schema>;
const { scenario: _scenario, seed: _seed, stats: _stats, status: _status, ...jobRunProperties } = runProperties;

const job = object(
  "one job: the single-job result's fields (times in seconds from the start of the run), with its place in its queue",
  {
    name: text('the job name, unique in the scenario'),
    ...jobRunProperties,
    status: { enum: ['FINISHED', 'FAILED', 'SKIPPED'], description: 'how the job ended; SKIPPED when a job it comes after did not finish, so it never ran' },
    failureCause: text('why the job failed or was skipped (present only when not FINISHED)'),
    makespan: nonNegative('seconds from its submission to its end'),
    queue: text('the queue it ran in'),
    priority: { type: 'number', description: 'higher is served first within its queue' },
    seed: { type: 'integer', description: "its seed, derived from the run's seed and its name" },
    submitted: nonNegative('seconds: when it was submitted (for a workflow, once the jobs it comes after finished)'),
    started: orNull(nonNegative('seconds: when its JobManager started (it was admitted to its queue), or null when it never was')),
    end: nonNegative('seconds: when it ended'),
    waited: nonNegative('seconds its requests for queue capacity (admission, TaskManagers) spent waiting, summed'),
  },
  ['failureCause', 'shuffleService'],
);

const queue = object("one queue's use over the run", {
  name: text('the queue name'),
  capacity: orNull(nonNegative('capacity in CU (a process takes max(cores, memory GiB / 4)); null when unlimited')),
  peakCu: nonNegative('the most CU in use at once'),
  meanCu: nonNegative('time-weighted mean of the CU in use, from 0 to the end of the run'),
});

/** `batchsim run --json` of a scenario with `jobs:`. The required fields include every field of the "Several jobs" contract. */
export const WORKLOAD_RUN_SCHEMA: Schema = {
  $schema: DIALECT,
  title: 'batchsim run --json (several jobs)',
  ...object('the result of a run of several jobs sharing a cluster through resource queues', {
    scenario: text('the scenario name'),
    seed: { type: 'integer', description: 'the seed the run used' },
    status: { enum: ['FINISHED', 'FAILED'], description: 'FINISHED when every job finished' },
    makespan: nonNegative('seconds: the end of the last job'),
    cost: object('resources held over time by the TaskManagers and JobManagers of all jobs together', {
      coreSeconds: nonNegative('CPU cores held, times seconds'),
      gibSeconds: nonNegative('GiB of memory held, times seconds'),
      shuffleServiceCuSeconds: nonNegative('what the remote shuffle service costs, CU-seconds'),
    }),
    jobs: list('every job, in the order of the scenario (arrivals expanded)', job),
    queues: list('every queue, in the order of the scenario', queue),
    warnings: list('warnings about the scenario (also printed on stderr)', { type: 'string' }),
    stats: object('how the simulation itself went', { events: count('events processed') }),
  }),
};
