//! Per-subtask details of a vertex, embedded in job details.
//!
//! Flink serves them at `/jobs/:jobid/vertices/:vertexid` as `{"id", "name", "parallelism",
//! "subtasks": [{"subtask", "status", "attempt", "start-time", "end-time", "duration", "metrics":
//! {"read-bytes", "write-bytes", "read-records", "write-records", "accumulated-busy-time",
//! "accumulated-idle-time", "accumulated-backpressured-time", ...}}]}`. batchsim reads them from the
//! job details: each `vertices[i]` of `/jobs/:jobid` may carry that `subtasks` list (copied from the
//! vertex's own response). Times are epoch milliseconds; accumulated times are milliseconds.

import { ScenarioError } from '../scenario/issues.js';
import { asNumber, asString, isObject, type JsonObject } from './detect.js';

/** What one subtask measured. */
export interface SubtaskSample {
  index: number;
  durationMs: number;
  readBytes?: number;
  writeBytes?: number;
  /** Busy + idle + backpressured milliseconds, when all three are numbers. */
  accountedMs?: number;
}

/** The subtasks of one vertex that can be used, and those left out (`3 (RUNNING)`). */
export interface SubtaskDetails {
  samples: SubtaskSample[];
  skipped: string[];
}

/**
 * Reads the `subtasks` list of a vertex entry; undefined when the entry has none.
 * Subtasks that did not finish or have no duration are left out and listed.
 * @throws ScenarioError when `subtasks` is not a list of objects
 */
export function readSubtasks(entry: JsonObject, path: string, file: string): SubtaskDetails | undefined {
  const list = entry.subtasks;
  if (list === undefined || list === null) return undefined;
  if (!Array.isArray(list)) {
    throw new ScenarioError(file, [{ path: `${path}.subtasks`, message: `expected the list \`subtasks\` of /jobs/:jobid/vertices/:vertexid, got ${typeof list}` }]);
  }
  const samples: SubtaskSample[] = [];
  const skipped: string[] = [];
  list.forEach((raw, i) => {
    if (!isObject(raw)) {
      throw new ScenarioError(file, [{ path: `${path}.subtasks[${i}]`, message: 'expected a subtask object' }]);
    }
    const index = asNumber(raw.subtask) ?? i;
    const status = asString(raw.status);
    if (status !== undefined && status !== 'FINISHED') {
      skipped.push(`${index} (${status})`);
      return;
    }
    const start = asNumber(raw['start-time']);
    const end = asNumber(raw['end-time']);
    const duration = asNumber(raw.duration);
    let durationMs: number | undefined;
    if (start !== undefined && end !== undefined && start > 0 && end >= start) durationMs = end - start;
    else if (duration !== undefined && duration >= 0) durationMs = duration;
    if (durationMs === undefined) {
      skipped.push(`${index} (no duration)`);
      return;
    }
    const sample: SubtaskSample = { index, durationMs };
    const metrics = isObject(raw.metrics) ? raw.metrics : {};
    const read = count(metrics['read-bytes']);
    const write = count(metrics['write-bytes']);
    if (read !== undefined) sample.readBytes = read;
    if (write !== undefined) sample.writeBytes = write;
    const busy = count(metrics['accumulated-busy-time']);
    const idle = count(metrics['accumulated-idle-time']);
    const pressured = count(metrics['accumulated-backpressured-time']);
    if (busy !== undefined && idle !== undefined && pressured !== undefined) sample.accountedMs = busy + idle + pressured;
    samples.push(sample);
  });
  return { samples, skipped };
}

/** A non-negative number (Flink writes some as strings, and "NaN" when unknown). */
function count(value: unknown): number | undefined {
  const n = asNumber(value);
  return n !== undefined && n >= 0 ? n : undefined;
}
