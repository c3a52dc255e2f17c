//! The short human summary `batchsim run` prints by default.

import type { RunResult } from '../model/run-result.js';
import { formatDiagnosis } from './diagnosis.js';
import type { TaskManagerMemorySpec } from '../model/spec.js';
import { formatBytes, formatMegabytesPerSecond, formatSeconds } from '../util/format.js';

/** Left-aligns columns of a small table. */
export function table(rows: string[][], rightAlign: ReadonlySet<number> = new Set()): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows
    .map((r) => r.map((cell, c) => (rightAlign.has(c) ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  ').trimEnd())
    .join('\n');
}

/** Seconds in a table cell: tenths, or `-` when it did not happen. */
export const sec = (s: number | null): string => (s === null ? '-' : s.toFixed(1));

/** A TaskManager's bandwidth in decimal MB/s, as disk and network vendors quote it, or `unlimited`. */
const bandwidth = (bytesPerSecond: number | null): string =>
  bytesPerSecond === null ? 'unlimited' : formatMegabytesPerSecond(bytesPerSecond);

/** The resource that held a vertex back longest and its share of the time its attempts moved data, e.g. `disk 92%`. */
export function heldBackBy(v: RunResult['vertices'][number]): string {
  if (v.boundBy === null) return '-';
  const h = v.heldBackSeconds;
  const total = h.cpu + h.disk + h.network;
  return `${v.boundBy} ${Math.round((100 * h[v.boundBy]) / total)}%`;
}

/** Each TaskManager's memory as Flink splits it, then one slot's share of what operators use. */
function memoryLines(m: TaskManagerMemorySpec): string[] {
  const parts = [
    `task heap ${formatBytes(m.taskHeap)}`,
    `managed ${formatBytes(m.managed)}`,
    `network ${formatBytes(m.network)}`,
    `framework heap ${formatBytes(m.frameworkHeap)}`,
    `framework off-heap ${formatBytes(m.frameworkOffHeap)}`,
    ...(m.taskOffHeap > 0 ? [`task off-heap ${formatBytes(m.taskOffHeap)}`] : []),
    `JVM metaspace ${formatBytes(m.jvmMetaspace)}`,
    `JVM overhead ${formatBytes(m.jvmOverhead)}`,
  ];
  return [
    `memory        per TaskManager: ${parts.join(', ')}`,
    `              per slot: managed ${formatBytes(m.managedPerSlot)}, task heap ${formatBytes(m.taskHeapPerSlot)}`,
  ];
}

/** Renders a run's result for a person: status, time, TaskManagers, cost, vertices, failures. */
export function formatSummary(r: RunResult): string {
  const out: string[] = [];
  const tms = r.taskManagers;
  out.push(`${r.scenario} (seed ${r.seed}, ${r.mode})`);
  out.push(`status        ${r.status}${r.failureCause !== undefined ? `: ${r.failureCause}` : ''}`);
  out.push(`makespan      ${formatSeconds(r.makespan)}`);
  out.push(
    `TaskManagers  ${tms.created} created, peak ${tms.peak} live (${tms.slotsPerTaskManager} slot${tms.slotsPerTaskManager === 1 ? '' : 's'}, ` +
      `${tms.cpu} core${tms.cpu === 1 ? '' : 's'}, ${formatBytes(tms.memoryBytes)} memory, ${formatBytes(tms.diskBytes)} disk each)`,
  );
  out.push(...memoryLines(tms.memory));
  out.push(`bandwidth     disk ${bandwidth(tms.diskBandwidth)}, network ${bandwidth(tms.networkBandwidth)} per TaskManager, shared by its slots`);
  out.push(`slot-seconds  ${r.slotSeconds.toFixed(1)} busy`);
  out.push(`cost          ${r.cost.coreSeconds.toFixed(1)} core-seconds, ${r.cost.gibSeconds.toFixed(1)} GiB-seconds (TaskManagers and JobManager)`);
  if (r.mode === 'BATCH') {
    out.push(`disk          peak ${formatBytes(r.disk.peakBytesOneTaskManager)} on one TaskManager, ${formatBytes(r.disk.peakBytesTotal)} in all`);
  }
  if (r.shuffleService !== undefined) {
    const svc = r.shuffleService;
    out.push(
      `shuffle       remote service: ${formatBytes(svc.bytesTransferred)} transferred, peak ${formatBytes(svc.peakBytesStored)} stored, ` +
        `${svc.gibSecondsStored.toFixed(1)} GiB-seconds` +
        (r.cost.shuffleServiceCuSeconds > 0 ? `, ${r.cost.shuffleServiceCuSeconds.toFixed(1)} CU-seconds` : ''),
    );
  }
  out.push(`restarts      ${r.restarts}`);
  out.push('');
  const rows = [['vertex', 'parallelism', 'attempts', 'start s', 'end s', 'input/subtask min..max', 'held back by', 'why this parallelism']];
  for (const v of r.vertices) {
    const b = v.subtaskInputBytes;
    rows.push([
      v.id,
      v.parallelism === null ? '-' : String(v.parallelism),
      String(v.attempts),
      sec(v.start),
      sec(v.end),
      // Whole-byte splits leave the first subtasks a byte more: a range only when it shows.
      formatBytes(b.min) === formatBytes(b.max) ? formatBytes(b.max) : `${formatBytes(b.min)}..${formatBytes(b.max)}`,
      heldBackBy(v),
      v.decision.reason,
    ]);
  }
  out.push(table(rows, new Set([1, 2, 3, 4])));
  if (r.failures.length > 0) {
    out.push('');
    out.push('failures:');
    for (const f of r.failures) {
      const who = f.subtask !== null ? `${f.subtask}#${f.attempt}` : f.taskManager !== null ? `TaskManager ${f.taskManager}` : 'a TaskManager fault';
      const what =
        f.action === 'restart'
          ? `restarted ${f.restartedCount} subtask(s) after ${f.delay.toFixed(3)} s`
          : f.action === 'job-failed'
            ? 'job failed'
            : 'nothing to restart';
      const where = f.subtask !== null && f.taskManager !== null ? ` on TM ${f.taskManager}` : '';
      out.push(`  t=${f.time.toFixed(1)}s  ${who}${where}: ${f.cause} -> ${what}`);
    }
  }
  // Warnings are not part of the summary: the CLI prints them on stderr.
  const diagnosis = formatDiagnosis(r.diagnosis);
  if (diagnosis !== '') out.push(diagnosis);
  return out.join('\n');
}
