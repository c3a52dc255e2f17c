//! Format C: the job details the REST API serves at `/jobs/:jobid`.
//!
//! `{"jid", "name", "state", "start-time", "end-time", "duration", "vertices": [{"id", "name",
//! "parallelism", "status", "start-time", "end-time", "duration", "metrics": {"read-bytes",
//! "read-bytes-complete", "write-bytes", "write-bytes-complete", "read-records", ...}}], "plan":
//! {format B}}`. Times are epoch milliseconds; -1 means not yet. A vertex's start is when its first
//! subtask was deployed and its end when its last subtask finished, so its duration spans all of
//! its subtasks. Sources report `read-bytes` 0 (Flink counts only bytes read from other tasks).
//!
//! Each vertex entry may also carry the `subtasks` list of `/jobs/:jobid/vertices/:vertexid`
//! (see subtasks.ts); calibration (calibrate.ts) then fits per subtask.
//!
//! The gap between the job's start and its first vertex's start becomes the TaskManager startup.

import { childPath } from '../scenario/issues.js';
import { asId, asNumber, asString, isObject, type JsonObject } from './detect.js';
import { readJobPlan } from './job-plan.js';
import { readSubtasks } from './subtasks.js';
import { flattenName, type ImportGraph, type VertexMeasurement } from './to-scenario.js';

/** Reads job details: the plan's graph, with each vertex's parallelism, name and measurements. */
export function readJobDetails(doc: JsonObject, file: string): ImportGraph {
  const graph = readJobPlan(doc.plan as JsonObject, 'plan', file);
  graph.format = 'job-details';
  if (typeof doc.name === 'string') graph.jobName = flattenName(doc.name);
  graph.jobId = asString(doc.jid) ?? graph.jobId;
  if (graph.mode === undefined) {
    const jobType = asString(doc['job-type'])?.toUpperCase();
    if (jobType === 'BATCH' || jobType === 'STREAMING') graph.mode = jobType;
  }

  const details = new Map<string, { entry: JsonObject; path: string }>();
  (doc.vertices as unknown[]).forEach((entry, i) => {
    const id = isObject(entry) ? asId(entry.id) : undefined;
    if (isObject(entry) && id !== undefined) details.set(id, { entry, path: childPath('vertices', i) });
  });
  const inPlan = new Set(graph.vertices.map((v) => v.key));
  for (const [id, { path }] of details) {
    if (!inPlan.has(id)) graph.warnings.push(`${path}: vertex \`${id}\` is not in the plan; ignored`);
  }

  let firstStart = Infinity;
  for (const v of graph.vertices) {
    const d = details.get(v.key);
    if (d === undefined) {
      const why = 'has no entry in `vertices`, so nothing was measured';
      v.measurement = { problems: { duration: why, 'read-bytes': why, 'write-bytes': why } };
      continue;
    }
    const name = flattenName(asString(d.entry.name) ?? '');
    if (name !== '') {
      if (v.name !== name && v.name !== '') v.notes.push(`operators: ${v.name}`);
      v.name = name;
      v.idHint = name;
    }
    const p = asNumber(d.entry.parallelism);
    if (p !== undefined && Number.isInteger(p) && p >= 1) v.parallelism = p;
    v.measurement = readMeasurement(d.entry);
    const subtasks = readSubtasks(d.entry, d.path, file);
    if (subtasks !== undefined) v.subtasks = subtasks;
    const start = asNumber(d.entry['start-time']);
    if (start !== undefined && start > 0) firstStart = Math.min(firstStart, start);
  }

  // The job as a whole.
  const state = asString(doc.state);
  const jobStart = asNumber(doc['start-time']);
  const jobEnd = asNumber(doc['end-time']);
  const jobDuration = asNumber(doc.duration);
  const ended = jobEnd !== undefined && jobEnd > 0;
  let durationMs: number | undefined;
  if (ended && jobStart !== undefined && jobStart > 0 && jobEnd >= jobStart) durationMs = jobEnd - jobStart;
  else if (ended && jobDuration !== undefined && jobDuration >= 0) durationMs = jobDuration;
  graph.header.push(
    `Measured: job ${state ?? '(state unknown)'}` +
      (durationMs !== undefined ? `, duration ${durationMs / 1000} s` : ', not ended: no job duration'),
  );
  if (state !== undefined && state !== 'FINISHED') {
    graph.warnings.push(
      `the job is ${state}, not FINISHED: ${ended ? 'its durations describe a run that did not succeed' : 'durations and metrics are not final, and there is no job duration to compare with'}`,
    );
  }
  if (durationMs !== undefined) {
    graph.measured = {
      durationSeconds: durationMs / 1000,
      vertices: graph.vertices
        .filter((v) => v.measurement?.durationMs !== undefined)
        .map((v) => ({ key: v.key, durationSeconds: v.measurement!.durationMs! / 1000 })),
    };
  }
  if (jobStart !== undefined && jobStart > 0 && Number.isFinite(firstStart) && firstStart >= jobStart) {
    graph.startupSeconds = (firstStart - jobStart) / 1000;
  }
  return graph;
}

/** Reads one vertex's status, duration and byte counts, saying why each missing one is missing. */
export function readMeasurement(entry: JsonObject): VertexMeasurement {
  const status = asString(entry.status);
  const m: VertexMeasurement = { problems: {} };
  if (status !== undefined) m.status = status;
  if (status !== undefined && status !== 'FINISHED') {
    const why = `is ${status}, not FINISHED: its duration and metrics are not final`;
    m.problems = { duration: why, 'read-bytes': why, 'write-bytes': why };
    return m;
  }
  const start = asNumber(entry['start-time']);
  const end = asNumber(entry['end-time']);
  const duration = asNumber(entry.duration);
  if (start !== undefined && end !== undefined && start > 0 && end >= start) m.durationMs = end - start;
  else if (duration !== undefined && duration >= 0) m.durationMs = duration;
  else m.problems.duration = `has no duration (${describe(entry.duration)})`;

  const metrics = entry.metrics;
  if (!isObject(metrics)) {
    m.problems['read-bytes'] = 'has no metrics';
    m.problems['write-bytes'] = 'has no metrics';
    return m;
  }
  const read = metric(metrics, 'read-bytes');
  if (typeof read === 'number') m.readBytes = read;
  else m.problems['read-bytes'] = read;
  const write = metric(metrics, 'write-bytes');
  if (typeof write === 'number') m.writeBytes = write;
  else m.problems['write-bytes'] = write;
  const readRecords = metric(metrics, 'read-records');
  if (typeof readRecords === 'number') m.readRecords = readRecords;
  const writeRecords = metric(metrics, 'write-records');
  if (typeof writeRecords === 'number') m.writeRecords = writeRecords;
  return m;
}

/** A metric's value, or why it cannot be used. */
function metric(metrics: JsonObject, name: string): number | string {
  const raw = metrics[name];
  if (raw === undefined || raw === null) return `has no ${name}`;
  const n = asNumber(raw);
  if (n === undefined) return `has ${name} ${describe(raw)}`;
  if (n < 0) return `has a negative ${name} (${n})`;
  if (metrics[`${name}-complete`] === false || metrics[`${name}-complete`] === 'false') {
    return `has an incomplete ${name} (${name}-complete: false)`;
  }
  return n;
}

function describe(value: unknown): string {
  return value === undefined ? 'missing' : JSON.stringify(value);
}
