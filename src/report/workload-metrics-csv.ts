//! A multi-job run's metrics as CSV: each queue's CU in use and waiting requests over time, and a row per job.

import type { WorkloadJobResult, WorkloadResult } from '../model/run-result.js';
import type { WorkloadTimeline } from '../dispatcher/workload-run.js';
import { csvField, csvNumber, lines } from './metrics-csv.js';

/** The two columns of queue `name` in {@link workloadMetricsCsv}: CU in use, requests waiting. */
export function queueColumns(name: string): [string, string] {
  return [`${name}_cu_in_use`, `${name}_waiting_requests`];
}

/**
 * The queues over time: a `time` column, then per queue (in the timeline's order) its CU in
 * use and its requests waiting for capacity (admissions and TaskManagers). One row per time
 * any queue changed, holding every queue's state after all changes at that time; a queue not
 * yet changed reads 0. As in `metricsCsv`, the series is a step function.
 */
export function workloadMetricsCsv(timeline: WorkloadTimeline): string {
  const queues = timeline.queues;
  const header = ['time', ...queues.flatMap((q) => queueColumns(q.name).map(csvField))];
  const times = [...new Set(queues.flatMap((q) => q.samples.map((s) => s.time)))].sort((a, b) => a - b);
  // One cursor per queue walks its samples (recorded in time order, one per time) alongside the rows.
  const next = queues.map(() => 0);
  const state = queues.map(() => ({ cu: 0, waiting: 0 }));
  const rows = times.map((time) => {
    const row = [csvNumber(time)];
    queues.forEach((q, i) => {
      while (next[i] < q.samples.length && q.samples[next[i]].time <= time) state[i] = q.samples[next[i]++];
      row.push(csvNumber(state[i].cu), csvNumber(state[i].waiting));
    });
    return row;
  });
  return lines(header, rows);
}

/** Columns of {@link workloadJobsCsv}, in order. */
export const WORKLOAD_JOBS_COLUMNS = [
  'job',
  'queue',
  'priority',
  'status',
  'submitted',
  'started',
  'waited',
  'end',
  'makespan',
  'taskmanagers_created',
  'taskmanagers_peak',
  'restarts',
  'slot_seconds',
  'core_seconds',
  'gib_seconds',
  'failure_cause',
] as const;

function jobRow(j: WorkloadJobResult): string[] {
  return [
    csvField(j.name),
    csvField(j.queue),
    csvNumber(j.priority),
    j.status,
    csvNumber(j.submitted),
    csvNumber(j.started),
    csvNumber(j.waited),
    csvNumber(j.end),
    csvNumber(j.makespan),
    csvNumber(j.taskManagers.created),
    csvNumber(j.taskManagers.peak),
    csvNumber(j.restarts),
    csvNumber(j.slotSeconds),
    csvNumber(j.cost.coreSeconds),
    csvNumber(j.cost.gibSeconds),
    csvField(j.failureCause ?? ''),
  ];
}

/**
 * One row per job, in the result's order: header {@link WORKLOAD_JOBS_COLUMNS}. Times are
 * seconds from the start of the run; `started` is empty for a job never admitted.
 */
export function workloadJobsCsv(result: WorkloadResult): string {
  return lines(WORKLOAD_JOBS_COLUMNS, result.jobs.map(jobRow));
}
