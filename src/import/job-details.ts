//! Format C: the job details the REST API serves at `/jobs/:jobid`, and calibration from them.
//!
//! `{"jid", "name", "state", "start-time", "end-time", "duration", "vertices": [{"id", "name",
//! "parallelism", "status", "start-time", "end-time", "duration", "metrics": {"read-bytes",
//! "read-bytes-complete", "write-bytes", "write-bytes-complete", "read-records", ...}}], "plan":
//! {format B}}`. Times are epoch milliseconds; -1 means not yet. A vertex's start is when its first
//! subtask was deployed and its end when its last subtask finished, so its duration spans all of
//! its subtasks. Sources report `read-bytes` 0 (Flink counts only bytes read from other tasks).
//!
//! Calibration, per vertex in topological order, with p its parallelism and D its duration:
//! - a source reads `source.bytes` = the bytes it wrote (write-bytes);
//! - its input I is the bytes its producers write in the scenario (for a broadcast input, p times
//!   that), so the simulated input matches the simulated producers exactly;
//! - rate = (I / p) / D: under blocking batch execution a vertex starts only when its producers have
//!   finished, so D is its own work; with every subtask in its own slot one subtask takes D;
//! - selectivity = write-bytes / I, so that the vertex writes what Flink measured;
//! - with no input bytes, D becomes the `fixed` time of each subtask instead of a rate.
//! One run cannot tell a fixed cost from a throughput: all of D is put on the bytes. A metric that
//! is missing, `"NaN"`, marked incomplete, or belongs to a vertex that has not finished is replaced by
//! the defaults (as for formats without numbers), with a warning naming the vertex.
//! The gap between the job's start and its first vertex's start becomes the TaskManager startup.

import { childPath } from '../scenario/issues.js';
import { asId, asNumber, asString, isObject, type JsonObject } from './detect.js';
import { readJobPlan } from './job-plan.js';
import {
  assignIds,
  consumerCounts,
  flattenName,
  formatDuration,
  formatRate,
  humanBytes,
  type ImportGraph,
  type VertexMeasurement,
} from './to-scenario.js';

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

/**
 * Fills every vertex's source.bytes, rate or fixed time, and selectivity from its measurements
 * (see the module comment). `graph.vertices` must be in topological order.
 */
export function calibrate(graph: ImportGraph, defaults: { sourceBytes: number; rate: number }): void {
  const ids = assignIds(graph.vertices);
  const consumers = consumerCounts(graph.vertices);
  const out = new Map<string, number>();
  let calibrated = 0;
  for (const v of graph.vertices) {
    const m: VertexMeasurement = v.measurement ?? { problems: { duration: 'was not measured', 'write-bytes': 'was not measured' } };
    const p = v.parallelism ?? 1;
    const reasons = new Set<string>();
    const defaulted: string[] = [];
    const hasConsumers = (consumers.get(v.key) ?? 0) > 0;
    const duration = m.durationMs !== undefined ? m.durationMs / 1000 : undefined;
    const isSource = v.inputs.length === 0;

    let input: number;
    if (isSource) {
      if (m.writeBytes !== undefined) {
        v.sourceBytes = m.writeBytes;
        v.notes.push(`source.bytes: what it wrote (write-bytes ${humanBytes(m.writeBytes)})`);
      } else {
        v.sourceBytes = defaults.sourceBytes;
        v.assumed.sourceBytes = true;
        reasons.add(m.problems['write-bytes'] ?? 'has no write-bytes');
        defaulted.push(`source.bytes ${humanBytes(defaults.sourceBytes)}`);
      }
      input = v.sourceBytes;
    } else {
      input = 0;
      for (const e of v.inputs) input += (out.get(e.from) ?? 0) * (e.pattern === 'broadcast' ? p : 1);
      if (m.readBytes !== undefined && input > 0 && Math.abs(m.readBytes - input) > 0.1 * input) {
        graph.warnings.push(
          `vertex \`${ids.get(v.key)}\` read ${humanBytes(m.readBytes)} but its producers write ${humanBytes(input)} in the scenario; ` +
            'rate and selectivity are computed from the latter so that the simulated vertex takes the measured time',
        );
      }
    }

    // Time: rate from the bytes each subtask handles, or a fixed time when there are none.
    if (duration === undefined) {
      v.rate = defaults.rate;
      v.assumed.rate = true;
      reasons.add(m.problems.duration ?? 'has no duration');
      defaulted.push(`rate ${formatRate(defaults.rate)}`);
    } else if (duration === 0) {
      v.notes.push('measured duration 0 ms: no rate (data takes no time)');
    } else if (input > 0) {
      v.rate = input / p / duration;
      v.notes.push(`rate: ${humanBytes(input / p)} per subtask in the measured ${formatDuration(duration)}`);
      calibrated++;
    } else {
      v.fixedSeconds = duration;
      v.notes.push(`no input bytes: the measured ${formatDuration(duration)} is a fixed time per subtask`);
      calibrated++;
    }

    // Output: what the vertex wrote, as a share of what it read.
    let output = input;
    if (!isSource && hasConsumers) {
      if (m.writeBytes === undefined) {
        v.selectivity = 1;
        v.assumed.selectivity = true;
        reasons.add(m.problems['write-bytes'] ?? 'has no write-bytes');
        defaulted.push('selectivity 1');
      } else if (input > 0) {
        v.selectivity = m.writeBytes / input;
        output = m.writeBytes;
        v.notes.push(`selectivity: wrote ${humanBytes(m.writeBytes)} of ${humanBytes(input)} read`);
      } else {
        output = 0;
        if (m.writeBytes > 0) {
          graph.warnings.push(`vertex \`${ids.get(v.key)}\` wrote ${humanBytes(m.writeBytes)} but reads no bytes in the scenario: it writes nothing there`);
        }
      }
    }
    out.set(v.key, output);

    if (defaulted.length > 0) {
      graph.warnings.push(
        `vertex \`${ids.get(v.key)}\` (Flink "${short(v.name)}") ${[...reasons].join('; ')}: using the default ${defaulted.join(', ')}`,
      );
    }
  }
  if (graph.mode === 'STREAMING' && calibrated > 0) {
    graph.warnings.push(
      'the plan is STREAMING: its vertices ran at the same time, so a vertex duration spans more than its own work ' +
        'and the calibrated rates are lower bounds',
    );
  }
  graph.header.push(
    'Calibrated from the measured run: rate = input bytes per subtask / vertex duration,',
    'selectivity = bytes written / bytes read, source.bytes = bytes the source wrote.',
  );
}

function short(name: string): string {
  return name.length > 60 ? `${name.slice(0, 57)}...` : name;
}
