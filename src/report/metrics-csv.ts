//! A run's metrics as CSV: the cluster time series and a row per vertex, for pandas and spreadsheets.

import type { MetricsSample, RunResult, Timeline, VertexResult } from '../model/run-result.js';

/** Columns of {@link metricsCsv}, in order. Plain snake_case so pandas needs no renaming. */
export const METRICS_COLUMNS = [
  'time',
  'live_tms',
  'starting_tms',
  'idle_tms',
  'busy_slots',
  'free_slots',
  'pending_requests',
  'running_subtasks',
  'finished_subtasks',
  'disk_used_total_bytes',
  'disk_used_max_tm_bytes',
  'cpu_cores_in_use',
  'disk_bytes_per_s',
  'network_bytes_per_s',
] as const;

/** Columns of {@link verticesCsv}, in order. */
export const VERTICES_COLUMNS = [
  'vertex',
  'parallelism',
  'attempts',
  'start',
  'end',
  'busy_slot_seconds',
  'input_bytes',
  'output_bytes',
  'subtask_input_min',
  'subtask_input_median',
  'subtask_input_max',
  'cpu_bound_seconds',
  'disk_bound_seconds',
  'network_bound_seconds',
  'bound_by',
  'spilled_bytes',
  'gc_seconds',
  'cpu_seconds',
  'heap_occupancy',
] as const;

/**
 * Quotes one CSV field as RFC 4180 asks: fields holding a comma, a double quote, CR or
 * LF are wrapped in double quotes, with inner quotes doubled. Leading or trailing
 * spaces are quoted too, because some readers trim unquoted fields.
 */
export function csvField(value: string): string {
  if (/[",\r\n]/.test(value) || value !== value.trim()) return `"${value.replace(/"/g, '""')}"`;
  return value;
}

/**
 * Formats a number for CSV: the shortest text that reads back as the same double
 * (JavaScript's own `String`), and an empty field for null or a non-finite value,
 * which pandas reads as NaN.
 */
export function csvNumber(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '';
  return String(value);
}

/** A CSV document: the header and the rows, LF line ends. */
export function lines(header: readonly string[], rows: string[][]): string {
  // LF line ends, as pandas, Python's csv module and Unix tools all accept; a field
  // that itself holds a newline is quoted, so rows stay unambiguous.
  return [header.join(','), ...rows.map((r) => r.join(','))].join('\n') + '\n';
}

function sampleRow(s: MetricsSample): string[] {
  return [
    s.time,
    s.liveTaskManagers,
    s.startingTaskManagers,
    s.idleTaskManagers,
    s.busySlots,
    s.freeSlots,
    s.pendingRequests,
    s.runningSubtasks,
    s.finishedSubtasks,
    s.diskUsedTotal,
    s.diskUsedMax,
    s.cpuInUse,
    s.diskBandwidthInUse,
    s.networkBandwidthInUse,
  ].map(csvNumber);
}

/**
 * The cluster time series: header {@link METRICS_COLUMNS} and one row per sample, in
 * the timeline's order. Each row is the state right after a change, so the series is
 * a step function: a value holds from its row's `time` until the next row's.
 */
export function metricsCsv(timeline: Timeline): string {
  return lines(METRICS_COLUMNS, timeline.samples.map(sampleRow));
}

function vertexRow(v: VertexResult): string[] {
  return [
    csvField(v.id),
    csvNumber(v.parallelism),
    csvNumber(v.attempts),
    csvNumber(v.start),
    csvNumber(v.end),
    csvNumber(v.busySlotSeconds),
    csvNumber(v.inputBytes),
    csvNumber(v.outputBytes),
    csvNumber(v.subtaskInputBytes.min),
    csvNumber(v.subtaskInputBytes.median),
    csvNumber(v.subtaskInputBytes.max),
    csvNumber(v.heldBackSeconds.cpu),
    csvNumber(v.heldBackSeconds.disk),
    csvNumber(v.heldBackSeconds.network),
    v.boundBy ?? '',
    csvNumber(v.spilledBytes),
    csvNumber(v.gcSeconds),
    csvNumber(v.cpuSeconds),
    csvNumber(v.heapOccupancy),
  ];
}

/**
 * One row per vertex, in the result's order: header {@link VERTICES_COLUMNS}. Times
 * are seconds; `start`/`end` are empty when the vertex never started or never finished.
 */
export function verticesCsv(result: RunResult): string {
  return lines(VERTICES_COLUMNS, result.vertices.map(vertexRow));
}
